// Finds where a workspace's checkpoints live. In a git repository (or a linked worktree) we use
// its own object store and keep our files in its git directory; a plain folder gets a shadow git
// directory under the user's state directory, so no `.git` is ever created in the folder.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BooError } from './errors';
import { cleanGitEnv, runGit } from './git';
import { ensurePrivateDir, writePrivateFile } from './privateFiles';

export interface Workspace {
  /** Real path of the folder the user works in. */
  root: string;
  kind: 'git' | 'shadow';
  /** The work tree's git directory (a linked worktree has its own). */
  gitDir: string;
  /** Where objects, refs and the shared config live (the main git directory for a linked worktree). */
  commonDir: string;
  /** The work tree git runs on: the repository's top level, or the folder itself. */
  topLevel: string;
  /** `root` relative to `topLevel` in posix form; '' when they are the same. Capture and restore stay inside it. */
  scope: string;
  /** Recorded in each checkpoint so one worktree's (or folder's) checkpoint is never restored into another. */
  key: string;
  /** Our own files: private index, transcript, locks, activity. */
  stateDir: string;
  /** The private index that makes a checkpoint cost about one `git status`. */
  indexFile: string;
  /** The repository's own index, read once to seed ours (never written). */
  realIndex: string | null;
  /** HEAD's commit when the workspace was opened (null on an unborn branch or in a plain folder). */
  head: string | null;
}

export function defaultStateHome(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'boocode');
}

function checkFolder(dir: string, env: NodeJS.ProcessEnv): string {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    throw new BooError('no-folder', `Folder ${dir} does not exist; pass an existing workspace folder with -C DIR.`);
  }
  refuseHomeOrRoot(real, env);
  if (!fs.statSync(real).isDirectory()) {
    throw new BooError('no-folder', `${dir} is not a folder; pass a workspace folder with -C DIR.`);
  }
  try {
    fs.accessSync(real, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(real);
  } catch {
    throw new BooError('unreadable-folder', `Folder ${real} is not readable; check its permissions and try again.`);
  }
  return real;
}

/** The home folder and `/` are never workspaces: checkpointing them would capture a whole disk. */
export function refuseHomeOrRoot(real: string, env: NodeJS.ProcessEnv = process.env): void {
  const homes = [env.HOME, os.homedir()].filter((home): home is string => !!home).map((home) => {
    try {
      return fs.realpathSync(home);
    } catch {
      return path.resolve(home);
    }
  });
  if (real === path.parse(real).root || homes.includes(real)) {
    throw new BooError('refused', `Not checkpointing ${real}: it is your home folder or the filesystem root; open a project folder instead.`);
  }
}

/** Where git found the repository around a folder. */
export interface RepositoryProbe {
  topLevel: string;
  gitDir: string;
  commonDir: string;
  head: string | null;
}

function gitWorkspace(root: string, probe: RepositoryProbe): Workspace {
  const { topLevel, gitDir, commonDir } = probe;
  const scope = path.relative(topLevel, root).split(path.sep).join('/');
  const worktreeId = path.resolve(gitDir) === path.resolve(commonDir) ? 'main' : `worktree:${path.basename(gitDir)}`;
  const base = path.join(gitDir, 'boocode');
  const stateDir = scope ? path.join(base, 'scopes', hash(scope, 12)) : base;
  return {
    root,
    kind: 'git',
    gitDir,
    commonDir,
    topLevel,
    scope,
    key: scope ? `${worktreeId}:${scope}` : worktreeId,
    stateDir,
    indexFile: path.join(stateDir, 'index'),
    realIndex: path.join(gitDir, 'index'),
    head: probe.head,
  };
}

const readText = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** Settings that move the work tree or make the repository bare: left to git to interpret. */
const UNUSUAL_CONFIG = /^\s*(worktree\s*=|bare\s*=\s*true|\[\s*include)/im;

/**
 * The repository around `root`, read from `.git` the way git finds it: the common case (a work tree
 * with a `.git` folder or a linked worktree's `.git` file, owned by us, on one filesystem, HEAD a
 * loose or packed ref) costs a few file reads instead of starting git. Anything unusual answers
 * null and git itself is asked. Inherited GIT_* variables are ignored either way.
 */
export function discoverQuickly(root: string): RepositoryProbe | null {
  const uid = process.getuid?.();
  if (uid === undefined || root.split(path.sep).includes('.git')) return null;
  try {
    const device = fs.statSync(root).dev;
    for (let dir = root; ; dir = path.dirname(dir)) {
      const here = fs.statSync(dir);
      if (here.dev !== device) return null; // a filesystem boundary: git's own rules apply
      const dotGit = path.join(dir, '.git');
      let entry: fs.Stats | null = null;
      try {
        entry = fs.lstatSync(dotGit);
      } catch {
        // not here: a folder that is itself a git directory (bare) is git's to judge
        if (fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects'))) return null;
      }
      if (entry) {
        let gitDir: string;
        if (entry.isDirectory()) gitDir = dotGit;
        else if (entry.isFile()) {
          const match = /^gitdir: (.+?)\s*$/.exec(readText(dotGit) ?? '');
          if (!match) return null;
          gitDir = fs.realpathSync(path.resolve(dir, match[1]));
        } else return null;
        const common = readText(path.join(gitDir, 'commondir'));
        const commonDir = common === null ? gitDir : path.resolve(gitDir, common.trim());
        if (here.uid !== uid || fs.statSync(gitDir).uid !== uid || fs.statSync(commonDir).uid !== uid) return null;
        if (fs.existsSync(path.join(commonDir, 'reftable')) || !fs.existsSync(path.join(commonDir, 'objects'))) return null;
        const configs = [readText(path.join(commonDir, 'config')) ?? '', readText(path.join(gitDir, 'config.worktree')) ?? ''];
        if (configs.some((config) => UNUSUAL_CONFIG.test(config))) return null;
        const head = readHead(gitDir, commonDir);
        if (head === undefined) return null;
        return { topLevel: dir, gitDir, commonDir, head };
      }
      if (dir === path.dirname(dir)) return null;
    }
  } catch {
    return null;
  }
}

/** HEAD's commit (null: unborn branch), or undefined when it is anything but a plain ref or commit. */
function readHead(gitDir: string, commonDir: string): string | null | undefined {
  const head = (readText(path.join(gitDir, 'HEAD')) ?? '').trim();
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return head;
  const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').some((part) => part === '..' || part === '.' || part === '')) return undefined;
  const loose = readText(path.join(commonDir, ...ref.split('/')));
  if (loose !== null) return /^[0-9a-f]{40}([0-9a-f]{24})?\n?$/.test(loose) ? loose.trim() : undefined;
  const packed = readText(path.join(commonDir, 'packed-refs'));
  if (packed === null) return null;
  const line = packed.split('\n').find((candidate) => candidate.endsWith(` ${ref}`));
  return line ? line.split(' ')[0] : null;
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

export async function resolveWorkspace(dir: string, options: { stateHome?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Workspace> {
  const root = checkFolder(dir, options.env ?? process.env);
  const env = cleanGitEnv(options.env ?? process.env);
  const quick = discoverQuickly(root);
  if (quick) return gitWorkspace(root, quick);
  const probe = await runGit(
    root,
    // HEAD is asked for in the same call; on an unborn branch git echoes `HEAD` and exits 128.
    ['rev-parse', '--is-bare-repository', '--is-inside-git-dir', '--show-toplevel', '--absolute-git-dir', '--git-common-dir', 'HEAD'],
    env,
    { okCodes: [0, 128] },
  );
  const lines = probe.stdout.toString('utf8').split('\n');
  if (probe.code === 0 || (lines.length >= 6 && lines[5] === 'HEAD')) {
    const [bare, insideGitDir, topLevelRaw, gitDir, commonRaw, headRaw] = lines;
    if (bare === 'true' || insideGitDir === 'true' || !topLevelRaw) {
      throw new BooError('no-folder', `${root} is inside a git directory, not a work tree; open the project folder instead.`);
    }
    return gitWorkspace(root, {
      topLevel: fs.realpathSync(topLevelRaw),
      gitDir,
      commonDir: path.resolve(root, commonRaw),
      head: /^[0-9a-f]{40,64}$/.test(headRaw) ? headRaw : null,
    });
  }
  if (!/not a git repository/i.test(probe.stderr)) {
    throw new BooError('git-failed', `git cannot read ${root}: ${probe.stderr.split('\n')[0].trim()}`);
  }
  const home = path.join(options.stateHome ?? defaultStateHome(options.env ?? process.env), 'shadow', hash(root, 16));
  const gitDir = path.join(home, 'git');
  if (!fs.existsSync(path.join(gitDir, 'HEAD'))) {
    ensurePrivateDir(home);
    // --shared=0600: every object and file of the shadow repository is readable by its owner only.
    await runGit(home, ['init', '--bare', '--quiet', '--template=', '--shared=0600', gitDir], env);
    await runGit(home, ['--git-dir', gitDir, 'config', 'core.bare', 'false'], env);
    writePrivateFile(path.join(home, 'folder.txt'), `${root}\n`);
  }
  return {
    root,
    kind: 'shadow',
    gitDir,
    commonDir: gitDir,
    topLevel: root,
    scope: '',
    key: 'folder',
    stateDir: home,
    indexFile: path.join(home, 'index'),
    realIndex: null,
    head: null,
  };
}
