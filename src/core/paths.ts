// Path rules for anything that comes from a checkpoint or from a user: relative, inside the
// workspace, never through `.git`, never through a symlinked folder.
import * as fs from 'fs';
import * as path from 'path';
import { BooError } from './errors';

/** lstat that answers null for a missing path (never follows a symlink). */
export function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

/** Validates a workspace-relative path given by a user (e.g. `boocode show ID PATH`). */
export function assertRelativePath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new BooError('invalid-path', 'Give a file path relative to the workspace folder.');
  }
  const posix = value.split(path.sep).join('/').replace(/^\.\//, '');
  const parts = posix.split('/');
  if (path.isAbsolute(value) || parts.some((part) => part === '..' || part === '') || parts[0] === '.git') {
    throw new BooError('invalid-path', `${JSON.stringify(value)} is not a path inside the workspace; give a relative path such as src/app.ts.`);
  }
  return parts.filter((part) => part !== '.').join('/');
}

/** True when `relative` is a plain path whose every component stays inside the work tree. */
export function isSafeTreePath(relative: string): boolean {
  if (!relative || relative.startsWith('/') || relative.includes('\0')) return false;
  return relative.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}

/**
 * Checks that no existing parent folder of `relative` under `root` is a symlink or a file, so
 * writing or deleting it cannot reach outside the workspace. Missing parents are fine.
 */
export function parentsAreRealFolders(root: string, relative: string): boolean {
  const parts = relative.split('/');
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return true;
    }
    if (!stat.isDirectory()) return false;
  }
  return true;
}

/** Joins a scope ('' or `sub/dir`) and a path relative to it. */
export function inScope(scope: string, relative: string): string {
  return scope ? `${scope}/${relative}` : relative;
}

/** The part of a top-level path inside `scope`, or null when it is outside. */
export function stripScope(scope: string, topLevelPath: string): string | null {
  if (!scope) return topLevelPath;
  return topLevelPath.startsWith(`${scope}/`) ? topLevelPath.slice(scope.length + 1) : null;
}

/**
 * Pathspecs limiting git to the workspace: its scope (a subfolder of the repository) minus the
 * user's exclude patterns (`boocode.checkpoints.exclude`, gitignore-like: `*.sqlite`, `data/`,
 * `/build`). Excluded files are never captured, listed as changed, or touched by a restore.
 */
export function workspacePathspecs(scope: string, exclude: readonly string[]): string[] {
  const specs = scope ? [`:(top,literal)${scope}`] : [];
  for (const raw of exclude) {
    const pattern = raw.trim();
    if (!pattern || pattern.startsWith('#') || pattern.startsWith('!')) continue;
    let glob = pattern.replace(/^\/+/, '').replace(/\/+$/, (slash) => (slash ? '/**' : ''));
    // Like .gitignore: a pattern with no inner slash matches at any depth.
    const anchored = pattern.startsWith('/') || pattern.replace(/\/+$/, '').includes('/');
    if (!anchored) glob = `**/${glob}`;
    specs.push(`:(top,exclude,glob)${scope ? `${scope}/` : ''}${glob}`);
  }
  return specs;
}
