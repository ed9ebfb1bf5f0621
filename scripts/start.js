#!/usr/bin/env node
// `npm start`: see the product. Builds (via npm start), prepares a demo workspace in which an "agent"
// has taken a few turns through the CLI exactly as its hooks would, then opens it in a real VS Code
// with the extension loaded: the desktop `code` when it is on PATH, otherwise code-server on a
// loopback URL printed below (kept running until Ctrl-C): the oldest VS Code the tests run on, or the newest
// with BOOCODE_VSCODE=newest.
//
//   node scripts/start.js [--folder DIR] [--no-open] [--code-server]
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const pkg = require(path.join(repoRoot, 'package.json'));
const extensionId = `${pkg.publisher}.${pkg.name}`;

function parseArgs(argv) {
  const options = { folder: path.join(repoRoot, '.cache', 'demo-workspace'), open: true, forceCodeServer: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--folder') options.folder = path.resolve(argv[++i]);
    else if (argv[i] === '--no-open') options.open = false;
    else if (argv[i] === '--code-server') options.forceCodeServer = true;
    else throw new Error(`unknown argument ${argv[i]} (use --folder DIR, --no-open, --code-server)`);
  }
  return options;
}

const say = (line) => console.log(`[start] ${line}`);

function write(dir, relative, text) {
  fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  fs.writeFileSync(path.join(dir, relative), text);
}

function boocode(dir, ...args) {
  return JSON.parse(execFileSync(process.execPath, [cli, ...args, '-C', dir, '--json'], { encoding: 'utf8' }));
}

/** One agent turn as a hook records it: prompt + checkpoint, the agent's edits, then its reply. */
function turn(dir, session, agent, prompt, edits, reply) {
  const begun = boocode(dir, 'turn', 'begin', '--session', session, '--agent', agent, '--prompt', prompt);
  if (!begun.checkpoint) throw new Error(`the checkpoint failed: ${begun.warning}`);
  edits();
  boocode(dir, 'turn', 'end', '--session', session, '--reply', reply);
}

function prepareDemo(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  write(dir, 'README.md', '# Greeter\n\nA tiny command-line greeter.\n\n    node src/app.js\n');
  write(dir, 'package.json', JSON.stringify({ name: 'greeter', version: '1.0.0', private: true, scripts: { start: 'node src/app.js' } }, null, 2) + '\n');
  write(dir, 'src/greet.js', "exports.greet = (name) => `Hello, ${name}!`;\n");
  write(dir, 'src/app.js', "const { greet } = require('./greet');\n\nconsole.log(greet('world'));\n");
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=Demo', '-c', 'user.email=demo@boocode.invalid', 'add', '-A');
  git('-c', 'user.name=Demo', '-c', 'user.email=demo@boocode.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'Greeter');

  const s1 = 'demo-claude-1';
  turn(dir, s1, 'claude-code', 'Add a --name flag so people can greet someone other than the world', () => {
    write(dir, 'src/app.js', [
      "const { greet } = require('./greet');",
      '',
      "const index = process.argv.indexOf('--name');",
      "const name = index >= 0 ? process.argv[index + 1] : 'world';",
      'console.log(greet(name));',
      '',
    ].join('\n'));
    write(dir, 'README.md', '# Greeter\n\nA tiny command-line greeter.\n\n    node src/app.js --name Ada\n');
  }, 'Added --name to src/app.js and documented it in the README.');
  turn(dir, s1, 'claude-code', 'Write tests for greet()', () => {
    write(dir, 'test/greet.test.js', [
      "const assert = require('assert');",
      "const { greet } = require('../src/greet');",
      '',
      "assert.strictEqual(greet('Ada'), 'Hello, Ada!');",
      "console.log('ok');",
      '',
    ].join('\n'));
  }, 'Added test/greet.test.js.');
  turn(dir, s1, 'claude-code', 'Make the greeting friendlier and support other languages', () => {
    write(dir, 'src/greet.js', [
      "const WORDS = { en: 'Hello', fr: 'Bonjour', de: 'Hallo' };",
      '',
      "exports.greet = (name, lang = 'en') => `${WORDS[lang] ?? WORDS.en}, ${name}! Nice to see you.`;",
      '',
    ].join('\n'));
    fs.rmSync(path.join(dir, 'test', 'greet.test.js'));
  }, 'Rewrote greet() with languages. I removed the old test because it no longer matched.');

  boocode(dir, 'checkpoint', '--label', 'Before trying a new logger');
  write(dir, 'src/log.js', 'module.exports = (...args) => console.error(new Date().toISOString(), ...args);\n');

  const s2 = 'demo-codex-1';
  turn(dir, s2, 'codex', 'Translate the README to French', () => {
    write(dir, 'README.md', '# Greeter\n\nUn petit programme qui dit bonjour.\n\n    node src/app.js --name Ada\n');
  }, 'Translated README.md.');
  // The user keeps working after the last turn, so the newest checkpoint has changes to compare too.
  write(dir, 'src/app.js', fs.readFileSync(path.join(dir, 'src/app.js'), 'utf8') + "console.log('(demo)');\n");
  const count = boocode(dir, 'list').length;
  say(`demo workspace ready: ${dir} (${count} checkpoints in 2 agent sessions)`);
}

function onPath(name) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

function openInDesktop(folder) {
  say('opening the desktop VS Code with the extension loaded from this repository…');
  const result = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, `--enable-proposed-api=${extensionId}`, folder], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`\`code\` exited with ${result.status}`);
  say('done: look for the BooCode icon in the activity bar.');
}

/** Copies what a .vsix ships into an extensions folder, so code-server loads it as a user has it. */
function installInto(extensionsDir) {
  const target = path.join(extensionsDir, `${extensionId}-${pkg.version}`);
  for (const entry of ['package.json', 'dist', 'media', 'README.md', 'LICENSE']) {
    const from = path.join(repoRoot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
}

async function openInCodeServer(folder) {
  const setup = require(path.join(repoRoot, 'scripts', 'setup-vscode.js'));
  const paths = setup.codeServerPaths(); // the oldest tested VS Code, or the one BOOCODE_VSCODE names
  if (!fs.existsSync(paths.marker) || (paths.nodeMarker && !fs.existsSync(paths.nodeMarker))) {
    say(`code-server ${paths.version} is not installed yet: running scripts/setup-vscode.js (one time, a few minutes)…`);
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'setup-vscode.js'), '--vscode', paths.key], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('setup-vscode.js failed; see its output above');
  }
  const harness = path.join(repoRoot, 'out', 'test', 'harness', 'codeServer.js');
  if (!fs.existsSync(harness)) throw new Error(`${harness} is missing: run \`npm run build\``);
  const { startCodeServer } = require(harness);
  const runDir = fs.realpathSync(fs.mkdtempSync(path.join(fs.existsSync('/tmp') ? '/tmp' : require('os').tmpdir(), 'bc-start-')));
  installInto(path.join(runDir, 'e'));
  const server = await startCodeServer({
    runDir,
    folder,
    extensionsDir: path.join(runDir, 'e'),
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  const url = `${server.origin}/?folder=${encodeURIComponent(folder)}`;
  console.log('');
  say(`VS Code ${paths.vscodeVersion} (code-server ${paths.version}) with BooCode Checkpoints is running at:\n\n    ${url}\n`);
  say('Open it in a browser on this machine; click the BooCode icon in the activity bar. Press Ctrl-C to stop.');
  // On Ctrl-C the harness (test/harness/interrupt.ts, loaded with codeServer.js) kills code-server's process
  // group and exits; its callbacks run first, synchronously.
  const { onInterrupt } = require(path.join(repoRoot, 'out', 'test', 'harness', 'interrupt.js'));
  onInterrupt(() => {
    say('stopped code-server');
    fs.rmSync(runDir, { recursive: true, force: true });
  });
  void server; // kept running until then
  await new Promise(() => undefined); // until Ctrl-C
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(cli) || !fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/ is missing: run `npm start` (it builds first) or `npm run build`');
  }
  prepareDemo(options.folder);
  if (!options.open) return;
  if (!options.forceCodeServer && onPath('code')) openInDesktop(options.folder);
  else await openInCodeServer(options.folder);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`[start] ${error.message}`);
    process.exit(1);
  });
}

module.exports = { prepareDemo };
