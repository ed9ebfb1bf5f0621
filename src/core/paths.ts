// Path rules for what a user gives: a path relative to the workspace, never through `.git`; and
// the pathspecs that limit git to the workspace.
import * as path from 'path';
import { BooError } from './errors';

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
