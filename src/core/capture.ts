// Captures the work tree into a tree object through our private index. The index persists
// between checkpoints (seeded once from the repository's own index), so git's stat cache skips
// unchanged files and a capture costs about one `git status`; only changed files are hashed.
import * as fs from 'fs';
import * as path from 'path';
import { Git, splitNul } from './git';
import { lstatOrNull, workspacePathspecs } from './paths';
import { SkippedFile } from './types';
import { Workspace } from './workspace';

export interface CaptureResult {
  tree: string;
  skipped: SkippedFile[];
}

/** Creates the private index from the repository's own one the first time (a copy: never written). */
function seedIndex(ws: Workspace): void {
  if (fs.existsSync(ws.indexFile)) return;
  fs.mkdirSync(path.dirname(ws.indexFile), { recursive: true, mode: 0o700 });
  if (ws.realIndex && fs.existsSync(ws.realIndex)) {
    const temporary = `${ws.indexFile}.seed-${process.pid}`;
    fs.copyFileSync(ws.realIndex, temporary);
    fs.renameSync(temporary, ws.indexFile);
  }
}

interface Candidates {
  paths: string[];
  skipped: SkippedFile[];
}

/**
 * Reads `git status -z` against the private index: paths whose work-tree state differs from it.
 * Untracked folders come back whole (`dir/`), as git status lists them by default; the caller
 * expands them, which costs nothing on the usual turn that creates no new folder.
 */
export function parseStatus(output: Buffer): { paths: string[]; folders: string[] } {
  const paths: string[] = [];
  const folders: string[] = [];
  for (const entry of splitNul(output)) {
    const xy = entry.slice(0, 2);
    const file = entry.slice(3);
    const worktreeChanged = xy === '??' || (xy[1] !== ' ' && xy[1] !== undefined);
    if (!worktreeChanged) continue;
    (file.endsWith('/') ? folders : paths).push(file);
  }
  return { paths, folders };
}

/** Files inside new untracked folders; a folder that is itself a repository stays out, reported. */
async function expandFolders(git: Git, folders: string[], excludes: string[], env: Record<string, string>): Promise<Candidates> {
  if (folders.length === 0) return { paths: [], skipped: [] };
  const specs = [...folders.map((folder) => `:(top,literal)${folder}`), ...excludes];
  const listed = await git.run(['ls-files', '-z', '-o', '--exclude-standard', '--', ...specs], { env });
  const paths: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of splitNul(listed.stdout)) {
    if (file.endsWith('/')) skipped.push({ path: file.slice(0, -1), reason: 'nested-repository' });
    else paths.push(file);
  }
  return { paths, skipped };
}

/** Leaves files above the size limit out (reported), so they are never hashed into the store. */
function withoutLargeFiles(root: string, files: string[], maxFileBytes: number): Candidates {
  const paths: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    try {
      const stat = fs.lstatSync(path.join(root, file));
      if (stat.isFile() && stat.size > maxFileBytes) {
        skipped.push({ path: file, reason: 'too-large', size: stat.size });
        continue;
      }
    } catch {
      // Gone (deleted): update-index --remove records the deletion.
    }
    paths.push(file);
  }
  return { paths, skipped };
}

const UNREADABLE = /(?:open|read|lstat|readlink)\("(.+?)"\): (?:Permission denied|Input\/output error)|unable to (?:index|hash) file '?(.+?)'?$/m;

export interface CaptureOptions {
  maxFileBytes: number;
  /** The user's exclude patterns (see workspacePathspecs). */
  exclude: readonly string[];
}

export async function captureTree(git: Git, ws: Workspace, options: CaptureOptions): Promise<CaptureResult> {
  seedIndex(ws);
  const env = { GIT_INDEX_FILE: ws.indexFile };
  const specs = workspacePathspecs(ws.scope, options.exclude);
  const pathspec = specs.length ? ['--', ...specs] : [];
  // The untracked cache (kept in our index, never the user's) lets git skip reading folders whose
  // modification time has not changed: a checkpoint then costs less than the user's own `git status`.
  const status = await git.run(
    ['-c', 'core.untrackedCache=true', 'status', '--porcelain=v1', '-z', '--untracked-files=normal', '--no-renames', '--ignore-submodules=all', ...pathspec],
    { env },
  );
  const changed = parseStatus(status.stdout);
  // A tracked file replaced by a folder shows only as the file's deletion: list the folder too.
  const becameFolders = changed.paths.filter((file) => lstatOrNull(path.join(ws.topLevel, file))?.isDirectory());
  const expanded = await expandFolders(git, [...changed.folders, ...becameFolders], specs.filter((spec) => spec.includes('exclude')), env);
  const { paths, skipped } = withoutLargeFiles(ws.topLevel, [...changed.paths, ...expanded.paths], options.maxFileBytes);
  skipped.push(...expanded.skipped);
  let pending = paths;
  // An unreadable file must not cost the whole checkpoint: leave it out, report it, go on.
  while (pending.length > 0) {
    const result = await git.run(['update-index', '--add', '--remove', '-z', '--stdin'], {
      env,
      input: pending.join('\0') + '\0',
      okCodes: [0, 128],
    });
    if (result.code === 0) break;
    const match = UNREADABLE.exec(result.stderr);
    const bad = match ? path.relative(ws.topLevel, path.resolve(ws.topLevel, match[1] ?? match[2])) : null;
    if (!bad || !pending.includes(bad)) throw new Error(`git update-index failed: ${result.stderr.split('\n')[0]}`);
    skipped.push({ path: bad, reason: 'unreadable' });
    pending = pending.filter((file) => file !== bad);
  }
  if (paths.some((file) => file === '.gitignore' || file.endsWith('/.gitignore'))) await dropNewlyIgnored(git, ws, env);
  const tree = await git.text(['write-tree'], { env });
  return { tree, skipped };
}

/**
 * Once a file we captured as untracked becomes ignored, it leaves our index too, as it would be
 * invisible to the user's own git. Files the user really tracks stay (git tracks them regardless).
 */
async function dropNewlyIgnored(git: Git, ws: Workspace, env: Record<string, string>): Promise<void> {
  const ignored = splitNul((await git.run(['ls-files', '-z', '-c', '-i', '--exclude-standard'], { env })).stdout);
  if (ignored.length === 0) return;
  let tracked = new Set<string>();
  if (ws.realIndex && fs.existsSync(ws.realIndex)) {
    const listed = await git.run(['--literal-pathspecs', 'ls-files', '-z', '-c', '--', ...ignored], { env: { GIT_INDEX_FILE: ws.realIndex } });
    tracked = new Set(splitNul(listed.stdout));
  }
  const drop = ignored.filter((file) => !tracked.has(file));
  if (drop.length > 0) await git.run(['update-index', '--force-remove', '-z', '--stdin'], { env, input: drop.join('\0') + '\0' });
}
