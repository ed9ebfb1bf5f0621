// A restore never touches what is not its to touch, brings modes back exactly, and is undone to
// the byte: each test builds the situation in a real repository and compares a manifest of every
// file (ignored ones included) before the restore and after its undo.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Checkpoints, openCheckpoints } from '../../src/core/service';
import { CLI, cleanupTemps, exists, git, makeRepo, read, tempDir, write } from './helpers';
import { chownTree, leftovers, manifest, manifestDiff, unprivileged } from './manifest';

const quiet = { onNotice: () => undefined };

/** Restores `id`, checks `during`, undoes, and proves the work tree is exactly as before. */
async function restoreAndUndo(root: string, store: Checkpoints, id: string, during: (result: Awaited<ReturnType<Checkpoints['restore']>>) => void): Promise<void> {
  const before = manifest(root);
  const result = await store.restore(id);
  during(result);
  assert.deepEqual(leftovers(root), [], 'no temp file left by the restore');
  await store.undo();
  assert.deepEqual(manifestDiff(before, manifest(root)), [], 'undo brings back exactly the state before the restore');
  assert.deepEqual(leftovers(root), [], 'no temp file left by the undo');
}

const keptCode = (result: { kept: { path: string; code: string }[] }, file: string) => result.kept.find((kept) => kept.path === file)?.code;

describe('restore never touches what is not its to touch', () => {
  afterEach(cleanupTemps);

  it('leaves files ignored through info/exclude, core.excludesFile or after git rm --cached alone', async () => {
    const root = makeRepo();
    write(root, 'local.env', 'v1\n');
    write(root, 'scratch.tmp', 'v1\n');
    write(root, 'vendored.bin', 'v1\n');
    git(root, 'add', 'vendored.bin');
    git(root, 'commit', '-qm', 'vendored');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    fs.appendFileSync(path.join(root, '.git/info/exclude'), '*.env\n');
    const excludes = path.join(tempDir(), 'ignore');
    fs.writeFileSync(excludes, '*.tmp\n');
    git(root, 'config', 'core.excludesFile', excludes);
    git(root, 'rm', '-q', '--cached', 'vendored.bin');
    fs.appendFileSync(path.join(root, '.git/info/exclude'), '*.bin\n');
    for (const file of ['local.env', 'scratch.tmp', 'vendored.bin']) write(root, file, 'v2, ignored now\n');
    fs.rmSync(path.join(root, 'notes.txt'));
    await restoreAndUndo(root, store, checkpoint.id, (result) => {
      for (const file of ['local.env', 'scratch.tmp', 'vendored.bin']) {
        assert.equal(read(root, file), 'v2, ignored now\n', file);
        assert.equal(keptCode(result, file), 'ignored', file);
      }
      assert.equal(read(root, 'notes.txt'), 'untracked\n', 'the rest is restored');
    });
    store.close();
  });

  it("never deletes a file the restored checkpoint's own .gitignore ignored", async () => {
    const root = makeRepo();
    write(root, 'server.log', 'existed at the checkpoint, ignored then\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, '.gitignore', 'node_modules/\n');
    write(root, 'server.log', 'captured since the rule went away\n');
    await store.createCheckpoint();
    await restoreAndUndo(root, store, checkpoint.id, (result) => {
      assert.equal(read(root, 'server.log'), 'captured since the rule went away\n');
      assert.equal(keptCode(result, 'server.log'), 'ignored-by-checkpoint');
      assert.equal(read(root, '.gitignore'), 'node_modules/\n*.log\n', 'the rules themselves come back');
    });
    store.close();
  });

  it('never deletes node_modules after it joined .gitignore, even restoring a checkpoint from before it existed', async () => {
    const root = makeRepo();
    fs.rmSync(path.join(root, 'node_modules'), { recursive: true });
    write(root, '.gitignore', '*.log\n');
    const store = await openCheckpoints(root, quiet);
    const before = await store.createCheckpoint();
    for (let i = 0; i < 20; i++) write(root, `node_modules/pkg${i}/index.js`, `module ${i}\n`);
    await store.createCheckpoint();
    write(root, '.gitignore', '*.log\nnode_modules/\n');
    await restoreAndUndo(root, store, before.id, () => {
      for (let i = 0; i < 20; i++) assert.equal(read(root, `node_modules/pkg${i}/index.js`), `module ${i}\n`);
    });
    store.close();
  });

  it('never touches a folder that has become a repository of its own', async () => {
    const root = makeRepo();
    write(root, 'lib/a.js', 'plain folder v1\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    git(path.join(root, 'lib'), 'init', '-q');
    write(root, 'lib/a.js', 'now in its own repository\n');
    write(root, 'lib/b.js', 'new in the nested repository\n');
    await restoreAndUndo(root, store, checkpoint.id, () => {
      assert.equal(read(root, 'lib/a.js'), 'now in its own repository\n');
      assert.equal(read(root, 'lib/b.js'), 'new in the nested repository\n');
      assert.ok(fs.statSync(path.join(root, 'lib/.git')).isDirectory());
    });
    store.close();
  });

  it('never writes a file outside the sparse-checkout cone', async () => {
    const root = makeRepo();
    write(root, 'inside/a.txt', 'in the cone\n');
    write(root, 'outside/b.txt', 'outside the cone\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'two folders');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    git(root, 'sparse-checkout', 'set', '--cone', 'inside');
    assert.equal(exists(root, 'outside/b.txt'), false, 'git took it off the disk');
    write(root, 'inside/a.txt', 'changed\n');
    await restoreAndUndo(root, store, checkpoint.id, (result) => {
      assert.equal(read(root, 'inside/a.txt'), 'in the cone\n');
      assert.equal(exists(root, 'outside/b.txt'), false);
      assert.equal(keptCode(result, 'outside/b.txt'), 'outside-sparse-cone');
    });
    store.close();
  });

  it('never removes the workspace folder or its parents (-C repo/sub)', async () => {
    const root = makeRepo();
    fs.mkdirSync(path.join(root, 'packages/web'), { recursive: true });
    const workspace = path.join(root, 'packages/web');
    const store = await openCheckpoints(workspace, quiet);
    const empty = await store.createCheckpoint();
    write(root, 'packages/web/new.js', 'created by the agent\n');
    const result = await store.restore(empty.id);
    assert.deepEqual(result.deleted, ['new.js']);
    assert.ok(fs.statSync(workspace).isDirectory(), 'the workspace folder stays');
    await store.undo();
    assert.equal(read(root, 'packages/web/new.js'), 'created by the agent\n');
    store.close();
  });
});

describe('restore brings modes back exactly', () => {
  afterEach(cleanupTemps);

  it('brings a 0600 file back 0600, whether deleted or rewritten 0644', async () => {
    const root = makeRepo();
    write(root, 'secret.env', 'TOKEN=1\n', 0o600);
    write(root, 'private-tool', '#!/bin/sh\n', 0o700);
    write(root, 'keys/id', 'key\n', 0o600);
    fs.chmodSync(path.join(root, 'keys'), 0o700);
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    fs.rmSync(path.join(root, 'secret.env'));
    fs.rmSync(path.join(root, 'keys'), { recursive: true });
    fs.rmSync(path.join(root, 'private-tool'));
    write(root, 'private-tool', 'replaced\n', 0o644);
    const expected = new Map([['secret.env', 0o600], ['private-tool', 0o700], ['keys/id', 0o600], ['keys', 0o700]]);
    await restoreAndUndo(root, store, checkpoint.id, () => {
      for (const [file, mode] of expected) assert.equal(fs.statSync(path.join(root, file)).mode & 0o777, mode, file);
    });
    store.close();
  });

  it('brings exec bits back with core.fileMode=false', async () => {
    const root = makeRepo();
    git(root, 'config', 'core.fileMode', 'false');
    write(root, 'run.sh', '#!/bin/sh\necho hi\n', 0o755);
    git(root, 'add', 'run.sh');
    git(root, 'commit', '-qm', 'script');
    write(root, 'tool.sh', '#!/bin/sh\n', 0o755);
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    fs.chmodSync(path.join(root, 'run.sh'), 0o644);
    write(root, 'run.sh', '#!/bin/sh\necho changed\n');
    fs.rmSync(path.join(root, 'tool.sh'));
    await restoreAndUndo(root, store, checkpoint.id, () => {
      assert.equal(fs.statSync(path.join(root, 'run.sh')).mode & 0o777, 0o755);
      assert.equal(fs.statSync(path.join(root, 'tool.sh')).mode & 0o777, 0o755);
    });
    store.close();
  });
});

describe('restore refuses what it cannot do, per path, and never half-does it', () => {
  afterEach(cleanupTemps);

  it('restores a path too long for a temp name next to it (near PATH_MAX)', async () => {
    const root = makeRepo();
    let deep = '';
    while (Buffer.byteLength(path.join(root, deep)) < 3900) deep = path.join(deep, 'd'.repeat(200));
    const file = path.join(deep, 'x');
    write(root, file, 'deep\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, file, 'changed\n');
    await restoreAndUndo(root, store, checkpoint.id, (result) => {
      assert.equal(read(root, file), 'deep\n');
      assert.deepEqual(result.kept, []);
    });
    store.close();
  });

  it('refuses a read-only folder as a whole, restores the rest, and is undone exactly (EACCES)', async function () {
    const user = unprivileged();
    if (!user) return this.skip();
    const root = makeRepo();
    write(root, 'locked/a.txt', 'v1\n');
    write(root, 'open/b.txt', 'v1\n');
    const home = tempDir('boocode-home-');
    chownTree(root, user);
    chownTree(home, user);
    const asUser = (...args: string[]) => spawnSync('runuser', ['-u', user.name, '--', process.execPath, CLI, ...args], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
    const checkpoint = JSON.parse(asUser('checkpoint', '-C', root, '--json').stdout).id as string;
    for (const file of ['locked/a.txt', 'open/b.txt']) write(root, file, 'v2\n');
    write(root, 'locked/new.txt', 'created\n');
    chownTree(root, user);
    fs.chmodSync(path.join(root, 'locked'), 0o555);
    const before = manifest(root);
    try {
      const restored = asUser('restore', checkpoint, '--yes', '-C', root, '--json');
      assert.equal(restored.status, 0, restored.stderr);
      const result = JSON.parse(restored.stdout);
      assert.equal(read(root, 'open/b.txt'), 'v1\n');
      assert.equal(read(root, 'locked/a.txt'), 'v2\n', 'not half-done');
      assert.equal(read(root, 'locked/new.txt'), 'created\n');
      assert.deepEqual(result.kept.map((kept: { path: string; code: string }) => `${kept.path} ${kept.code}`).sort(), ['locked/a.txt unwritable', 'locked/new.txt unwritable']);
      assert.deepEqual(leftovers(root), []);
      const undone = asUser('undo', '-C', root);
      assert.equal(undone.status, 0, undone.stderr);
      assert.deepEqual(manifestDiff(before, manifest(root)), []);
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('puts a file back where an empty folder stands now, and undo makes the empty folder again with its mode', async () => {
    const root = makeRepo();
    write(root, 'notes/todo.txt', 'a file at the checkpoint\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    fs.rmSync(path.join(root, 'notes/todo.txt'));
    fs.mkdirSync(path.join(root, 'notes/todo.txt'), { mode: 0o700 });
    fs.chmodSync(path.join(root, 'notes/todo.txt'), 0o700);
    await restoreAndUndo(root, store, checkpoint.id, (result) => {
      assert.deepEqual(result.recreated, ['notes/todo.txt']);
      assert.equal(read(root, 'notes/todo.txt'), 'a file at the checkpoint\n');
    });
    assert.equal(fs.statSync(path.join(root, 'notes/todo.txt')).isDirectory(), true);
    assert.equal(fs.statSync(path.join(root, 'notes/todo.txt')).mode & 0o777, 0o700);
    store.close();
  });

  it('never runs a smudge filter on restore (a failing one cannot break it)', async () => {
    const root = makeRepo();
    write(root, '.gitattributes', '*.dat filter=broken\n');
    git(root, 'config', 'filter.broken.smudge', 'false');
    git(root, 'config', 'filter.broken.clean', 'cat');
    git(root, 'config', 'filter.broken.required', 'true');
    write(root, 'data.dat', 'raw bytes\r\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, 'data.dat', 'changed\n');
    await restoreAndUndo(root, store, checkpoint.id, () => assert.equal(read(root, 'data.dat'), 'raw bytes\r\n'));
    store.close();
  });

  it('stops before changing anything when a blob the restore needs is gone, in one line', async () => {
    const root = makeRepo();
    write(root, 'precious.txt', 'only in the checkpoint\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    const blob = git(root, 'rev-parse', `${checkpoint.commit}:precious.txt`);
    write(root, 'precious.txt', 'changed\n');
    write(root, 'src/app.js', 'changed too\n');
    await store.createCheckpoint();
    fs.rmSync(path.join(root, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const before = manifest(root);
    const result = spawnSync(process.execPath, [CLI, 'restore', checkpoint.id, '--yes', '-C', root], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(result.stderr.length < 400, result.stderr);
    assert.match(result.stderr, /nothing was changed/i);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    assert.deepEqual(leftovers(root), []);
    store.close();
  });
});
