import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, cli, exists, git, makeRepo, read, repoState, stateHome, tempDir, write } from './helpers';

const quiet = { onNotice: () => undefined };

describe('checkpoint engine', () => {
  afterEach(cleanupTemps);

  it('captures tracked, untracked and deleted files, not ignored ones, without touching HEAD, branch, index or stash', async () => {
    const root = makeRepo();
    fs.rmSync(path.join(root, 'src/app.js'));
    write(root, 'README.md', '# changed\n');
    const statusBefore = git(root, '--no-optional-locks', 'status', '--porcelain');
    const before = repoState(root);
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint({ label: 'first' });
    assert.deepEqual(repoState(root), before);
    assert.equal(git(root, 'rev-parse', checkpoint.ref), checkpoint.commit);
    assert.equal(git(root, 'rev-parse', `${checkpoint.commit}^`), before.head, 'parented on HEAD');
    const files = git(root, 'ls-tree', '-r', '--name-only', checkpoint.commit).split('\n');
    assert.deepEqual(files.sort(), ['.gitignore', 'README.md', 'notes.txt']);
    assert.equal(git(root, 'show', `${checkpoint.commit}:README.md`), '# changed');
    assert.equal(git(root, '--no-optional-locks', 'status', '--porcelain'), statusBefore);
    assert.equal(read(root, 'README.md'), '# changed\n', 'files unchanged');
    store.close();
  });

  it('works on an unborn branch (no parent) and a detached HEAD (parent = HEAD, still detached)', async () => {
    const unborn = makeRepo({ commit: false });
    const store = await openCheckpoints(unborn, quiet);
    const first = await store.createCheckpoint();
    assert.equal(first.head, null);
    assert.equal(git(unborn, 'rev-list', '--parents', '-n', '1', first.commit), first.commit, 'no parent');
    assert.equal(git(unborn, 'ls-tree', '-r', '--name-only', first.commit).split('\n').length, 4);
    assert.throws(() => git(unborn, 'rev-parse', '--verify', '-q', 'HEAD'));

    const detached = makeRepo();
    write(detached, 'two.txt', '2\n');
    git(detached, 'add', 'two.txt');
    git(detached, 'commit', '-qm', 'two');
    git(detached, 'checkout', '-q', '--detach', 'HEAD~1');
    const head = git(detached, 'rev-parse', 'HEAD');
    const other = await openCheckpoints(detached, quiet);
    const checkpoint = await other.createCheckpoint();
    assert.equal(git(detached, 'rev-parse', `${checkpoint.commit}^`), head);
    assert.equal(git(detached, 'rev-parse', '--abbrev-ref', 'HEAD'), 'HEAD', 'still detached');
    store.close();
    other.close();
  });

  it('restores contents, exec bits, symlinks, unicode and spaced names and deletions exactly, touching only what differs', async () => {
    const root = makeRepo();
    write(root, 'bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
    fs.symlinkSync('src/app.js', path.join(root, 'link-to-app'));
    write(root, 'dir with space/naïve café ☕.txt', 'unicode\n');
    write(root, 'untouched.txt', 'same\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    const untouchedIno = fs.statSync(path.join(root, 'untouched.txt')).ino;

    fs.chmodSync(path.join(root, 'bin/run.sh'), 0o644);
    fs.rmSync(path.join(root, 'link-to-app'));
    fs.symlinkSync('README.md', path.join(root, 'link-to-app'));
    fs.rmSync(path.join(root, 'dir with space'), { recursive: true });
    write(root, 'src/app.js', 'console.log("agent");\n');
    write(root, 'created/by/agent.txt', 'new\n');
    fs.rmSync(path.join(root, 'notes.txt'));
    write(root, 'debug.log', 'ignored log, changed by the agent\n');
    fs.rmSync(path.join(root, 'node_modules/dep/index.js'));
    write(root, 'node_modules/new-dep.js', 'ignored new\n');

    const plan = await store.planRestore(checkpoint.id);
    assert.deepEqual(plan.deleted, ['created/by/agent.txt']);
    assert.deepEqual(plan.recreated.sort(), ['dir with space/naïve café ☕.txt', 'notes.txt']);
    assert.deepEqual(plan.modified.sort(), ['bin/run.sh', 'link-to-app', 'src/app.js']);

    const result = await store.restore(checkpoint.id);
    assert.equal(result.filesChanged, 6);
    assert.equal(fs.statSync(path.join(root, 'bin/run.sh')).mode & 0o777, 0o755);
    assert.equal(fs.readlinkSync(path.join(root, 'link-to-app')), 'src/app.js');
    assert.equal(read(root, 'dir with space/naïve café ☕.txt'), 'unicode\n');
    assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
    assert.equal(read(root, 'notes.txt'), 'untracked\n');
    assert.equal(exists(root, 'created/by/agent.txt'), false);
    assert.equal(exists(root, 'created'), false, 'emptied folders removed');
    // Ignored files are never deleted or changed, whatever happened to them.
    assert.equal(read(root, 'debug.log'), 'ignored log, changed by the agent\n');
    assert.equal(read(root, 'node_modules/new-dep.js'), 'ignored new\n');
    assert.equal(exists(root, 'node_modules/dep/index.js'), false);
    assert.equal(fs.statSync(path.join(root, 'untouched.txt')).ino, untouchedIno, 'unchanged files are not rewritten');

    // The safety checkpoint undoes the restore.
    await store.restore(result.safetyCheckpoint!);
    assert.equal(read(root, 'src/app.js'), 'console.log("agent");\n');
    assert.equal(read(root, 'created/by/agent.txt'), 'new\n');
    assert.equal(fs.readlinkSync(path.join(root, 'link-to-app')), 'README.md');
    assert.equal(fs.statSync(path.join(root, 'bin/run.sh')).mode & 0o777, 0o644);
    store.close();
  });

  it('leaves HEAD, the branch and the staging area alone on restore', async () => {
    const root = makeRepo();
    write(root, 'staged.txt', 'staged\n');
    git(root, 'add', 'staged.txt');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, 'src/app.js', 'changed\n');
    const before = repoState(root);
    await store.restore(checkpoint.id);
    assert.deepEqual(repoState(root), before);
    assert.match(git(root, '--no-optional-locks', 'status', '--porcelain'), /^A {2}staged\.txt$/m);
    store.close();
  });

  it('does not restore over a file that is ignored now', async () => {
    const root = makeRepo();
    write(root, 'secret.env', 'v1\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, '.gitignore', 'node_modules/\n*.log\n*.env\n');
    write(root, 'secret.env', 'v2, ignored now\n');
    const result = await store.restore(checkpoint.id);
    assert.equal(read(root, 'secret.env'), 'v2, ignored now\n');
    assert.ok(result.kept.some((kept) => kept.path === 'secret.env'));
    store.close();
  });

  it('gives each linked worktree its own checkpoints and refuses a checkpoint from another one', async () => {
    const main = makeRepo();
    const worktree = path.join(tempDir(), 'wt');
    git(main, 'worktree', 'add', '-q', '-b', 'feature', worktree);
    const inMain = await openCheckpoints(main, quiet);
    const inWorktree = await openCheckpoints(worktree, quiet);
    const mainCheckpoint = await inMain.createCheckpoint({ label: 'main' });
    write(worktree, 'feature.txt', 'feature\n');
    const worktreeCheckpoint = await inWorktree.createCheckpoint({ label: 'wt' });
    assert.deepEqual((await inMain.list()).map((c) => c.id), [mainCheckpoint.id]);
    assert.deepEqual((await inWorktree.list()).map((c) => c.id), [worktreeCheckpoint.id]);
    await assert.rejects(inWorktree.restore(mainCheckpoint.id), /another worktree or folder/);
    assert.equal(git(worktree, 'rev-parse', '--abbrev-ref', 'HEAD'), 'feature');
    inMain.close();
    inWorktree.close();
  });

  it('keeps plain folders in a shadow repository outside the folder and never creates .git there', async () => {
    const folder = tempDir();
    const home = stateHome();
    write(folder, 'a.txt', 'one\n');
    write(folder, '.gitignore', 'build/\n');
    write(folder, 'build/out.bin', 'ignored\n');
    const store = await openCheckpoints(folder, { ...quiet, stateHome: home });
    assert.equal(store.kind, 'shadow');
    assert.ok(store.stateDir.startsWith(home));
    const checkpoint = await store.createCheckpoint();
    write(folder, 'a.txt', 'two\n');
    write(folder, 'b.txt', 'new\n');
    await store.restore(checkpoint.id);
    assert.equal(read(folder, 'a.txt'), 'one\n');
    assert.equal(exists(folder, 'b.txt'), false);
    assert.equal(read(folder, 'build/out.bin'), 'ignored\n');
    assert.equal(exists(folder, '.git'), false);
    store.close();
  });

  it('never renames or changes a nested repository and leaves its files alone', async () => {
    const root = makeRepo();
    const nested = path.join(root, 'vendor/lib');
    fs.mkdirSync(nested, { recursive: true });
    git(nested, 'init', '-q');
    write(nested, 'lib.js', 'v1\n');
    git(nested, 'add', '.');
    git(nested, 'commit', '-qm', 'lib');
    const nestedHead = fs.readFileSync(path.join(nested, '.git/HEAD'), 'utf8');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    assert.ok(checkpoint.skipped.some((file) => file.path === 'vendor/lib' && file.reason === 'nested-repository'));
    write(nested, 'lib.js', 'v2\n');
    await store.restore(checkpoint.id);
    assert.equal(read(nested, 'lib.js'), 'v2\n');
    assert.equal(fs.readFileSync(path.join(nested, '.git/HEAD'), 'utf8'), nestedHead);
    assert.ok(fs.statSync(path.join(nested, '.git')).isDirectory());
    store.close();
  });

  it('leaves files above the size limit out, reports them, and never restores over them', async () => {
    const root = makeRepo();
    write(root, 'big.bin', Buffer.alloc(2048, 1));
    const store = await openCheckpoints(root, { ...quiet, maxFileBytes: 1024 });
    const checkpoint = await store.createCheckpoint();
    assert.deepEqual(checkpoint.skipped, [{ path: 'big.bin', reason: 'too-large', size: 2048 }]);
    assert.throws(() => git(root, 'cat-file', '-e', `${checkpoint.commit}:big.bin`));
    write(root, 'big.bin', 'small now\n');
    const result = await store.restore(checkpoint.id);
    assert.equal(read(root, 'big.bin'), 'small now\n');
    assert.ok(result.kept.some((kept) => kept.path === 'big.bin'));
    store.close();
  });

  it('ignores inherited GIT_* variables and never runs hooks', async () => {
    const root = makeRepo();
    const decoy = makeRepo();
    const marker = path.join(root, 'hook-ran');
    write(root, '.git/hooks/reference-transaction', `#!/bin/sh\ntouch "${marker}"\n`, 0o755);
    const saved = { dir: process.env.GIT_DIR, index: process.env.GIT_INDEX_FILE, tree: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = path.join(decoy, '.git');
    process.env.GIT_INDEX_FILE = path.join(decoy, '.git/index');
    process.env.GIT_WORK_TREE = decoy;
    try {
      const decoyBefore = repoState(decoy);
      const store = await openCheckpoints(root, quiet);
      const checkpoint = await store.createCheckpoint();
      write(root, 'README.md', 'changed\n');
      await store.restore(checkpoint.id);
      assert.equal(read(root, 'README.md'), '# demo\n');
      delete process.env.GIT_DIR;
      delete process.env.GIT_INDEX_FILE;
      delete process.env.GIT_WORK_TREE;
      assert.deepEqual(repoState(decoy), decoyBefore);
      assert.equal(git(decoy, 'for-each-ref', 'refs/boocode'), '');
      assert.equal(exists(root, 'hook-ran'), false, 'the reference-transaction hook must not run');
      store.close();
    } finally {
      for (const [key, value] of [['GIT_DIR', saved.dir], ['GIT_INDEX_FILE', saved.index], ['GIT_WORK_TREE', saved.tree]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('diffs a checkpoint against now and against another checkpoint, and reads a file at a checkpoint', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    const first = await store.createCheckpoint();
    write(root, 'src/app.js', 'console.log(1);\nconsole.log(2);\nconsole.log(3);\n');
    write(root, 'image.bin', Buffer.from([0, 1, 2, 0, 255]));
    fs.rmSync(path.join(root, 'notes.txt'));
    const now = await store.diff(first.id);
    assert.deepEqual(
      now.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: 'image.bin', status: 'added', added: null, removed: null },
        { path: 'notes.txt', status: 'deleted', added: 0, removed: 1 },
        { path: 'src/app.js', status: 'modified', added: 2, removed: 0 },
      ],
    );
    const second = await store.createCheckpoint();
    assert.equal((await store.diff(first.id, second.id)).length, 3);
    assert.equal((await store.diff(second.id)).length, 0);
    assert.equal((await store.fileAt(first.id, 'src/app.js')).toString(), 'console.log(1);\n');
    await assert.rejects(store.fileAt(first.id, 'image.bin'), /not in checkpoint/);
    await assert.rejects(store.fileAt(first.id, '../../etc/passwd'), /not a path inside the workspace/);
    store.close();
  });

  it('deletes, prunes and reports the disk it uses', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      write(root, `file${i}.txt`, `content ${i}\n`);
      ids.push((await store.createCheckpoint()).id);
    }
    await store.delete(ids[0]);
    assert.equal((await store.list()).length, 4);
    await assert.rejects(store.delete(ids[0]), /No checkpoint/);
    const pruned = await store.prune({ keep: 2 });
    assert.deepEqual(pruned.deleted.sort(), [ids[1], ids[2]].sort());
    assert.deepEqual((await store.list()).map((c) => c.id), [ids[4], ids[3]]);
    const info = await store.info();
    assert.equal(info.checkpoints, 2);
    assert.ok(info.diskBytes > 0);
    assert.equal(info.store, path.join(root, '.git/boocode/transcript.sqlite'));
    store.close();
  });

  it('scopes a workspace that is a subfolder of a repository to that subfolder', async () => {
    const root = makeRepo();
    write(root, 'packages/web/index.js', 'web v1\n');
    write(root, 'packages/api/index.js', 'api v1\n');
    const store = await openCheckpoints(path.join(root, 'packages/web'), quiet);
    const checkpoint = await store.createCheckpoint();
    write(root, 'packages/web/index.js', 'web v2\n');
    write(root, 'packages/web/extra.js', 'extra\n');
    write(root, 'packages/api/index.js', 'api v2\n');
    const changes = await store.diff(checkpoint.id);
    assert.deepEqual(changes.map((c) => c.path).sort(), ['extra.js', 'index.js']);
    await store.restore(checkpoint.id);
    assert.equal(read(root, 'packages/web/index.js'), 'web v1\n');
    assert.equal(exists(root, 'packages/web/extra.js'), false);
    assert.equal(read(root, 'packages/api/index.js'), 'api v2\n', 'outside the workspace folder: untouched');
    store.close();
  });

  it('never captures, lists or restores files matching the exclude patterns', async () => {
    const root = makeRepo();
    write(root, 'state/app.sqlite', 'v1');
    write(root, 'deep/nested/cache.sqlite', 'v1');
    write(root, 'build/out.js', 'v1');
    write(root, 'src/build/keep.js', 'v1');
    write(root, 'data/raw/a.csv', 'v1');
    const store = await openCheckpoints(root, { ...quiet, exclude: ['*.sqlite', '/build', 'data/', '# a comment'] });
    const checkpoint = await store.createCheckpoint();
    const captured = git(root, 'ls-tree', '-r', '--name-only', checkpoint.commit).split('\n');
    for (const file of ['state/app.sqlite', 'deep/nested/cache.sqlite', 'build/out.js', 'data/raw/a.csv']) assert.ok(!captured.includes(file), `${file} excluded`);
    assert.ok(captured.includes('src/build/keep.js'), '/build is anchored to the top');
    // The agent changes excluded files and creates new ones: none of it is listed or undone.
    write(root, 'state/app.sqlite', 'v2');
    write(root, 'build/new.js', 'new');
    write(root, 'data/raw/b.csv', 'new');
    write(root, 'src/app.js', 'changed\n');
    assert.deepEqual((await store.diff(checkpoint.id)).map((change) => change.path), ['src/app.js']);
    await store.restore(checkpoint.id);
    assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
    assert.equal(read(root, 'state/app.sqlite'), 'v2');
    assert.equal(read(root, 'build/new.js'), 'new');
    assert.equal(read(root, 'data/raw/b.csv'), 'new');
    store.close();
  });

  it('restores a file that became a folder, and a folder that became a file', async () => {
    const root = makeRepo();
    write(root, 'thing', 'a file\n');
    write(root, 'other/inside.txt', 'in a folder\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    fs.rmSync(path.join(root, 'thing'));
    write(root, 'thing/child.txt', 'now a folder\n');
    fs.rmSync(path.join(root, 'other'), { recursive: true });
    write(root, 'other', 'now a file\n');
    const result = await store.restore(checkpoint.id);
    assert.equal(read(root, 'thing'), 'a file\n');
    assert.equal(read(root, 'other/inside.txt'), 'in a folder\n');
    assert.deepEqual(result.kept, []);
    await store.undo();
    assert.equal(read(root, 'thing/child.txt'), 'now a folder\n');
    assert.equal(read(root, 'other'), 'now a file\n');
    store.close();
  });
});

describe('checkpoint list read from loose refs and objects', () => {
  afterEach(cleanupTemps);

  it('lists the same checkpoints without git as git lists once gc has packed them, and skips refs being written', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    const taken = [];
    for (let i = 0; i < 4; i++) {
      write(root, 'src/app.js', `version ${i}\n`);
      taken.push(await store.createCheckpoint({ label: `take ${i}` }));
    }
    // An update in progress leaves a lock beside the refs: git reads around it, and so must we.
    const lock = path.join(root, '.git', 'refs', 'boocode', 'checkpoints', 'in-progress.lock');
    fs.writeFileSync(lock, `${taken[0].commit}\n`);
    // Which way `boocode list` read them: BOOCODE_TRACE names every git process it starts.
    const listedByGit = () => {
      const result = cli(['list', '-C', root], { env: { BOOCODE_TRACE: '1' } });
      assert.equal(result.code, 0, result.stderr);
      return /git for-each-ref/.test(result.stderr);
    };
    const loose = await store.list();
    assert.deepEqual(loose.map((c) => c.id), taken.map((c) => c.id).reverse());
    assert.equal(listedByGit(), false);
    // Packed refs still read without git (their commits are loose); a gc packs the commits too, and git lists them.
    git(root, 'pack-refs', '--all');
    assert.deepEqual(await store.list(), loose);
    assert.equal(listedByGit(), false);
    fs.rmSync(lock);
    git(root, 'gc', '-q');
    assert.equal(fs.readdirSync(path.join(root, '.git', 'refs', 'boocode', 'checkpoints')).length, 0, 'gc packed the refs');
    assert.deepEqual(await store.list(), loose);
    assert.equal(listedByGit(), true);
    store.close();
  });

  it('takes the first checkpoint after a tracked folder became a symlink or a file', async () => {
    const root = makeRepo();
    write(root, 'lib/a.txt', 'a\n');
    write(root, 'docs/b.txt', 'b\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'folders');
    fs.rmSync(path.join(root, 'lib'), { recursive: true });
    fs.symlinkSync('src', path.join(root, 'lib'));
    fs.rmSync(path.join(root, 'docs'), { recursive: true });
    write(root, 'docs', 'now a file\n');
    const store = await openCheckpoints(root, quiet);
    const checkpoint = await store.createCheckpoint();
    assert.equal(git(root, 'cat-file', '-t', `${checkpoint.commit}:lib`), 'blob');
    assert.equal(git(root, 'show', `${checkpoint.commit}:docs`), 'now a file');
    store.close();
  });
});
