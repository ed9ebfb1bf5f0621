// `npm run bench`: checkpoint costs on a 50,000-file repository, as ratios against
// `git status --porcelain` measured in the same run (these machines are noisy; ratios are not).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TranscriptStore } from '../src/core/store/transcriptStore';

const FILES = Number(process.env.BENCH_FILES ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const CACHE = path.resolve(__dirname, '../../.cache/bench');

// NODE_EXTRA_CA_CERTS makes every Node process parse a certificate bundle at start-up (~70 ms on
// machines that set it); the CLI opens no TLS connection, so it is measured without it (and the
// variable's own cost is printed separately).
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...inherited } = process.env;
const env = { ...inherited, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

function timeMs(command: string, args: string[], cwd: string, input?: string, extraEnv: Record<string, string> = {}): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A repository of FILES tracked files in 500 folders, plus untracked and ignored files; built once and cached. */
function benchRepo(): string {
  const root = path.join(CACHE, `repo-${FILES}`);
  if (fs.existsSync(path.join(root, '.ready'))) return root;
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  console.log(`Building a ${FILES}-file repository in ${root} (once)…`);
  git(root, 'init', '-q', '-b', 'main');
  const perDir = Math.ceil(FILES / 500);
  for (let d = 0; d < 500; d++) {
    const dir = path.join(root, 'src', `module${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perDir && d * perDir + f < FILES; f++) {
      fs.writeFileSync(path.join(dir, `file${f}.ts`), `export const value${f} = ${d * perDir + f};\n// module ${d}\n`);
    }
  }
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n.ready\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'bench repository');
  fs.mkdirSync(path.join(root, 'node_modules/dep'), { recursive: true });
  for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(root, 'node_modules/dep', `f${i}.js`), 'ignored\n');
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(root, `untracked${i}.txt`), `untracked ${i}\n`);
  fs.writeFileSync(path.join(root, '.ready'), '');
  return root;
}

/** Removes every trace of our private index (as before the first checkpoint ever), keeping checkpoints. */
function forgetPrivateIndex(root: string): void {
  const refs = spawnSync('git', ['for-each-ref', '--format=delete %(refname)', 'refs/boocode/index'], { cwd: root, env, encoding: 'utf8' }).stdout;
  if (refs) spawnSync('git', ['update-ref', '--stdin'], { cwd: root, env, input: refs });
  for (const name of ['index', 'index.state', 'gitdir', 'repo-facts.json', 'modes.sweep-input', 'modes.sweep-report']) {
    fs.rmSync(path.join(root, '.git/boocode', name), { recursive: true, force: true });
  }
}

/** Waits for the background mode sweep a first checkpoint starts (so it does not slow the next measurement). */
function waitForSweep(root: string): number {
  const started = Date.now();
  while (fs.existsSync(path.join(root, '.git/boocode/modes.sweep-input')) && Date.now() - started < 10_000) spawnSync('sleep', ['0.02']);
  return Date.now() - started;
}

function resetCheckpoints(root: string): void {
  const refs = spawnSync('git', ['for-each-ref', '--format=delete %(refname)', 'refs/boocode'], { cwd: root, env, encoding: 'utf8' }).stdout;
  if (refs) spawnSync('git', ['update-ref', '--stdin'], { cwd: root, env, input: refs });
  fs.rmSync(path.join(root, '.git/boocode'), { recursive: true, force: true });
  git(root, 'checkout', '-q', '--', '.');
}

function gitStatus(root: string): number {
  return timeMs('git', ['status', '--porcelain'], root);
}

interface Row {
  name: string;
  ms: number;
  ratio: number;
  target: number | null;
}

async function appendLatency(): Promise<{ p50: number; p99: number; max: number; count: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-bench-store-'));
  try {
    const store = new TranscriptStore(dir, { lockTimeoutMs: 10_000, onNotice: () => undefined });
    await store.append([{ op: 'session', id: 'bench', agent: 'bench', workspace: dir, at: Date.now() }]);
    // 100,000 messages in the transcript before we measure.
    await store.transact(() => ({ result: null, ops: [] }));
    await store.read((db) => {
      db.exec('BEGIN');
      const statement = db.prepare('INSERT INTO messages (id, session_id, role, text, created_at) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i < 100_000; i++) statement.run([`seed-${String(i).padStart(6, '0')}`, 'bench', i % 2 ? 'assistant' : 'user', `message ${i} `.repeat(8), i]);
      statement.free();
      db.exec('COMMIT');
    });
    await store.fold();
    const count = await store.read((db) => Number(db.exec('SELECT count(*) FROM messages')[0].values[0][0]));
    const samples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const start = process.hrtime.bigint();
      await store.append([{ op: 'message', id: `m-${i}`, session: 'bench', role: 'user', text: `appended ${i} `.repeat(8), at: Date.now() }]);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    store.close();
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)], max: samples[samples.length - 1], count };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const root = benchRepo();
  resetCheckpoints(root);
  for (let i = 0; i < 3; i++) gitStatus(root); // warm the page cache

  const status: number[] = [];
  const checkpoint: number[] = [];
  const first: number[] = [];
  const restore: number[] = [];
  const turnBegin: number[] = [];
  const turnEnd: number[] = [];
  const revert: number[] = [];
  const sweep: number[] = [];
  const hook: number[] = [];
  const hookPayload = (i: number) => JSON.stringify({ session_id: 'bench-hook', transcript_path: null, cwd: root, hook_event_name: 'UserPromptSubmit', prompt: `bench prompt ${i}` });
  const hookEnd: number[] = [];
  const hookEndScript: number[] = [];
  const bareNode: number[] = [];
  const hookEndPayload = (i: number) => JSON.stringify({ session_id: 'bench-hook', transcript_path: null, cwd: root, hook_event_name: 'Stop', last_assistant_message: `bench reply ${i}` });
  const hookAvailable = spawnSync(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: root, input: '{}', env }).status === 0;

  for (let run = 0; run < RUNS; run++) {
    // The first checkpoint ever: no private index yet (seeded from the repository's own index).
    forgetPrivateIndex(root);
    status.push(gitStatus(root));
    first.push(timeMs(process.execPath, [CLI, 'checkpoint', '-C', root], root));
    sweep.push(waitForSweep(root));

    // A checkpoint after one change, as a whole CLI process.
    fs.appendFileSync(path.join(root, 'src/module7/file3.ts'), `// change ${run}\n`);
    status.push(gitStatus(root));
    checkpoint.push(timeMs(process.execPath, [CLI, 'checkpoint', '-C', root], root));

    // turn begin as a whole process (prompt recorded, then the checkpoint).
    fs.appendFileSync(path.join(root, 'src/module8/file4.ts'), `// change ${run}\n`);
    turnBegin.push(timeMs(process.execPath, [CLI, 'turn', 'begin', '--session', 'bench', '--prompt', `bench turn ${run}`, '-C', root], root));
    // The turn's end: its after-checkpoint, once the agent has changed a file.
    fs.appendFileSync(path.join(root, 'src/module8/file5.ts'), `// turn ${run}\n`);
    turnEnd.push(timeMs(process.execPath, [CLI, 'turn', 'end', '--session', 'bench', '-C', root], root));

    if (hookAvailable) {
      fs.appendFileSync(path.join(root, 'src/module9/file5.ts'), `// change ${run}\n`);
      hook.push(timeMs(process.execPath, [CLI, 'hook', 'claude-code'], root, hookPayload(run)));
      // The turn's end: handed to a detached follow-up, which is let finish before the next measurement.
      hookEnd.push(timeMs(process.execPath, [CLI, 'hook', 'claude-code'], root, hookEndPayload(run)));
      spawnSync('sleep', ['0.5']);
      // The same, as an install writes it: through /bin/sh and the turn-end script.
      hookEndScript.push(timeMs('/bin/sh', [path.join(path.dirname(CLI), 'turn-end.sh'), process.execPath, CLI, 'hook', 'claude-code'], root, hookEndPayload(run)));
      spawnSync('sleep', ['0.5']);
      bareNode.push(timeMs(process.execPath, ['-e', '0'], root));
    }

    // A restore of 10 changed files.
    const base = JSON.parse(execFileSync(process.execPath, [CLI, 'checkpoint', '-C', root, '--json'], { env, encoding: 'utf8' })).id as string;
    for (let f = 0; f < 10; f++) fs.appendFileSync(path.join(root, `src/module${20 + f}/file1.ts`), `// agent edit ${run}\n`);
    status.push(gitStatus(root));
    restore.push(timeMs(process.execPath, [CLI, 'restore', base, '--yes', '-C', root], root));

    // A revert of a 10-file turn (line 1 of each), after the user edited 5 of those files (their
    // last line): 5 files written back, 5 merged.
    const turn = JSON.parse(execFileSync(process.execPath, [CLI, 'turn', 'begin', '--session', 'bench-revert', '--prompt', `revert ${run}`, '-C', root, '--json'], { env, encoding: 'utf8' })).checkpoint.id as string;
    const edited = Array.from({ length: 10 }, (_, f) => path.join(root, `src/module${40 + f}/file2.ts`));
    const original = edited.map((file) => fs.readFileSync(file, 'utf8'));
    edited.forEach((file, f) => fs.writeFileSync(file, original[f].replace(/^[^\n]*/, `export const agent${run} = ${f};`)));
    execFileSync(process.execPath, [CLI, 'turn', 'end', '--session', 'bench-revert', '-C', root], { env });
    edited.slice(0, 5).forEach((file) => fs.appendFileSync(file, `// user ${run}\n`));
    status.push(gitStatus(root));
    revert.push(timeMs(process.execPath, [CLI, 'revert', turn, '--yes', '-C', root], root));
    const expected = `${original[0]}// user ${run}\n`;
    if (fs.readFileSync(edited[0], 'utf8') !== expected || fs.readFileSync(edited[9], 'utf8') !== original[9]) throw new Error('the revert did not give the expected files');
  }

  const statusMs = median(status);
  const rows: Row[] = [
    { name: 'git status --porcelain', ms: statusMs, ratio: 1, target: null },
    { name: 'checkpoint after one change (CLI process)', ms: median(checkpoint), ratio: median(checkpoint) / statusMs, target: 2 },
    { name: 'first checkpoint ever (CLI process)', ms: median(first), ratio: median(first) / statusMs, target: 2 },
    { name: 'restore of 10 changed files (CLI process)', ms: median(restore), ratio: median(restore) / statusMs, target: 2.5 },
    { name: 'turn begin (CLI process)', ms: median(turnBegin), ratio: median(turnBegin) / statusMs, target: 2 },
    { name: 'turn end: after-turn checkpoint (CLI process)', ms: median(turnEnd), ratio: median(turnEnd) / statusMs, target: 2 },
    { name: 'revert of a 10-file turn, 5 merged (CLI)', ms: median(revert), ratio: median(revert) / statusMs, target: 2.5 },
  ];
  if (hook.length) rows.push({ name: 'hook claude-code UserPromptSubmit (process)', ms: median(hook), ratio: median(hook) / statusMs, target: 2 });
  if (bareNode.length) rows.push({ name: 'node -e 0 (the floor of any Node process)', ms: median(bareNode), ratio: median(bareNode) / statusMs, target: null });
  if (hookEnd.length) rows.push({ name: 'hook claude-code Stop (process, hands over)', ms: median(hookEnd), ratio: median(hookEnd) / statusMs, target: null });
  if (hookEndScript.length) rows.push({ name: 'hook Stop as installed (sh turn-end.sh)', ms: median(hookEndScript), ratio: median(hookEndScript) / statusMs, target: null });

  console.log(`\nBenchmark: ${FILES} tracked files, median of ${RUNS} runs, node ${process.version}, ${os.cpus().length} cores\n`);
  console.log('what'.padEnd(46) + 'median ms'.padStart(11) + 'ratio'.padStart(8) + 'target'.padStart(8));
  let failed = 0;
  for (const row of rows) {
    const ok = row.target === null || row.ratio <= row.target;
    if (!ok) failed++;
    console.log(
      row.name.padEnd(46) + row.ms.toFixed(1).padStart(11) + `${row.ratio.toFixed(2)}×`.padStart(8) + (row.target ? `≤${row.target}×` : '').padStart(8) + (ok ? '' : '  MISSED'),
    );
  }
  console.log(`\nafter the first checkpoint, the background read of every file's mode reported within ${median(sweep)} ms (median; not on the checkpoint's path)`);
  if (extraCaCerts) {
    const bare = median(Array.from({ length: 5 }, () => timeMs(process.execPath, ['-e', '0'], root)));
    const withCerts = median(Array.from({ length: 5 }, () => timeMs(process.execPath, ['-e', '0'], root, undefined, { NODE_EXTRA_CA_CERTS: extraCaCerts })));
    console.log(`NODE_EXTRA_CA_CERTS is set here: it adds ${(withCerts - bare).toFixed(0)} ms to every Node start (${bare.toFixed(0)} → ${withCerts.toFixed(0)} ms); not included above`);
  }
  const append = await appendLatency();
  const appendOk = append.p99 <= 5;
  if (!appendOk) failed++;
  console.log(
    `\nappend with ${append.count} messages in the transcript: p50 ${append.p50.toFixed(2)} ms, p99 ${append.p99.toFixed(2)} ms (target ≤5 ms), max ${append.max.toFixed(1)} ms${appendOk ? '' : '  MISSED'}`,
  );
  console.log(failed ? `\n${failed} target(s) missed.` : '\nAll targets met.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
