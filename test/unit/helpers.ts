// Real temporary git repositories and folders for the unit tests, and a way to run the built CLI.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeTree } from '../support/removeTree';

const made: string[] = [];

export function tempDir(prefix = 'boocode-test-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export function cleanupTemps(): void {
  for (const dir of made.splice(0)) removeTree(dir);
}

const gitEnv = () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function write(root: string, file: string, content: string | Buffer, mode?: number): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  if (mode !== undefined) fs.chmodSync(full, mode);
}

export function read(root: string, file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}

export function exists(root: string, file: string): boolean {
  try {
    fs.lstatSync(path.join(root, file));
    return true;
  } catch {
    return false;
  }
}

/** A repository with one commit: tracked files, an ignored folder, and an untracked file. */
export function makeRepo(options: { commit?: boolean } = {}): string {
  const root = tempDir();
  git(root, 'init', '-q', '-b', 'main');
  write(root, 'README.md', '# demo\n');
  write(root, 'src/app.js', 'console.log(1);\n');
  write(root, '.gitignore', 'node_modules/\n*.log\n');
  if (options.commit !== false) {
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'initial');
  }
  write(root, 'node_modules/dep/index.js', 'ignored\n');
  write(root, 'debug.log', 'ignored log\n');
  write(root, 'notes.txt', 'untracked\n');
  return root;
}

/** Everything git-visible about a repository that a checkpoint must never change. */
export function repoState(root: string): { head: string; symbolic: string; index: string; branches: string; stash: string } {
  const gitDir = git(root, 'rev-parse', '--absolute-git-dir');
  const indexPath = path.join(gitDir, 'index');
  return {
    head: spawnSync('git', ['rev-parse', '-q', '--verify', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
    symbolic: spawnSync('git', ['symbolic-ref', '-q', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
    index: fs.existsSync(indexPath) ? fs.readFileSync(indexPath).toString('base64') + String(fs.statSync(indexPath).mtimeMs) : 'none',
    branches: git(root, 'for-each-ref', 'refs/heads', 'refs/tags'),
    stash: spawnSync('git', ['stash', 'list'], { cwd: root, encoding: 'utf8' }).stdout,
  };
}

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? os.tmpdir(),
    input: options.input ?? '',
    // A hook hands a turn's end to a detached follow-up; tests wait for it unless they say otherwise.
    env: { ...process.env, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '1', ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function cliJson<T = any>(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): T {
  const result = cli([...args, '--json'], options);
  if (result.code !== 0) throw new Error(`boocode ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A state home for shadow repositories that tests can inspect and throw away. */
export function stateHome(): string {
  return tempDir('boocode-state-');
}
