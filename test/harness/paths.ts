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
  version: string;
  cacheDir: string;
  marker: string;
  root: string;
  entry: string;
  chromium: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const codeServer: CodeServerPaths = require(path.join(repoRoot, 'scripts', 'setup-vscode.js')).codeServerPaths();

/** Throws a clear message when `npm run setup:vscode` or `npm run build` has not run. */
export function assertReady(): void {
  if (!fs.existsSync(codeServer.marker)) {
    throw new Error(`code-server is not installed in ${codeServer.cacheDir}: run \`npm run setup:vscode\``);
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
