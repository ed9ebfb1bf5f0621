#!/usr/bin/env node
// Installs what the real-VS-Code tests need, idempotently:
//   - Debian packages: chromium (headless browser), ripgrep (VS Code search), libkrb5-dev (kerberos build);
//   - code-server (VS Code for the browser, from the npm registry) into .cache/, doing its postinstall by hand
//     (the real one refuses root and downloads ripgrep from GitHub).
// A marker file is written only after a fully successful install; without it the cache is wiped and redone.
// Usage: node scripts/setup-vscode.js   (also required by the harness: codeServerPaths()).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { childEnv, withInstallLock } = require('./installCache');

const CODE_SERVER_VERSION = '4.100.3'; // = VS Code 1.100.3, runs on Node 20
const SETUP_REVISION = 1; // bump to force a reinstall when this script changes what it installs
const APT_PACKAGES = { chromium: '/usr/bin/chromium', ripgrep: '/usr/bin/rg', 'libkrb5-dev': '/usr/include/gssapi/gssapi_krb5.h' };
const BUILD_TOOLS = { make: 'make', 'g++': 'g++', python3: 'python3' };
const NATIVE_MODULES = ['@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'];

const repoRoot = path.resolve(__dirname, '..');

function codeServerPaths() {
  const cacheDir = path.join(repoRoot, '.cache', `code-server-${CODE_SERVER_VERSION}`);
  const root = path.join(cacheDir, 'node_modules', 'code-server');
  return {
    version: CODE_SERVER_VERSION,
    cacheDir,
    marker: path.join(cacheDir, '.install-complete'),
    root,
    entry: path.join(root, 'out', 'node', 'entry.js'),
    vscodeDir: path.join(root, 'lib', 'vscode'),
    chromium: APT_PACKAGES.chromium,
  };
}

const started = Date.now();
function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[setup-vscode ${seconds}s] ${message}`);
}

function run(command, args, options = {}) {
  const where = options.cwd ? ` (in ${path.relative(repoRoot, options.cwd) || '.'})` : '';
  log(`$ ${command} ${args.join(' ')}${where}`);
  const result = spawnSync(command, args, { stdio: options.quiet ? 'pipe' : 'inherit', env: childEnv(), ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    const output = options.quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}${output}`);
  }
  return result;
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function isInstalledDeb(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  const missing = Object.entries(APT_PACKAGES)
    .filter(([pkg, file]) => !fs.existsSync(file) || !isInstalledDeb(pkg))
    .map(([pkg]) => pkg);
  for (const [pkg, command] of Object.entries(BUILD_TOOLS)) {
    if (!hasCommand(command)) missing.push(pkg === 'g++' || pkg === 'make' ? 'build-essential' : pkg);
  }
  const unique = [...new Set(missing)];
  if (unique.length === 0) {
    log(`Debian packages present: ${Object.keys(APT_PACKAGES).join(', ')}`);
    return;
  }
  if (!hasCommand('apt-get')) throw new Error(`missing ${unique.join(', ')} and no apt-get: install them by hand`);
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo', '-n'] : [];
  if (sudo.length && !hasCommand('sudo')) throw new Error(`missing ${unique.join(', ')}: run as root or install them by hand`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const exec = (args) => run(sudo[0] || args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { env });
  log(`Installing Debian packages: ${unique.join(', ')}`);
  exec(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'update']);
  exec(['apt-get', '-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...unique]);
}

function isInstalled(p) {
  return fs.existsSync(p.marker) && fs.readFileSync(p.marker, 'utf8').trim() === markerText();
}

function installCodeServer() {
  const p = codeServerPaths();
  if (isInstalled(p)) {
    log(`code-server ${p.version} already installed in ${path.relative(repoRoot, p.cacheDir)}`);
    return;
  }
  withInstallLock(p.cacheDir, log, () => (isInstalled(p) ? log(`code-server ${p.version} was installed by another run`) : install(p)));
}

function install(p) {
  if (fs.existsSync(p.cacheDir)) {
    log('Found an incomplete or outdated code-server install: removing it and starting over');
    fs.rmSync(p.cacheDir, { recursive: true, force: true });
  }
  fs.mkdirSync(p.cacheDir, { recursive: true });
  fs.writeFileSync(
    path.join(p.cacheDir, 'package.json'),
    JSON.stringify({ name: 'boocode-code-server-cache', private: true, description: 'Created by scripts/setup-vscode.js' }, null, 2),
  );

  log(`Installing code-server@${p.version} from the npm registry (scripts skipped)`);
  run('npm', ['install', `code-server@${p.version}`, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: p.cacheDir });

  log('Installing VS Code server dependencies (lib/vscode)');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: p.vscodeDir });

  log("Placing Debian's rg where @vscode/ripgrep expects it");
  const rgDir = path.join(p.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.copyFileSync(APT_PACKAGES.ripgrep, path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);

  log(`Building native modules: ${NATIVE_MODULES.join(' ')}`);
  for (const mod of NATIVE_MODULES) {
    // node-pty's install step ends with `npx node-gyp configure -f compile_commands_json`, which fails
    // after pty.node is built; the require() check below is what decides success.
    const result = run('npm', ['rebuild', mod], { cwd: p.vscodeDir, allowFailure: mod === 'node-pty', quiet: mod === 'node-pty' });
    if (result.status !== 0) log(`${mod}: its compile_commands step failed (expected); the require() check below decides`);
  }
  const check = NATIVE_MODULES.map((m) => `require(${JSON.stringify(m)});`).join('');
  run(process.execPath, ['-e', check], { cwd: p.vscodeDir });

  const asar = path.join(p.vscodeDir, 'node_modules.asar');
  fs.rmSync(asar, { force: true });
  fs.symlinkSync('node_modules', asar);

  log('Installing built-in extension dependencies (lib/vscode/extensions)');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: path.join(p.vscodeDir, 'extensions') });

  log('Building argon2');
  run('npm', ['rebuild', 'argon2'], { cwd: p.cacheDir });
  run(process.execPath, ['-e', 'require("argon2")'], { cwd: p.root });

  // Smoke check, isolated so that code-server does not write ~/.config/code-server/config.yaml.
  const home = fs.mkdtempSync(path.join(p.cacheDir, 'check-'));
  const isolated = { XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
  run(process.execPath, [p.entry, '--version'], { cwd: p.root, env: { ...childEnv(), ...isolated } });
  fs.rmSync(home, { recursive: true, force: true });
  fs.writeFileSync(p.marker, markerText() + '\n');
  log(`code-server ${p.version} installed`);
}

function markerText() {
  return `code-server ${CODE_SERVER_VERSION} setup-revision ${SETUP_REVISION} node ${process.versions.modules}`;
}

function main() {
  log('Checking what the real-VS-Code tests need');
  ensureDebianPackages();
  installCodeServer();
  log('Ready');
}

module.exports = { codeServerPaths, CODE_SERVER_VERSION };

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`[setup-vscode] FAILED: ${error.message}`);
    process.exit(1);
  }
}
