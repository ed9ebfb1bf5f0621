#!/usr/bin/env node
// `npm test`: build, then every test tier, then ONE last line `N passed, N failed` (totals of all tiers).
// Exits non-zero if anything failed. Tiers:
//   unit       mocha in Node (npm run test:unit)
//   vscode     test/vscode in the extension host of a real VS Code (code-server + headless Chromium)
//   e2e        test/e2e UI checks against the real workbench (screenshots in test-results/e2e)
//   selftest   the harness proves it can fail (test/selftest)
//   agents     the real agent CLIs (pinned in test/agents/versions.json) against a mock model server;
//              runs side by side with the others (it mostly waits on the agents)
// `node scripts/test-all.js --only vscode,e2e` runs a subset (the test:vscode / test:e2e scripts do this).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const reporter = path.join('out', 'test', 'harness', 'countingReporter.js');
const mocha = path.join(root, 'node_modules', '.bin', 'mocha');
const countsDir = path.join(root, 'test-results', 'counts');

const TIERS = {
  unit: { title: 'unit', command: 'npm', args: ['run', '--silent', 'test:unit', '--', '--reporter', reporter] },
  vscode: { title: 'extension host', needsVscode: true, command: process.execPath, args: ['out/test/harness/runVscodeTests.js'] },
  e2e: {
    title: 'UI checks',
    needsVscode: true,
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
    title: 'harness self-test',
    needsVscode: true,
    command: mocha,
    args: ['--no-config', '--timeout', '300000', '--reporter', reporter, 'out/test/selftest/**/*.test.js'],
  },
};

function parseOnly(argv) {
  const i = argv.indexOf('--only');
  if (i < 0) return Object.keys(TIERS);
  const names = (argv[i + 1] || '').split(',').filter(Boolean);
  for (const name of names) if (!TIERS[name]) throw new Error(`unknown tier ${name} (known: ${Object.keys(TIERS).join(', ')})`);
  return names;
}

function banner(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 70 - text.length))}`);
}

function step(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function runTier(name) {
  const tier = TIERS[name];
  const countsFile = path.join(countsDir, `${name}.json`);
  fs.rmSync(countsFile, { force: true });
  banner(tier.title);
  const started = Date.now();
  const status = step(tier.command, tier.args, { BOOCODE_TEST_COUNTS: countsFile });
  let counts = { passes: 0, failures: 0 };
  if (fs.existsSync(countsFile)) counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
  // A tier that failed without reporting a failing test (crash, no test files, …) counts as one failure.
  if (status !== 0 && counts.failures === 0) counts = { ...counts, failures: 1, crashed: `exited with ${status}` };
  return { title: tier.title, ...counts, seconds: (Date.now() - started) / 1000 };
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
    const countsFile = path.join(countsDir, `${name}.json`);
    let counts = fs.existsSync(countsFile) ? JSON.parse(fs.readFileSync(countsFile, 'utf8')) : { passes: 0, failures: 0 };
    if (status !== 0 && counts.failures === 0) counts = { ...counts, failures: 1, crashed: `exited with ${status}` };
    return { title: TIERS[name].title, ...counts, seconds: (Date.now() - started) / 1000 };
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const names = parseOnly(argv);
  const rows = [];
  const skipped = (title, why) => rows.push({ title, passes: 0, failures: 1, crashed: why, seconds: 0 });

  if (!argv.includes('--no-build')) banner('build');
  if (!argv.includes('--no-build') && step('npm', ['run', '--silent', 'build']) !== 0) {
    skipped('build', 'npm run build failed; nothing else ran');
  } else {
    // A background tier runs in its own process alongside the others, unless it is all we run.
    const background = names.length > 1 ? names.filter((name) => TIERS[name].background) : [];
    for (const name of names) if (TIERS[name].background) fs.rmSync(path.join(countsDir, `${name}.json`), { force: true });
    const waits = background.map(startInBackground);
    let vscodeReady = true;
    const foreground = names.filter((name) => !background.includes(name));
    if (foreground.some((name) => TIERS[name].needsVscode)) {
      banner('setup: code-server, Chromium');
      vscodeReady = step(process.execPath, ['scripts/setup-vscode.js']) === 0;
      if (!vscodeReady) skipped('setup:vscode', 'setup failed; real-VS-Code tiers skipped');
    }
    let agentsReady = true;
    if (foreground.some((name) => TIERS[name].needsAgents)) {
      banner('setup: agent CLIs');
      agentsReady = step(process.execPath, ['scripts/setup-agents.js']) === 0;
      if (!agentsReady) skipped('setup:agents', 'setup failed; the real-agents tier skipped');
    }
    for (const name of foreground) {
      if ((TIERS[name].needsVscode && !vscodeReady) || (TIERS[name].needsAgents && !agentsReady)) continue;
      rows.push(runTier(name));
    }
    for (const wait of waits) rows.push(await wait());
  }

  banner('summary');
  for (const row of rows) {
    const note = row.crashed ? ` (${row.crashed})` : '';
    console.log(`  ${row.title.padEnd(18)} ${String(row.passes).padStart(4)} ok ${String(row.failures).padStart(4)} not ok  ${row.seconds.toFixed(1).padStart(6)} s${note}`);
  }
  const passed = rows.reduce((sum, row) => sum + row.passes, 0);
  const failed = rows.reduce((sum, row) => sum + row.failures, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
