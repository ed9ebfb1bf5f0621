// simple-git for the remote work (push, fetch, ls-remote): progress, timeouts and abort. It runs
// with the same clean environment and safe configuration as our `Git` class (gitSetup), and its
// guards are told exactly which of those settings and variables are ours to pass.
import { simpleGit, SimpleGit, SimpleGitProgressEvent } from 'simple-git';
import { BooError } from '../errors';
import { gitSetup } from '../git';
import { Workspace } from '../workspace';

export interface RemoteOptions {
  /** Give up when git has said nothing for this long (default 2 minutes). */
  timeoutMs?: number;
  onProgress?: (event: SimpleGitProgressEvent) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Settings for this call on top of the safe ones. */
  config?: string[];
}

const NEVER_NEEDED = ['EDITOR', 'VISUAL', 'PAGER', 'PREFIX'];

export function remoteGit(ws: Workspace, options: RemoteOptions = {}): SimpleGit {
  // GIT_DIR and GIT_WORK_TREE name the repository explicitly, as `--git-dir`/`--work-tree` do for `Git`.
  const { env, config } = gitSetup(options.env ?? process.env, { env: { GIT_DIR: ws.gitDir, GIT_WORK_TREE: ws.topLevel }, config: options.config });
  // Push and fetch never open an editor or a pager: those variables are dropped, not passed on.
  for (const key of NEVER_NEEDED) delete env[key];
  const git = simpleGit({
    baseDir: ws.topLevel,
    config,
    allowConfig: config.map((entry) => entry.slice(0, entry.indexOf('=')).toLowerCase()),
    // Ours (set above) and the person's own credential prompt, which an https or ssh remote may need.
    allowEnvironment: Object.keys(env).filter((key) => key.startsWith('GIT_') || key === 'SSH_ASKPASS'),
    timeout: { block: options.timeoutMs ?? 120_000 },
    progress: options.onProgress,
    abort: options.signal,
    maxConcurrentProcesses: 2,
  });
  return git.env(env);
}

/** The oldest git the remote work is tested with (the same floor as the rest of BooCode). */
const MINIMUM = { major: 2, minor: 30 };

/** Checks once per process that git is installed and new enough, through simple-git's own version task. */
let checked: Promise<void> | null = null;

export function checkGitVersion(git: SimpleGit): Promise<void> {
  checked ??= git.version().then((version) => {
    if (!version.installed) throw new BooError('git-failed', 'git was not found on PATH; install git 2.30 or later and try again.');
    if (version.major < MINIMUM.major || (version.major === MINIMUM.major && version.minor < MINIMUM.minor)) {
      throw new BooError('git-failed', `git ${version.major}.${version.minor} is too old to share sessions; install git 2.30 or later.`);
    }
  });
  return checked;
}
