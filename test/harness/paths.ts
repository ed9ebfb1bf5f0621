// Where things live: the repository, the code-server install (from scripts/setup-vscode.js) and test-results/.
import * as fs from 'fs';
import * as path from 'path';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'esbuild.js'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(__dirname);
export const extensionId = 'boocode.boocode-checkpoints';
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const resultsRoot = path.join(repoRoot, 'test-results');

export interface CodeServerPaths {
  /** Which of the tested VS Code versions: 'oldest' (the oldest we support) or 'newest'. */
  key: 'oldest' | 'newest';
  /** code-server's version, e.g. 4.139.1. */
  version: string;
  /** The VS Code it embeds, e.g. 1.139.1. */
  vscodeVersion: string;
  cacheDir: string;
  marker: string;
  root: string;
  entry: string;
  /** The Node that runs code-server and its extension host. */
  node: string;
  /** Set when that Node is installed by setup-vscode.js too. */
  nodeMarker?: string;
  chromium: string;
}

/** The code-server this process tests in: BOOCODE_VSCODE=oldest|newest (or a version), default the oldest. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const codeServer: CodeServerPaths = require(path.join(repoRoot, 'scripts', 'setup-vscode.js')).codeServerPaths();

/** test-results/<base> for the oldest VS Code, test-results/<base>-<VS Code version> for the newest. */
export function resultsName(base: string): string {
  return codeServer.key === 'oldest' ? base : `${base}-${codeServer.vscodeVersion}`;
}

/** Throws a clear message when `npm run setup:vscode` or `npm run build` has not run. */
export function assertReady(): void {
  const setup = `run \`npm run setup:vscode\` (or \`node scripts/setup-vscode.js --vscode ${codeServer.key}\`)`;
  if (!fs.existsSync(codeServer.marker) || (codeServer.nodeMarker && !fs.existsSync(codeServer.nodeMarker))) {
    throw new Error(`code-server ${codeServer.version} (VS Code ${codeServer.vscodeVersion}) is not installed in ${codeServer.cacheDir}: ${setup}`);
  }
  if (!fs.existsSync(codeServer.chromium)) throw new Error(`${codeServer.chromium} is missing: run \`npm run setup:vscode\``);
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');
}

/** A fresh test-results/<name> folder (emptied if it exists). */
export function freshResultsDir(name: string): string {
  const dir = path.join(resultsRoot, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
