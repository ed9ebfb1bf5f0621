// Per-file restore (`restore ID --path P…`) and a revert killed at random moments, in real
// repositories: only the chosen paths change, undo is byte-exact, and an interrupted revert is
// finished by the next command as the same revert (never widened into a whole restore).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { CLI, cleanupTemps, cli, cliJson, exists, makeRepo, read, repoState, write } from './helpers';
import { leftovers, manifest, manifestDiff } from './manifest';

const quiet = { onNotice: () => undefined };

describe('restore some paths', () => {
  afterEach(cleanupTemps);

  it('brings back only the files and folders asked for; everything else stays; undo is byte-exact', async () => {
    const root = makeRepo();
    write(root, 'docs/a.md', 'a\n');
    write(root, 'docs/b.md', 'b\n');
    const store = await openCheckpoints(root, quiet);
    try {
      const checkpoint = await store.createCheckpoint({ label: 'start' });
      write(root, 'src/app.js', 'changed\n');
      write(root, 'README.md', 'changed too\n');
      fs.rmSync(path.join(root, 'docs'), { recursive: true });
      write(root, 'docs/c.md', 'created since\n');
      write(root, 'created.txt', 'created since\n');
      const state = repoState(root);
      const before = manifest(root);

      const plan = await store.planRestore(checkpoint.id, { paths: ['src/app.js', 'docs/'] });
      assert.deepEqual([plan.modified, [...plan.recreated].sort(), plan.deleted], [['src/app.js'], ['docs/a.md', 'docs/b.md'], ['docs/c.md']]);
      const outcome = await store.restore(checkpoint.id, { paths: ['src/app.js', 'docs/'] });
      assert.equal(outcome.mode, 'files');
      assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
      assert.equal(read(root, 'docs/a.md'), 'a\n');
      assert.equal(exists(root, 'docs/c.md'), false);
      assert.equal(read(root, 'README.md'), 'changed too\n', 'a path not asked for stays');
      assert.equal(read(root, 'created.txt'), 'created since\n');
      assert.deepEqual(repoState(root), state);
      assert.deepEqual(leftovers(root), []);

      await store.undo();
      assert.deepEqual(manifestDiff(before, manifest(root)), []);
    } finally {
      store.close();
    }
  });

  it('refuses paths outside the workspace and --path with --transcript-only, changing nothing', async () => {
    const root = makeRepo();
    const checkpoint = cliJson(['checkpoint', '-C', root]);
    write(root, 'src/app.js', 'changed\n');
    const before = manifest(root);
    for (const bad of ['../outside', '/etc/passwd', '.git/config', '.']) {
      const result = cli(['restore', checkpoint.id, '--path', bad, '--yes', '-C', root]);
      assert.notEqual(result.code, 0, bad);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
    }
    assert.match(cli(['restore', checkpoint.id, '--path', 'src/app.js', '--transcript-only', '--yes', '-C', root]).stderr, /files only/);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    // Several paths after one --path.
    write(root, 'notes.txt', 'changed\n');
    const outcome = cliJson(['restore', checkpoint.id, '--path', 'src/app.js', 'notes.txt', '--yes', '-C', root]);
    assert.deepEqual([...outcome.modified].sort(), ['notes.txt', 'src/app.js']);
  });
});

describe('revert survives kill -9', () => {
  afterEach(cleanupTemps);

  it('an interrupted revert is finished as that revert by the next command; undo then gives back every byte', async function () {
    this.timeout(300_000);
    const root = makeRepo();
    for (let i = 0; i < 600; i++) write(root, `src/p${i % 20}/f${i}.txt`, `one ${i}\ntwo\nthree\nfour\nfive\nsix ${i}\n`);
    const turn = cliJson(['turn', 'begin', '--session', 'sess-k', '--prompt', 'rewrite', '-C', root]).checkpoint.id as string;
    for (let i = 0; i < 600; i++) {
      const file = path.join(root, `src/p${i % 20}/f${i}.txt`);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('one', 'ONE'));
    }
    cliJson(['turn', 'end', '--session', 'sess-k', '--reply', 'done', '-C', root]);
    // The user edits the last line of a few of them: those are merged, not just written back.
    for (let i = 0; i < 600; i += 30) {
      const file = path.join(root, `src/p${i % 20}/f${i}.txt`);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`six ${i}`, `SIX ${i} (user)`));
    }
    const before = manifest(root);
    const started = Date.now();
    assert.equal(run(['revert', turn, '--yes', '-C', root], root).code, 0);
    const duration = Date.now() - started;
    const reverted = manifest(root);
    assert.equal(read(root, 'src/p0/f0.txt'), 'one 0\ntwo\nthree\nfour\nfive\nSIX 0 (user)\n');
    assert.equal(read(root, 'src/p1/f1.txt'), 'one 1\ntwo\nthree\nfour\nfive\nsix 1\n');
    assert.equal(run(['undo', '-C', root], root).code, 0);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);

    for (let round = 0; round < 4; round++) {
      await killAfter(['revert', turn, '--yes', '-C', root], root, Math.round(duration * (0.15 + 0.2 * round)));
      // Any command finishes what was started.
      assert.equal(run(['list', '-C', root], root).code, 0);
      const now = manifest(root);
      const done = manifestDiff(reverted, now).length === 0;
      assert.ok(done || manifestDiff(before, now).length === 0, `round ${round}: neither before nor reverted: ${manifestDiff(reverted, now).slice(0, 5).join('; ')}`);
      assert.deepEqual(leftovers(root), []);
      if (done) assert.equal(run(['undo', '-C', root], root).code, 0);
      assert.deepEqual(manifestDiff(before, manifest(root)), [], `round ${round}: undo gives back every byte`);
    }
  });
});

function run(args: string[], cwd: string): { code: number; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status ?? -1, stderr: result.stderr };
}

function killAfter(args: string[], cwd: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    child.on('exit', () => resolve());
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
}
