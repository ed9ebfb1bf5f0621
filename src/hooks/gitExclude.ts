// Keeping a personal hook config out of `git status` and out of commits: the file is named in the
// repository's own `info/exclude` (never in a committed .gitignore), and a config file that is
// already committed is never treated as personal. Plain git calls, no shell, paths as literals.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cleanGitEnv, SAFE_CONFIG } from '../core/git';

const MARK = '# boocode: personal agent hook config (boocode hooks uninstall removes this line)';

export interface RepoFacts {
  top: string;
  /** The common git dir (shared by worktrees), where info/exclude lives. */
  commonDir: string;
  /** This work tree's own git dir, where our state folder (and the hook log) lives. */
  gitDir: string;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string } {
  const env = { ...cleanGitEnv(process.env), GIT_LITERAL_PATHSPECS: '1' };
  const result = spawnSync('git', [...SAFE_CONFIG.flatMap((c) => ['-c', c]), ...args], { cwd, env, encoding: 'utf8', timeout: 10_000 });
  return { ok: result.status === 0, out: result.stdout ?? '' };
}

/** The repository a folder is in, or null for a plain folder. */
export function repoOf(dir: string): RepoFacts | null {
  if (!fs.existsSync(dir)) return null;
  const probe = git(dir, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--git-dir']);
  if (!probe.ok) return null;
  const [top, commonDir, gitDir] = probe.out.split('\n');
  return top && commonDir && gitDir ? { top, commonDir, gitDir } : null;
}

const relativeTo = (repo: RepoFacts, file: string) => path.relative(fs.realpathSync(repo.top), path.join(fs.realpathSync(path.dirname(file)), path.basename(file))).split(path.sep).join('/');

/** True when git tracks the file (it is committed or staged). */
export function isTracked(repo: RepoFacts, file: string): boolean {
  if (!fs.existsSync(path.dirname(file))) return false;
  const listed = git(repo.top, ['ls-files', '-z', '--', relativeTo(repo, file)]);
  return listed.ok && listed.out.length > 0;
}

/** The exclude pattern matching exactly this one path from the top (glob characters escaped). */
function patternOf(relative: string): string {
  return '/' + relative.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
}

function excludeFile(repo: RepoFacts): string {
  return path.join(repo.commonDir, 'info', 'exclude');
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

function writeLines(file: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.boocode-${process.pid}.tmp`;
  fs.writeFileSync(temp, lines.join('\n'));
  fs.renameSync(temp, file);
}

/** Names the file in info/exclude (once). The file must be inside the repository; it need not exist yet. */
export function excludeFromGit(repo: RepoFacts, file: string): void {
  const pattern = patternOf(relativeTo(repo, file));
  const target = excludeFile(repo);
  const lines = readLines(target);
  if (lines.includes(pattern)) return;
  const body = lines.length > 0 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
  writeLines(target, [...body, MARK, pattern, '']);
}

/** True when excludeFromGit named this file (our install created it). */
export function isExcludedByUs(repo: RepoFacts, file: string): boolean {
  const lines = readLines(excludeFile(repo));
  const at = lines.indexOf(patternOf(relativeTo(repo, file)));
  return at > 0 && lines[at - 1] === MARK;
}

/** Takes back what excludeFromGit added for this file. */
export function stopExcluding(repo: RepoFacts, file: string): void {
  const pattern = patternOf(relativeTo(repo, file));
  const target = excludeFile(repo);
  const lines = readLines(target);
  const at = lines.indexOf(pattern);
  if (at < 0) return;
  const from = at > 0 && lines[at - 1] === MARK ? at - 1 : at;
  writeLines(target, [...lines.slice(0, from), ...lines.slice(at + 1)]);
}
