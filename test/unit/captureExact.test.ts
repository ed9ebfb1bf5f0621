// A checkpoint holds exactly what is on disk: names as bytes, every file the user has (whatever
// bits their index carries), line endings as written, and one odd file never costs the others.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, git, makeRepo, read, tempDir, write } from './helpers';
import { checkpointFiles, chownTree, manifest, manifestDiff, unprivileged } from './manifest';
import { CLI } from './helpers';

const quiet = { onNotice: () => undefined };
const raw = (text: string) => Buffer.from(text, 'latin1');
const at = (root: string, rawName: string) => Buffer.concat([Buffer.from(`${root}/`), raw(rawName)]);

describe('capture is byte-exact', () => {
  afterEach(cleanupTemps);

  it('captures and restores names that are not UTF-8 (Latin-1), in files and folders', async () => {
    const root = makeRepo();
    fs.writeFileSync(at(root, 'caf\xe9.txt'), 'latin-1 name v1\n');
    fs.mkdirSync(at(root, 'd\xefr'));
    fs.writeFileSync(at(root, 'd\xefr/inside \xff.txt'), 'inside v1\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    const files = checkpointFiles(root, checkpoint.commit);
    assert.equal(files.get('caf\xe9.txt')?.toString(), 'latin-1 name v1\n');
    assert.equal(files.get('d\xefr/inside \xff.txt')?.toString(), 'inside v1\n');
    const before = manifest(root);
    fs.writeFileSync(at(root, 'caf\xe9.txt'), 'edited by the agent\n');
    fs.rmSync(at(root, 'd\xefr'), { recursive: true });
    const result = await store.restore(checkpoint.id);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    assert.ok(result.modified.includes('caf\\xe9.txt'), `shown with the byte escaped: ${JSON.stringify(result.modified)}`);
    assert.equal((await store.fileAt(checkpoint.id, 'caf\\xe9.txt')).toString(), 'latin-1 name v1\n');
    store.close();
  });

  it('keeps NFC and NFD forms of a name apart (what core.precomposeUnicode decides on macOS; simulated here by setting it)', async () => {
    const root = makeRepo();
    git(root, 'config', 'core.precomposeUnicode', 'true');
    const nfc = 'caf\u00e9.txt';
    const nfd = 'cafe\u0301.txt';
    write(root, nfc, 'composed\n');
    write(root, nfd, 'decomposed\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    const before = manifest(root);
    write(root, nfc, 'changed\n');
    fs.rmSync(path.join(root, nfd));
    await store.restore(checkpoint.id);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    store.close();
  });

  it('captures skip-worktree and assume-unchanged files as they are on disk (a local secret is never lost)', async () => {
    const root = makeRepo();
    write(root, 'config.local', 'placeholder\n');
    write(root, 'tuned.json', '{}\n');
    git(root, 'add', 'config.local', 'tuned.json');
    git(root, 'commit', '-qm', 'configs');
    write(root, 'config.local', 'password=hunter2\n');
    write(root, 'tuned.json', '{"local": true}\n');
    git(root, 'update-index', '--skip-worktree', 'config.local');
    git(root, 'update-index', '--assume-unchanged', 'tuned.json');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    const files = checkpointFiles(root, checkpoint.commit);
    assert.equal(files.get('config.local')?.toString(), 'password=hunter2\n');
    assert.equal(files.get('tuned.json')?.toString(), '{"local": true}\n');
    fs.rmSync(path.join(root, 'config.local'));
    write(root, 'tuned.json', 'overwritten\n');
    await store.restore(checkpoint.id);
    assert.equal(read(root, 'config.local'), 'password=hunter2\n');
    assert.equal(read(root, 'tuned.json'), '{"local": true}\n');
    // The user's own bits are untouched.
    assert.match(git(root, 'ls-files', '-v', 'config.local'), /^S /);
    assert.match(git(root, 'ls-files', '-v', 'tuned.json'), /^h /);
    store.close();
  });

  it('captures a case-only rename exactly with core.ignorecase=true (simulating a case-insensitive setup)', async () => {
    const root = makeRepo();
    write(root, 'Notes.md', 'mixed case\n');
    git(root, 'add', 'Notes.md');
    git(root, 'commit', '-qm', 'notes');
    git(root, 'config', 'core.ignorecase', 'true');
    const store = await openCheckpoints(root, quiet);
    const first = await store.createCheckpoint();
    fs.renameSync(path.join(root, 'Notes.md'), path.join(root, 'NOTES.md'));
    const second = await store.createCheckpoint();
    const names = [...checkpointFiles(root, second.commit).keys()];
    assert.ok(names.includes('NOTES.md'), `NOTES.md captured: ${names.join(', ')}`);
    assert.ok(!names.includes('Notes.md'), 'the old name is gone from the checkpoint');
    await store.restore(first.id);
    assert.deepEqual(fs.readdirSync(root).filter((name) => /^notes\.md$/i.test(name)), ['Notes.md']);
    assert.equal(read(root, 'Notes.md'), 'mixed case\n');
    store.close();
  });

  it('keeps line endings byte for byte: text=auto eol=lf with CRLF, and core.autocrlf=true with LF', async () => {
    const root = makeRepo();
    write(root, '.gitattributes', '* text=auto eol=lf\n');
    git(root, 'add', '.gitattributes');
    git(root, 'commit', '-qm', 'attributes');
    write(root, 'windows.txt', 'one\r\ntwo\r\n');
    const autocrlf = makeRepo();
    git(autocrlf, 'config', 'core.autocrlf', 'true');
    write(autocrlf, 'run.sh', '#!/bin/sh\necho lf only\n', 0o755);
    git(autocrlf, 'add', 'run.sh');
    git(autocrlf, 'commit', '-qm', 'script');
    for (const [repo, file] of [[root, 'windows.txt'], [autocrlf, 'run.sh']]) {
      const store = await openCheckpoints(repo, quiet);
      const checkpoint = await store.createCheckpoint();
      const before = manifest(repo);
      assert.deepEqual(checkpointFiles(repo, checkpoint.commit).get(file), fs.readFileSync(path.join(repo, file)), `${file} stored as on disk`);
      write(repo, file, 'agent\n');
      await store.restore(checkpoint.id);
      assert.deepEqual(manifestDiff(before, manifest(repo)), [], file);
      store.close();
    }
  });

  it('captures an LFS-tracked file whose filter program is not installed, and never runs filters', async () => {
    const root = makeRepo();
    write(root, '.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n*.txt filter=boom\n');
    git(root, 'config', 'filter.lfs.clean', 'git-lfs-not-installed clean %f');
    git(root, 'config', 'filter.lfs.smudge', 'git-lfs-not-installed smudge %f');
    git(root, 'config', 'filter.lfs.required', 'true');
    git(root, 'config', 'filter.boom.clean', 'false');
    git(root, 'config', 'filter.boom.smudge', 'false');
    git(root, 'config', 'filter.boom.required', 'true');
    write(root, 'model.bin', Buffer.from([0, 1, 2, 3, 255]));
    write(root, 'notes.txt', 'filtered text\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    assert.deepEqual(checkpoint.skipped, []);
    const before = manifest(root);
    fs.rmSync(path.join(root, 'model.bin'));
    write(root, 'notes.txt', 'changed\n');
    await store.restore(checkpoint.id);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    store.close();
  });

  it('skips a tracked file replaced by a FIFO (reported) and captures everything else', async () => {
    const root = makeRepo();
    write(root, 'pipe', 'was a file\n');
    git(root, 'add', 'pipe');
    git(root, 'commit', '-qm', 'pipe');
    fs.rmSync(path.join(root, 'pipe'));
    spawnSync('mkfifo', [path.join(root, 'pipe')]);
    write(root, 'src/app.js', 'captured alongside\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    assert.deepEqual(checkpoint.skipped, [{ path: 'pipe', reason: 'special-file' }]);
    const files = checkpointFiles(root, checkpoint.commit);
    assert.equal(files.get('src/app.js')?.toString(), 'captured alongside\n');
    assert.ok(!files.has('pipe'), 'no stale content for the FIFO');
    store.close();
  });

  it('captures a folder replaced by a symlink, and restores either way round', async () => {
    const root = makeRepo();
    write(root, 'lib/a.txt', 'a\n');
    write(root, 'lib/b.txt', 'b\n');
    write(root, 'elsewhere/x.txt', 'x\n');
    const store = await openCheckpoints(root, quiet);
    const folder = await store.createCheckpoint();
    const asFolder = manifest(root);
    fs.rmSync(path.join(root, 'lib'), { recursive: true });
    fs.symlinkSync('elsewhere', path.join(root, 'lib'));
    const link = await store.createCheckpoint();
    const asLink = manifest(root);
    assert.equal(checkpointFiles(root, link.commit).get('lib')?.toString(), 'elsewhere');
    await store.restore(folder.id);
    assert.deepEqual(manifestDiff(asFolder, manifest(root)), []);
    assert.equal(read(root, 'elsewhere/x.txt'), 'x\n', 'never written through the link');
    await store.restore(link.id);
    assert.deepEqual(manifestDiff(asLink, manifest(root)), []);
    store.close();
  });

  it('retries a file rewritten while it is read, and never fails the checkpoint for it', async function () {
    this.timeout(60_000);
    const root = makeRepo();
    const big = path.join(root, 'growing.log.txt');
    fs.writeFileSync(big, Buffer.alloc(24 << 20, 97));
    const store = await openCheckpoints(root, quiet);
    await store.createCheckpoint();
    // A writer truncating and rewriting the file as fast as it can (what makes git die with SIGBUS).
    const writer = spawn(process.execPath, ['-e', `const fs=require('fs');const a=Buffer.alloc(24<<20,98);const b=Buffer.alloc(1<<20,99);for(;;){fs.writeFileSync(${JSON.stringify(big)},a);fs.writeFileSync(${JSON.stringify(big)},b);}`]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (let i = 0; i < 8; i++) {
        write(root, `other${i}.txt`, `other ${i}\n`);
        const checkpoint = await store.createCheckpoint();
        const files = checkpointFiles(root, checkpoint.commit);
        assert.equal(files.get(`other${i}.txt`)?.toString(), `other ${i}\n`);
        const captured = files.get('growing.log.txt');
        const skipped = checkpoint.skipped.some((file) => file.path === 'growing.log.txt' && file.reason === 'changing');
        // Either a state the file really had at one instant (one writer's bytes, possibly still
        // being written), or reported as changing: never a mix of two states.
        const oneState = !!captured && (captured.length === 0 || captured.every((byte) => byte === captured[0]));
        assert.ok(skipped || oneState, `whole or skipped (${captured?.length} bytes)`);
      }
    } finally {
      writer.kill('SIGKILL');
    }
    store.close();
  });

  it('reports an unreadable folder and never keeps its old contents as current', async function () {
    const user = unprivileged();
    if (!user) return this.skip();
    const root = makeRepo();
    write(root, 'private/tracked.txt', 'v1\n');
    git(root, 'add', 'private/tracked.txt');
    git(root, 'commit', '-qm', 'private');
    write(root, 'private/untracked.txt', 'untracked\n');
    const home = tempDir('boocode-home-');
    chownTree(root, user);
    chownTree(home, user);
    const asUser = (...args: string[]) => spawnSync('runuser', ['-u', user.name, '--', process.execPath, CLI, ...args, '--json'], { env: { ...process.env, HOME: home, XDG_STATE_HOME: home }, encoding: 'utf8' });
    const first = JSON.parse(asUser('checkpoint', '-C', root).stdout);
    assert.ok(checkpointFiles(root, first.commit).has('private/tracked.txt'));
    write(root, 'private/tracked.txt', 'v2 edited\n');
    fs.chmodSync(path.join(root, 'private'), 0o000);
    try {
      const result = asUser('checkpoint', '-C', root);
      assert.equal(result.status, 0, result.stderr);
      const second = JSON.parse(result.stdout);
      assert.deepEqual(second.skipped, [{ path: 'private', reason: 'unreadable' }]);
      const files = checkpointFiles(root, second.commit);
      assert.ok(![...files.keys()].some((file) => file.startsWith('private/')), 'nothing stale under private/');
    } finally {
      fs.chmodSync(path.join(root, 'private'), 0o755);
    }
  });
});
