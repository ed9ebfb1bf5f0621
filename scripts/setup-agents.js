#!/usr/bin/env node
// Installs the real agent CLIs the agents tier runs, at the versions pinned in
// test/agents/versions.json, each into .cache/agents/<key>@<version> (once: a marker file is
// written after a complete install; an incomplete folder is wiped and redone; a lock keeps two
// runs apart). Installs run side by side.
//   node scripts/setup-agents.js            install what is missing
//   node scripts/setup-agents.js --update   pin every agent to the newest version on the registry first
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { acquireInstallLock, childEnv } = require('./installCache');

const repoRoot = path.resolve(__dirname, '..');
const versionsFile = path.join(repoRoot, 'test', 'agents', 'versions.json');
const SETUP_REVISION = 1; // bump when this script changes what it installs

const started = Date.now();
function log(message) {
  console.log(`[setup-agents ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}

function readPins() {
  return JSON.parse(fs.readFileSync(versionsFile, 'utf8'));
}

/** Where one pinned agent lives, and the file that says its install is complete. */
function agentPaths(key, pin) {
  const dir = path.join(repoRoot, '.cache', 'agents', `${key}@${pin.version}`);
  return { dir, marker: path.join(dir, '.install-complete'), bin: path.join(dir, 'node_modules', '.bin', pin.bin) };
}

const markerText = (pin) => `${pin.package}@${pin.version} setup-revision ${SETUP_REVISION} node ${process.versions.modules}`;
const isInstalled = (p, pin) => fs.existsSync(p.marker) && fs.readFileSync(p.marker, 'utf8').trim() === markerText(pin);

function npmInstall(key, pin, p) {
  return new Promise((resolve, reject) => {
    fs.rmSync(p.dir, { recursive: true, force: true });
    fs.mkdirSync(p.dir, { recursive: true });
    fs.writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: `boocode-agent-${key.replace(/[^a-z0-9-]/g, '')}`, private: true }, null, 2));
    const args = ['install', `${pin.package}@${pin.version}`, '--no-audit', '--no-fund', '--loglevel=error'];
    log(`${key}: npm ${args.join(' ')}`);
    const child = spawn('npm', args, { cwd: p.dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`${key}: npm install exited with ${status}\n${output.slice(-2000)}`));
      if (!fs.existsSync(p.bin)) return reject(new Error(`${key}: ${pin.package} has no ${pin.bin} command after install`));
      fs.writeFileSync(p.marker, markerText(pin) + '\n');
      log(`${key}: ${pin.package}@${pin.version} installed`);
      resolve();
    });
  });
}

async function installAll(pins) {
  const missing = Object.entries(pins).filter(([key, pin]) => !isInstalled(agentPaths(key, pin), pin));
  for (const [key, pin] of Object.entries(pins)) if (!missing.some(([k]) => k === key)) log(`${key}: ${pin.package}@${pin.version} already installed`);
  // Each install holds its own folder's lock; the installs themselves run side by side.
  await Promise.all(
    missing.map(async ([key, pin]) => {
      const p = agentPaths(key, pin);
      const release = acquireInstallLock(p.dir, log);
      try {
        if (!isInstalled(p, pin)) await npmInstall(key, pin, p);
      } finally {
        release();
      }
    }),
  );
}

function updatePins() {
  const pins = readPins();
  for (const [key, pin] of Object.entries(pins)) {
    const result = spawnSync('npm', ['view', pin.package, 'version'], { encoding: 'utf8', env: childEnv() });
    const newest = result.status === 0 ? result.stdout.trim() : null;
    if (!newest) throw new Error(`${key}: npm view ${pin.package} version failed: ${result.stderr.trim()}`);
    if (newest !== pin.version) log(`${key}: ${pin.version} → ${newest}`);
    pin.version = newest;
  }
  fs.writeFileSync(versionsFile, JSON.stringify(pins, null, 2) + '\n');
  return pins;
}

module.exports = { agentPaths, readPins };

if (require.main === module) {
  const pins = process.argv.includes('--update') ? updatePins() : readPins();
  installAll(pins).then(
    () => log('Ready'),
    (error) => {
      console.error(`[setup-agents] FAILED: ${error.message}`);
      process.exit(1);
    },
  );
}
