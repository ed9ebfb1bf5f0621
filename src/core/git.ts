// Runs git as a child process with a clean environment: no inherited GIT_* variables (so an
// agent's GIT_DIR/GIT_INDEX_FILE can never redirect us), no hooks, no fsmonitor daemon, no
// auto-gc, never a split or sparse index. Arguments go straight to execve: user text never passes
// through a shell, and path lists go through stdin (or bounded chunks), never one huge argv.
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import { BooError } from './errors';
import { displayPath } from './rawPath';

export interface GitRunOptions {
  /** Written to git's stdin. */
  input?: string | Buffer;
  /** Extra environment for this call only. */
  env?: Record<string, string>;
  /** Exit codes that are not failures (default: only 0). */
  okCodes?: number[];
  /** Resolve instead of rejecting when git is killed by a signal (the caller handles it). */
  allowSignal?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  /** stderr as text; paths in it are bytes read as latin1 (see rawPath.ts). */
  stderr: string;
  /** -1 when killed by a signal. */
  code: number;
  signal: NodeJS.Signals | null;
}

/**
 * Settings every call of ours runs with, whatever the user's config says. The ones that shape
 * the index matter most: our private index is never split (so no `sharedindex.*` file is ever
 * created, expired or deleted in the user's .git) and never sparse.
 */
export const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.splitIndex=false',
  'index.sparse=false',
  'gc.auto=0',
  'maintenance.auto=false',
  'core.quotePath=false',
  'commit.gpgSign=false',
  'color.ui=false',
  'advice.graftFileDeprecated=false',
];

const IDENTITY = {
  GIT_AUTHOR_NAME: 'BooCode Checkpoints',
  GIT_AUTHOR_EMAIL: 'checkpoints@boocode.invalid',
  GIT_COMMITTER_NAME: 'BooCode Checkpoints',
  GIT_COMMITTER_EMAIL: 'checkpoints@boocode.invalid',
};

/** The process environment minus every GIT_* variable, plus a fixed identity and C locale. */
let cleanedProcessEnv: Record<string, string> | null = null;

export function cleanGitEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // Reading process.env crosses into C++ for every variable: the process's own is cleaned once.
  if (source === process.env) return { ...(cleanedProcessEnv ??= cleanEnv(source)) };
  return cleanEnv(source);
}

function cleanEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || key.startsWith('GIT_')) continue;
    env[key] = value;
  }
  return { ...env, ...IDENTITY, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1' };
}

/**
 * The one place both ways of running git get their settings: our `Git` class (local plumbing,
 * stdin and binary output) and simple-git (remote work: push, fetch, ls-remote; see share/remoteGit.ts).
 */
export function gitSetup(sourceEnv: NodeJS.ProcessEnv = process.env, extra: { config?: string[]; env?: Record<string, string> } = {}): { env: Record<string, string>; config: string[] } {
  return { env: { ...cleanGitEnv(sourceEnv), ...extra.env }, config: [...SAFE_CONFIG, ...(extra.config ?? [])] };
}

export class Git {
  private readonly env: Record<string, string>;
  private readonly prefix: string[];

  constructor(
    /** The directory git runs in (the work tree). */
    readonly workTree: string,
    /** The git directory to use; given explicitly so git never searches upward. */
    readonly gitDir: string,
    sourceEnv: NodeJS.ProcessEnv = process.env,
    options: { config?: string[]; env?: Record<string, string> } = {},
  ) {
    const { env, config } = gitSetup(sourceEnv, options);
    this.env = env;
    this.prefix = [...config.flatMap((entry) => ['-c', entry]), `--git-dir=${gitDir}`, `--work-tree=${workTree}`];
  }

  run(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    return runGit(this.workTree, [...this.prefix, ...args], { ...this.env, ...options.env }, options);
  }

  /** A long-running git process fed through stdin as the caller goes (fast-import). */
  spawn(args: string[]): ChildProcessWithoutNullStreams {
    const started = TRACE ? performance.now() : 0;
    const child = spawn('git', [...this.prefix, ...args], { cwd: this.workTree, env: this.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    if (TRACE) child.on('close', () => process.stderr.write(`[boocode] ${(performance.now() - started).toFixed(1)} ms  git ${commandName(args)} (streamed)\n`));
    return child;
  }

  /** The command line and environment this runs git with (for a process of ours that runs git on its own). */
  invocation(): { args: string[]; env: Record<string, string> } {
    return { args: [...this.prefix], env: { ...this.env } };
  }

  /** stdout as UTF-8 with the trailing newline removed. */
  async text(args: string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    return result.stdout.toString('utf8').replace(/\n$/, '');
  }
}

/** Runs git without a fixed repository (discovery, init). */
export function runGit(cwd: string, args: string[], env: Record<string, string>, options: GitRunOptions = {}): Promise<GitResult> {
  const started = TRACE ? performance.now() : 0;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new BooError('git-failed', 'git was not found on PATH; install git 2.30 or later and try again.')
          : error,
      );
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all input; the exit code tells.
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('latin1');
      const result: GitResult = { stdout: Buffer.concat(out), stderr, code: code ?? -1, signal };
      if (TRACE) process.stderr.write(`[boocode] ${(performance.now() - started).toFixed(1)} ms  git ${commandName(args)} (at ${performance.now().toFixed(0)} ms)\n`);
      if ((options.okCodes ?? [0]).includes(result.code) || (signal && options.allowSignal)) resolve(result);
      else reject(gitError(args, result));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** BOOCODE_TRACE=1 prints each git call's duration on stderr. */
const TRACE = !!process.env.BOOCODE_TRACE;

/** With BOOCODE_TRACE, notes on stderr when a step of ours ends (milliseconds since the process started). */
export function traceMark(label: string): void {
  if (TRACE) process.stderr.write(`[boocode] ${label} (at ${performance.now().toFixed(0)} ms)\n`);
}

const commandName = (args: string[]) => {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return 'git';
};

/** The first meaningful line of git's stderr, readable and short (an error is one line, never pages). */
export function firstErrorLine(stderr: string, fallback: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const line = lines.find((candidate) => /^(fatal|error):/.test(candidate)) ?? lines[0] ?? fallback;
  const shown = displayPath(line.replace(/^(fatal|error): /, ''));
  return shown.length > 200 ? `${shown.slice(0, 199)}…` : shown;
}

export function gitError(args: string[], result: GitResult): BooError {
  const fallback = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  return new BooError('git-failed', `git ${commandName(args)} failed: ${firstErrorLine(result.stderr, fallback)}`);
}

/** Splits NUL-terminated git output into its fields (UTF-8 text; use splitRaw for paths). */
export function splitNul(buffer: Buffer | string): string[] {
  const text = typeof buffer === 'string' ? buffer : buffer.toString('utf8');
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Splits a list of arguments into groups whose total size stays far below the kernel's limit (E2BIG). */
export function chunkArgs(items: readonly string[], maxBytes = 64 * 1024): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    const length = Buffer.byteLength(item, 'latin1') + 1;
    if (current.length > 0 && size + length > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
