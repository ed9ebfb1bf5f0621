// Runs git as a child process with a clean environment: no inherited GIT_* variables (so an
// agent's GIT_DIR/GIT_INDEX_FILE can never redirect us), no hooks, no fsmonitor daemon, no
// auto-gc. Arguments go straight to execve: user text never passes through a shell.
import { spawn } from 'child_process';
import { BooError } from './errors';

export interface GitRunOptions {
  /** Written to git's stdin. */
  input?: string | Buffer;
  /** Extra environment for this call only (e.g. GIT_INDEX_FILE for our private index). */
  env?: Record<string, string>;
  /** Exit codes that are not failures (default: only 0). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
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
export function cleanGitEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || key.startsWith('GIT_')) continue;
    env[key] = value;
  }
  return { ...env, ...IDENTITY, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
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
  ) {
    this.env = cleanGitEnv(sourceEnv);
    this.prefix = [...SAFE_CONFIG.flatMap((entry) => ['-c', entry]), `--git-dir=${gitDir}`, `--work-tree=${workTree}`];
  }

  run(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    return runGit(this.workTree, [...this.prefix, ...args], { ...this.env, ...options.env }, options);
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
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const result = { stdout: Buffer.concat(out), stderr, code: code ?? -1 };
      if (TRACE) process.stderr.write(`[boocode] ${(performance.now() - started).toFixed(1)} ms  git ${commandName(args)}\n`);
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else reject(gitError(args, result));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** BOOCODE_TRACE=1 prints each git call's duration on stderr. */
const TRACE = !!process.env.BOOCODE_TRACE;

const commandName = (args: string[]) => args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? 'git';

function gitError(args: string[], result: GitResult): BooError {
  const command = commandName(args);
  const detail = result.stderr.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? `exit code ${result.code}`;
  return new BooError('git-failed', `git ${command} failed: ${detail}`);
}

/** Splits NUL-terminated git output into its fields. */
export function splitNul(buffer: Buffer | string): string[] {
  const text = typeof buffer === 'string' ? buffer : buffer.toString('utf8');
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
