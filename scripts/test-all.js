#!/usr/bin/env node
// `npm test`: build, then every test tier, then ONE last line `N passed, N failed` (totals of all tiers).
// Exits non-zero if anything failed. Tiers:
//   unit       mocha in Node (npm run test:unit)
//   vscode     test/vscode in the extension host of a real VS Code (code-server + headless Chromium)
//   e2e        test/e2e UI checks against the real workbench (screenshots in test-results/e2e[-<version>])
//   selftest   the harness proves it can fail (test/selftest)
//   agents     the real agent CLIs (pinned in test/agents/versions.json) against a mock model server;
//              runs side by side with the others (it mostly waits on the agents)
// The vscode and e2e tiers run once per tested VS Code (scripts/setup-vscode.js pins them: the oldest we
// support and the newest), each version's two tiers one after the other; the newest version's run side by
// side with the oldest's, its output kept in test-results/vscode-<version>.log and printed when it ends.
//
//   node scripts/test-all.js [--only vscode,e2e] [--vscode oldest|newest|oldest,newest] [--no-build]
//
// `--only` runs a subset of tiers (the test:vscode / test:e2e scripts do this); `--vscode` (or the variable
// BOOCODE_VSCODE_VERSIONS) the VS Code versions, by name or version number (default both). With
// BOOCODE_VSCODE_SERIAL=1 the versions run one after the other instead.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { codeServerPaths, selectVersions } = require('./setup-vscode');

const root = path.resolve(__dirname, '..');
const reporter = path.join('out', 'test', 'harness', 'countingReporter.js');
const mocha = path.join(root, 'node_modules', '.bin', 'mocha');
const countsDir = path.join(root, 'test-results', 'counts');

const TIERS = {
  unit: { title: 'unit', command: 'npm', args: ['run', '--silent', 'test:unit', '--', '--reporter', reporter] },
  vscode: { title: 'extension host', perVscode: true, command: process.execPath, args: ['out/test/harness/runVscodeTests.js'] },
  e2e: {
    title: 'UI checks',
    perVscode: true,
    command: mocha,
    args: ['--no-config', '--timeout', '180000', '--reporter', reporter, 'out/test/e2e/**/*.test.js'],
  },
  agents: {
    title: 'real agents',
    needsAgents: true,
    background: true,
    command: mocha,
    args: ['--no-config', '--timeout', '900000', '--reporter', reporter, 'out/test/agents/**/*.test.js'],
  },
  selftest: {
    // Runs on the first selected VS Code: it tests the harness, not the extension.
    title: 'harness self-test',
    needsVscode: true,
    command: mocha,
    args: ['--no-config', '--timeout', '300000', '--reporter', reporter, 'out/test/selftest/**/*.test.js'],
  },
};
const needsVscode = (name) => TIERS[name].perVscode || TIERS[name].needsVscode;

function option(argv, flag) {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1] || '';
}

function parseOnly(argv) {
  const only = option(argv, '--only');
  if (only === undefined) return Object.keys(TIERS);
  const names = only.split(',').filter(Boolean);
  for (const name of names) if (!TIERS[name]) throw new Error(`unknown tier ${name} (known: ${Object.keys(TIERS).join(', ')})`);
  return names;
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 70 - text.length))}`);
}

/** Runs a command; its output goes to this terminal, or to `log` (a file descriptor). Resolves with the exit status. */
function step(command, args, env = {}, log) {
  return new Promise((resolve) => {
    const stdio = log === undefined ? 'inherit' : ['ignore', log, log];
    const child = spawn(command, args, { cwd: root, stdio, env: { ...process.env, ...env } });
    child.on('error', (error) => {
      console.error(`${command} could not start: ${error.message}`);
      resolve(1);
    });
    child.on('close', (status) => resolve(status ?? 1));
  });
}

function readCounts(countsFile, status) {
  let counts = fs.existsSync(countsFile) ? JSON.parse(fs.readFileSync(countsFile, 'utf8')) : { passes: 0, failures: 0 };
  // A tier that failed without reporting a failing test (crash, no test files, …) counts as one failure.
  if (status !== 0 && counts.failures === 0) counts = { ...counts, failures: 1, crashed: `exited with ${status}` };
  return counts;
}

/** One run of a tier: `key` names the VS Code it runs on (for the tiers that need one). */
function makeRun(name, key) {
  const tier = TIERS[name];
  if (!tier.perVscode) return { name, tier, title: tier.title, countsName: name, env: key ? { BOOCODE_VSCODE: key } : {} };
  const vscode = codeServerPaths(key).vscodeVersion;
  return { name, tier, key, title: `${tier.title} (VS Code ${vscode})`, countsName: `${name}-${key}`, env: { BOOCODE_VSCODE: key } };
}

async function runTier(run, log) {
  const countsFile = path.join(countsDir, `${run.countsName}.json`);
  fs.rmSync(countsFile, { force: true });
  const say = log === undefined ? banner : (text) => fs.writeSync(log, `\n=== ${text} ${'='.repeat(Math.max(3, 70 - text.length))}\n`);
  say(run.title);
  const started = Date.now();
  const status = await step(run.tier.command, run.tier.args, { ...run.env, BOOCODE_TEST_COUNTS: countsFile }, log);
  return { title: run.title, ...readCounts(countsFile, status), seconds: (Date.now() - started) / 1000 };
}

/**
 * Runs tiers one after the other. With `alongside` ({ name, label }), their output goes to test-results/<name>.log,
 * and the result's print() shows it when all are done.
 */
async function runLane(runs, alongside) {
  if (!alongside) {
    const rows = [];
    for (const run of runs) rows.push(await runTier(run));
    return rows;
  }
  const logFile = path.join(root, 'test-results', `${alongside.name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'w');
  const rows = [];
  try {
    for (const run of runs) rows.push(await runTier(run, log));
  } finally {
    fs.closeSync(log);
  }
  return { rows, print: () => {
    banner(`${alongside.label} (ran alongside, output from ${path.relative(root, logFile)})`);
    process.stdout.write(fs.readFileSync(logFile, 'utf8'));
  } };
}

/** Runs a background tier as its own `test-all --only NAME` process, its output kept in a log until it ends. */
function startInBackground(name) {
  const log = path.join(root, 'test-results', `${name}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, [__filename, '--only', name, '--no-build'], { cwd: root, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const started = Date.now();
  const done = new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  return async () => {
    const status = await done;
    banner(`${TIERS[name].title} (ran alongside, output from ${path.relative(root, log)})`);
    process.stdout.write(fs.readFileSync(log, 'utf8'));
    const counts = readCounts(path.join(countsDir, `${name}.json`), status);
    return { title: TIERS[name].title, ...counts, seconds: (Date.now() - started) / 1000 };
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const names = parseOnly(argv);
  const versions = selectVersions(option(argv, '--vscode') ?? process.env.BOOCODE_VSCODE_VERSIONS);
  const serial = /^(1|true|yes)$/i.test(process.env.BOOCODE_VSCODE_SERIAL || '');
  const rows = [];
  const skipped = (title, why) => rows.push({ title, passes: 0, failures: 1, crashed: why, seconds: 0 });

  if (!argv.includes('--no-build')) banner('build');
  if (!argv.includes('--no-build') && (await step('npm', ['run', '--silent', 'build'])) !== 0) {
    skipped('build', 'npm run build failed; nothing else ran');
  } else {
    // A background tier runs in its own process alongside the others, unless it is all we run.
    const background = names.length > 1 ? names.filter((name) => TIERS[name].background) : [];
    for (const name of names) if (TIERS[name].background) fs.rmSync(path.join(countsDir, `${name}.json`), { force: true });
    const waits = background.map(startInBackground);
    let vscodeReady = true;
    const foreground = names.filter((name) => !background.includes(name));
    if (foreground.some(needsVscode)) {
      const list = versions.map((key) => codeServerPaths(key).vscodeVersion).join(', ');
      banner(`setup: code-server (VS Code ${list}), Chromium`);
      vscodeReady = (await step(process.execPath, ['scripts/setup-vscode.js', '--vscode', versions.join(',')])) === 0;
      if (!vscodeReady) skipped('setup:vscode', 'setup failed; real-VS-Code tiers skipped');
    }
    let agentsReady = true;
    if (foreground.some((name) => TIERS[name].needsAgents)) {
      banner('setup: agent CLIs');
      agentsReady = (await step(process.execPath, ['scripts/setup-agents.js'])) === 0;
      if (!agentsReady) skipped('setup:agents', 'setup failed; the real-agents tier skipped');
    }
    const runnable = foreground.filter((name) => !((needsVscode(name) && !vscodeReady) || (TIERS[name].needsAgents && !agentsReady)));
    // Tiers before the per-version ones, then one lane per VS Code version, then the tiers after them.
    const firstPer = runnable.findIndex((name) => TIERS[name].perVscode);
    const perVscode = runnable.filter((name) => TIERS[name].perVscode);
    const before = firstPer < 0 ? runnable : runnable.slice(0, firstPer).filter((name) => !TIERS[name].perVscode);
    const after = firstPer < 0 ? [] : runnable.slice(firstPer).filter((name) => !TIERS[name].perVscode);
    const single = (name) => makeRun(name, needsVscode(name) ? versions[0] : undefined);
    rows.push(...(await runLane(before.map(single))));
    if (perVscode.length) {
      const lanes = versions.map((key) => perVscode.map((name) => makeRun(name, key)));
      if (serial || lanes.length === 1) {
        for (const lane of lanes) rows.push(...(await runLane(lane)));
      } else {
        // The first version in the foreground, the others alongside with their output in a log.
        const others = lanes.slice(1).map((lane) => {
          const version = codeServerPaths(lane[0].key).vscodeVersion;
          return runLane(lane, { name: `vscode-${version}`, label: `VS Code ${version}` });
        });
        rows.push(...(await runLane(lanes[0])));
        for (const other of others) {
          const { rows: laneRows, print } = await other;
          print();
          rows.push(...laneRows);
        }
      }
    }
    rows.push(...(await runLane(after.map(single))));
    for (const wait of waits) rows.push(await wait());
  }

  banner('summary');
  const width = Math.max(18, ...rows.map((row) => row.title.length));
  for (const row of rows) {
    const note = row.crashed ? ` (${row.crashed})` : '';
    console.log(`  ${row.title.padEnd(width)} ${String(row.passes).padStart(4)} ok ${String(row.failures).padStart(4)} not ok  ${row.seconds.toFixed(1).padStart(6)} s${note}`);
  }
  const passed = rows.reduce((sum, row) => sum + row.passes, 0);
  const failed = rows.reduce((sum, row) => sum + row.failures, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(`[test-all] ${error instanceof Error ? error.message : error}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
