// kill -9 at random moments of a restore and of an undo, again and again, and a writer racing the
// restore: afterwards every byte the user had is on disk or in the safety checkpoint, the next
// command finishes what was interrupted, `undo` brings back exactly the state before, and no temp
// file remains.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, cleanupTemps, cliJson, makeRepo, write } from './helpers';
import { checkpointFiles, leftovers, Manifest, manifest, manifestDiff } from './manifest';

const FILES = 1500;

/** A repository where restoring `checkpoint` rewrites 500 files, deletes 500 and brings back 500. */
function bigRestore(): { root: string; checkpoint: string; before: Manifest } {
  const root = makeRepo();
  for (let i = 0; i < FILES; i++) write(root, `src/part${i % 30}/file${i}.txt`, `original ${i}\n`);
  const checkpoint = cliJson(['checkpoint', '-C', root]).id as string;
  for (let i = 0; i < FILES; i++) {
    const file = path.join(root, `src/part${i % 30}/file${i}.txt`);
    if (i % 3 === 0) fs.writeFileSync(file, `agent rewrote ${i}\n`);
    else if (i % 3 === 1) fs.rmSync(file);
  }
  for (let i = 0; i < 500; i++) write(root, `generated/out${i}.txt`, `agent created ${i}\n`);
  write(root, 'debug.log', 'ignored, must survive\n');
  return { root, checkpoint, before: manifest(root) };
}

function run(args: string[], cwd: string): { code: number; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status ?? -1, stderr: result.stderr, stdout: result.stdout };
}

/** Starts `boocode args` and SIGKILLs it after `delayMs` (if it has not finished). */
function killAfter(args: string[], cwd: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore' });
    let finished = false;
    child.on('exit', (_code, signal) => resolve(finished || signal !== 'SIGKILL'));
    child.on('exit', () => (finished = true));
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
}

/** Milliseconds an uninterrupted run takes, to spread the kills over it. */
function timed(args: string[], cwd: string): number {
  const started = Date.now();
  const result = run(args, cwd);
  assert.equal(result.code, 0, result.stderr);
  return Date.now() - started;
}

describe('restore survives kill -9', () => {
  afterEach(cleanupTemps);

  it('finishes a restore killed at any moment; undo then brings back exactly the state before (repeated)', async function () {
    this.timeout(300_000);
    const { root, checkpoint, before } = bigRestore();
    const duration = timed(['restore', checkpoint, '--yes', '-C', root], root);
    const restored = manifest(root);
    assert.equal(run(['undo', '-C', root], root).code, 0);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
    for (let round = 0; round < 8; round++) {
      const delay = Math.floor(((round + Math.random()) / 8) * duration * 1.1);
      await killAfter(['restore', checkpoint, '--yes', '-C', root], root, delay);
      // The next command of any kind finishes what was interrupted, in at most one line.
      const next = run(['list', '-C', root], root);
      assert.equal(next.code, 0, next.stderr);
      assert.ok(next.stderr.split('\n').filter(Boolean).length <= 1, next.stderr);
      assert.deepEqual(leftovers(root), [], `round ${round}: temp files left`);
      const now = manifest(root);
      const finished = manifestDiff(restored, now).length === 0;
      const untouched = manifestDiff(before, now).length === 0;
      assert.ok(finished || untouched, `round ${round} (${delay} ms): neither before nor after the restore:\n${manifestDiff(restored, now).slice(0, 5).join('\n')}`);
      if (finished) {
        const undo = run(['undo', '-C', root], root);
        assert.equal(undo.code, 0, undo.stderr);
      }
      assert.deepEqual(manifestDiff(before, manifest(root)), [], `round ${round}: undo brings back exactly the state before`);
    }
  });

  it('finishes an undo killed at any moment (repeated)', async function () {
    this.timeout(300_000);
    const { root, checkpoint, before } = bigRestore();
    assert.equal(run(['restore', checkpoint, '--yes', '-C', root], root).code, 0);
    const restored = manifest(root);
    const duration = timed(['undo', '-C', root], root);
    for (let round = 0; round < 6; round++) {
      assert.equal(run(['restore', checkpoint, '--yes', '-C', root], root).code, 0);
      await killAfter(['undo', '-C', root], root, Math.floor(((round + Math.random()) / 6) * duration * 1.1));
      const next = run(['list', '-C', root], root);
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(leftovers(root), []);
      const now = manifest(root);
      if (manifestDiff(before, now).length > 0) {
        // Killed before the undo began changing anything: it is still to do.
        assert.deepEqual(manifestDiff(restored, now), [], `round ${round}: neither before nor after the undo`);
        const undo = run(['undo', '-C', root], root);
        assert.equal(undo.code, 0, `round ${round}: ${undo.stderr} (after: ${next.stderr})`);
      }
      assert.deepEqual(manifestDiff(before, manifest(root)), [], `round ${round}`);
    }
  });

  it('after a completed restore and a second one killed half-way, undo reverses the second, never the first', async function () {
    this.timeout(120_000);
    const { root, checkpoint } = bigRestore();
    assert.equal(run(['restore', checkpoint, '--yes', '-C', root], root).code, 0);
    const afterFirst = manifest(root);
    // A second restore, to a checkpoint taken now with a few more changes on top.
    for (let i = 0; i < 300; i++) write(root, `later/f${i}.txt`, `later ${i}\n`);
    const second = cliJson(['checkpoint', '-C', root]).id as string;
    for (let i = 0; i < 300; i++) fs.rmSync(path.join(root, `later/f${i}.txt`));
    const beforeSecond = manifest(root);
    const duration = timed(['restore', second, '--yes', '-C', root], root);
    assert.equal(run(['undo', '-C', root], root).code, 0);
    assert.deepEqual(manifestDiff(beforeSecond, manifest(root)), []);
    await killAfter(['restore', second, '--yes', '-C', root], root, Math.floor(duration / 2));
    assert.equal(run(['undo', '-C', root], root).code, 0);
    assert.deepEqual(manifestDiff(beforeSecond, manifest(root)), [], 'undo reversed the interrupted restore only');
    assert.notDeepEqual(manifestDiff(afterFirst, manifest(root)), []);
    assert.deepEqual(leftovers(root), []);
  });
});

describe('restore and a writer racing it', () => {
  afterEach(cleanupTemps);

  it('never loses a byte written while the restore runs: each file ends with the writer\'s last write or it is in the safety checkpoint', async function () {
    this.timeout(300_000);
    for (let round = 0; round < 3; round++) {
      const { root, checkpoint } = bigRestore();
      // The writer rewrites files the restore touches (and one it does not), logging each write.
      const targets = Array.from({ length: 40 }, (_, i) => `src/part${i % 30}/file${i * 3}.txt`).concat(['src/app.js']);
      const log = path.join(root, '..', `writer-${path.basename(root)}.log`);
      const script = `
        const fs = require('fs'); const files = ${JSON.stringify(targets)}; const root = ${JSON.stringify(root)};
        const log = fs.openSync(${JSON.stringify(log)}, 'w'); let n = 0;
        const stop = Date.now() + ${1500 + round * 500};
        while (Date.now() < stop) { const f = files[n % files.length]; const text = 'writer ' + (n++) + '\\n';
          try { fs.writeFileSync(root + '/' + f, text); fs.writeSync(log, f + '\\t' + text); } catch {} }
        fs.closeSync(log);`;
      const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      const writerDone = new Promise((resolve) => writer.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100 + round * 150));
      const restore = run(['restore', checkpoint, '--yes', '-C', root, '--json'], root);
      await writerDone;
      assert.equal(restore.code, 0, restore.stderr);
      const safety = JSON.parse(restore.stdout).safetyCheckpoint as string;
      const safetyCommit = spawnSync('git', ['rev-parse', `refs/boocode/checkpoints/${safety}`], { cwd: root, encoding: 'utf8' }).stdout.trim();
      const inSafety = checkpointFiles(root, safetyCommit);
      const last = new Map<string, string>();
      for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
        const [file, text] = line.split('\t');
        last.set(file, `${text}\n`);
      }
      for (const [file, text] of last) {
        const onDisk = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : null;
        assert.ok(onDisk === text || inSafety.get(file)?.toString() === text, `round ${round}: ${file}'s last write "${text.trim()}" is lost (disk: ${onDisk?.trim()})`);
      }
      assert.deepEqual(leftovers(root), []);
    }
  });
});
