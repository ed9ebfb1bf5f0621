// Nothing bricks the store: a split index, `git gc --prune=now`, a lock left by kill -9, a damaged
// private index or a huge ignore change heal on the next command; the user's repository is never
// changed by us; what we create is private; hooks never lose a turn.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, cli, cliJson, exists, git, makeRepo, read, stateHome, tempDir, write } from './helpers';
import { checkpointFiles, manifest, manifestDiff } from './manifest';

const notices: string[] = [];
const quiet = { onNotice: (line: string) => notices.push(line) };

/** Every file of the user's .git we must never write, with bytes and mtime. */
function gitOwnedFiles(root: string): Map<string, string> {
  const gitDir = path.join(root, '.git');
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(gitDir)) {
    if (name === 'index' || name.startsWith('sharedindex.')) {
      const full = path.join(gitDir, name);
      files.set(name, `${fs.readFileSync(full).toString('base64')}@${fs.statSync(full).mtimeMs}`);
    }
  }
  return files;
}

describe('the store heals itself', () => {
  beforeEach(() => notices.splice(0));
  afterEach(cleanupTemps);

  it('never creates, touches or deletes the user\'s split index files, and never splits its own', async () => {
    const root = makeRepo();
    git(root, 'config', 'core.splitIndex', 'true');
    git(root, 'config', 'splitIndex.sharedIndexExpire', 'now');
    git(root, 'update-index', '--split-index');
    write(root, 'staged.txt', 'staged work\n');
    git(root, 'add', 'staged.txt');
    const before = gitOwnedFiles(root);
    assert.ok([...before.keys()].some((name) => name.startsWith('sharedindex.')), 'the repository has a shared index');
    const store = await openCheckpoints(root, quiet);
    for (let i = 0; i < 3; i++) {
      write(root, `agent${i}.txt`, `turn ${i}\n`);
      const checkpoint = await store.createCheckpoint();
      assert.ok(checkpointFiles(root, checkpoint.commit).has(`agent${i}.txt`));
      assert.deepEqual(gitOwnedFiles(root), before, 'index and sharedindex.* unchanged, bytes and mtime');
    }
    // The user's git keeps working and still has the staged file; our index links no shared index.
    assert.match(git(root, 'status', '--porcelain'), /^A {2}staged\.txt$/m);
    assert.ok(!fs.readFileSync(path.join(root, '.git/boocode/index')).includes(Buffer.from('link')), 'our index is not split');
    // The user's git expiring shared indexes never hurts our next checkpoint.
    git(root, 'update-index', '--split-index');
    write(root, 'later.txt', 'later\n');
    const later = await store.createCheckpoint();
    assert.ok(checkpointFiles(root, later.commit).has('later.txt'));
    store.close();
  });

  it('heals after git gc --prune=now removed objects only our index referred to', async () => {
    const root = makeRepo();
    write(root, 'untracked-secret.txt', 'only in checkpoints\n');
    const store = await openCheckpoints(root, quiet);
    await store.createCheckpoint();
    await store.prune({ keep: 0 });
    // Delete our anchor too, as someone cleaning refs/boocode by hand would.
    for (const ref of git(root, 'for-each-ref', '--format=%(refname)', 'refs/boocode').split('\n').filter(Boolean)) git(root, 'update-ref', '-d', ref);
    git(root, 'gc', '--prune=now', '--quiet');
    write(root, 'new.txt', 'after gc\n');
    const checkpoint = await store.createCheckpoint();
    const files = checkpointFiles(root, checkpoint.commit);
    assert.equal(files.get('untracked-secret.txt')?.toString(), 'only in checkpoints\n');
    assert.equal(files.get('new.txt')?.toString(), 'after gc\n');
    assert.equal(spawnSync('git', ['fsck', '--connectivity-only', '--no-dangling'], { cwd: root }).status, 0, 'no missing object anywhere');
    store.close();
  });

  it('keeps what the next checkpoint needs when git gc runs with our refs in place', async () => {
    const root = makeRepo();
    write(root, 'draft.txt', 'draft\n');
    const store = await openCheckpoints(root, quiet);
    await store.createCheckpoint();
    await store.prune({ keep: 0 });
    git(root, 'gc', '--prune=now', '--quiet');
    write(root, 'next.txt', 'next\n');
    const checkpoint = await store.createCheckpoint();
    assert.equal(checkpointFiles(root, checkpoint.commit).get('draft.txt')?.toString(), 'draft\n');
    assert.deepEqual(notices.filter((line) => /Rebuilt/.test(line)), [], 'no rebuild was needed');
    store.close();
  });

  it('heals a plain folder after prune --keep 0', async () => {
    const folder = tempDir();
    const home = stateHome();
    write(folder, 'a.txt', 'one\n');
    const store = await openCheckpoints(folder, { ...quiet, stateHome: home });
    await store.createCheckpoint();
    await store.prune({ keep: 0 });
    write(folder, 'b.txt', 'two\n');
    const checkpoint = await store.createCheckpoint();
    write(folder, 'a.txt', 'changed\n');
    fs.rmSync(path.join(folder, 'b.txt'));
    await store.restore(checkpoint.id);
    assert.equal(read(folder, 'a.txt'), 'one\n');
    assert.equal(read(folder, 'b.txt'), 'two\n');
    store.close();
  });

  it('removes a stale index.lock of ours and rebuilds a garbage, empty or truncated private index, saying so', async () => {
    const root = makeRepo();
    let store = await openCheckpoints(root, quiet);
    await store.createCheckpoint();
    store.close();
    const index = path.join(root, '.git/boocode/index');
    const damage: [string, () => void][] = [
      ['stale lock', () => fs.writeFileSync(`${index}.lock`, '')],
      ['garbage', () => fs.writeFileSync(index, 'not an index at all')],
      ['empty', () => fs.writeFileSync(index, '')],
      ['truncated', () => fs.truncateSync(index, Math.floor(fs.statSync(index).size / 2))],
    ];
    for (const [what, harm] of damage) {
      harm();
      notices.splice(0);
      write(root, 'src/app.js', `after ${what}\n`);
      store = await openCheckpoints(root, quiet);
      const checkpoint = await store.createCheckpoint();
      assert.equal(checkpointFiles(root, checkpoint.commit).get('src/app.js')?.toString(), `after ${what}\n`, what);
      assert.equal(notices.length, 1, `${what}: one line says what happened (${notices.join(' | ')})`);
      assert.doesNotMatch(notices[0], /\n/);
      store.close();
    }
  });

  it('passes 40,000 newly ignored paths through stdin (no E2BIG) and drops them from the index', async function () {
    this.timeout(120_000);
    const root = makeRepo();
    fs.rmSync(path.join(root, 'node_modules'), { recursive: true });
    write(root, '.gitignore', '*.log\n');
    for (let d = 0; d < 200; d++) {
      const dir = path.join(root, 'node_modules', `package-with-a-rather-long-name-${d}`, 'lib', 'nested');
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 200; f++) fs.writeFileSync(path.join(dir, `module-file-number-${f}.js`), `${d}/${f}\n`);
    }
    const store = await openCheckpoints(root, quiet);
    const first = await store.createCheckpoint();
    assert.equal([...checkpointFiles(root, first.commit).keys()].filter((file) => file.startsWith('node_modules/')).length, 40_000);
    write(root, '.gitignore', '*.log\nnode_modules/\n');
    const second = await store.createCheckpoint();
    assert.equal([...checkpointFiles(root, second.commit).keys()].filter((file) => file.startsWith('node_modules/')).length, 0);
    // And a restore of the older checkpoint never deletes the now-ignored folder.
    await store.restore(first.id);
    assert.ok(exists(root, 'node_modules/package-with-a-rather-long-name-7/lib/nested/module-file-number-7.js'));
    store.close();
  });

  it('drops files that became ignored through info/exclude or core.excludesFile', async () => {
    const root = makeRepo();
    write(root, 'local.env', 'SECRET=1\n');
    write(root, 'scratch.tmp', 'scratch\n');
    const store = await openCheckpoints(root, quiet);
    const first = await store.createCheckpoint();
    assert.ok(checkpointFiles(root, first.commit).has('local.env'));
    fs.appendFileSync(path.join(root, '.git/info/exclude'), '*.env\n');
    const excludes = path.join(tempDir(), 'global-ignore');
    fs.writeFileSync(excludes, '*.tmp\n');
    git(root, 'config', 'core.excludesFile', excludes);
    const second = await store.createCheckpoint();
    const files = checkpointFiles(root, second.commit);
    assert.ok(!files.has('local.env') && !files.has('scratch.tmp'), [...files.keys()].join(', '));
    store.close();
  });

  it('refuses / and the home folder as a workspace for every command, creating nothing', () => {
    const home = tempDir('boocode-home-');
    const env = { HOME: home, XDG_STATE_HOME: path.join(home, 'state') };
    for (const dir of ['/', home]) {
      for (const args of [['checkpoint'], ['list'], ['info'], ['sessions'], ['restore', '0mwsfvyn2-613smk', '--yes'], ['undo'], ['prune', '--keep', '1']]) {
        const result = cli([...args, '-C', dir], { env });
        assert.equal(result.code, 1, `${args[0]} -C ${dir}: ${result.stderr}`);
        assert.match(result.stderr, /^boocode: Not checkpointing .* home folder or the filesystem root/);
        assert.equal(result.stderr.trim().split('\n').length, 1);
      }
    }
    assert.equal(exists(home, 'state'), false, 'no shadow store was created');
  });

  it('keeps the state folder out of the checkpoint when it sits inside the workspace', async () => {
    const folder = tempDir();
    write(folder, 'a.txt', 'one\n');
    const home = path.join(folder, '.state');
    const store = await openCheckpoints(folder, { ...quiet, stateHome: home });
    const checkpoint = await store.createCheckpoint();
    const gitDir = path.join(home, 'shadow', fs.readdirSync(path.join(home, 'shadow'))[0], 'git');
    const files = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', checkpoint.commit], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    assert.deepEqual(files, ['a.txt']);
    store.close();
  });

  it('makes everything it creates private: folders 0700, files 0600, objects of untracked files not readable by others', async () => {
    const previous = process.umask(0o022);
    try {
      const root = makeRepo();
      write(root, '.env', 'API_KEY=secret\n', 0o600);
      const result = cli(['hook', 'claude-code'], { cwd: root, input: JSON.stringify({ session_id: 's1', cwd: root, hook_event_name: 'UserPromptSubmit', prompt: 'go' }) });
      assert.equal(result.code, 0, result.stderr);
      cli(['hook', 'claude-code'], { cwd: root, input: '{"garbage": true, "hook_event_name": "UserPromptSubmit"}' }); // writes hooks.log
      const state = path.join(root, '.git/boocode');
      const walk = (dir: string): string[] => fs.readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return fs.lstatSync(full).isDirectory() ? [full, ...walk(full)] : [full];
      });
      const wide = [state, ...walk(state)].filter((file) => (fs.lstatSync(file).mode & 0o077) !== 0);
      assert.deepEqual(wide.map((file) => `${path.relative(state, file)} ${(fs.lstatSync(file).mode & 0o777).toString(8)}`), []);
      assert.ok(exists(root, '.git/boocode/hooks.log'));
      const blob = git(root, 'rev-parse', `${git(root, 'for-each-ref', '--format=%(objectname)', 'refs/boocode/checkpoints')}:.env`);
      const object = path.join(root, '.git/objects', blob.slice(0, 2), blob.slice(2));
      assert.equal(fs.statSync(object).mode & 0o077, 0, `object of .env is ${(fs.statSync(object).mode & 0o777).toString(8)}`);
    } finally {
      process.umask(previous);
    }
  });

  it('writes nothing into another repository when a hook inherits GIT_DIR and GIT_WORK_TREE', () => {
    const root = makeRepo();
    const decoy = makeRepo();
    const decoyBefore = manifest(path.join(decoy, '.git'));
    const env = { GIT_DIR: path.join(decoy, '.git'), GIT_WORK_TREE: decoy, GIT_INDEX_FILE: path.join(decoy, '.git/index') };
    cli(['hook', 'claude-code'], { cwd: root, env, input: JSON.stringify({ session_id: 's1', cwd: root, hook_event_name: 'UserPromptSubmit', prompt: 'go' }) });
    cli(['hook', 'claude-code'], { cwd: root, env, input: 'not json' });
    cli(['hook', 'claude-code'], { cwd: decoy, env, input: 'not json' });
    assert.deepEqual(manifestDiff(decoyBefore, manifest(path.join(decoy, '.git'))), []);
    assert.equal(exists(decoy, '.git/boocode'), false);
  });

  it('records a prompt sent again after an interrupt (no Stop between), and a prompt holding a NUL byte', () => {
    const root = makeRepo();
    const prompt = (text: string) => JSON.stringify({ session_id: 'interrupted', cwd: root, hook_event_name: 'UserPromptSubmit', prompt: text });
    for (const text of ['Fix the tests', 'Fix the tests', 'with a \u0000 NUL byte']) {
      write(root, 'src/app.js', `before: ${text.length} ${Math.random()}\n`);
      assert.equal(cli(['hook', 'claude-code'], { cwd: root, input: prompt(text) }).code, 0);
    }
    const list = cliJson(['list', '--session', 'interrupted', '-C', root]);
    assert.equal(list.length, 3, 'three turns, three checkpoints');
    const transcript = cliJson(['transcript', '--session', 'interrupted', '-C', root]);
    assert.deepEqual(transcript.map((message: { text: string }) => message.text), ['Fix the tests', 'Fix the tests', 'with a \u0000 NUL byte']);
  });

  it('records a Copilot event that fires twice at once (both hook files) only once', () => {
    const root = makeRepo();
    const payload = JSON.stringify({ timestamp: '2026-11-21T10:00:00.000Z', hook_event_name: 'UserPromptSubmit', session_id: 'copilot-1', transcript_path: '/x/GitHub.copilot-chat/t.jsonl', cwd: root, prompt: 'Explain' });
    const first = spawnSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli.js'), 'hook', 'claude-code'], { cwd: root, input: payload });
    const second = spawnSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli.js'), 'hook', 'copilot'], { cwd: root, input: payload });
    assert.equal(first.status, 0);
    assert.equal(second.status, 0);
    assert.equal(cliJson(['transcript', '--session', 'copilot-1', '-C', root]).length, 1);
  });
});
