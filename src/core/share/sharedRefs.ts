// Where shared sessions live in a repository and on a remote:
//   refs/boocode/shared/<user>/<session>/checkpoints/<checkpoint id>   the checkpoint commits
//   refs/boocode/shared/<user>/<session>/transcript                    a commit: manifest.json + transcript
// Outside refs/heads and refs/tags, so `git push --all`, `--tags` or `--mirror`-less pushes never send them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BooError } from '../errors';
import { assertSessionId } from '../ids';

export const SHARED_REFS = 'refs/boocode/shared/';

/** Session ids may hold ':' (not allowed in ref names): written as %3A, and '%' itself as %25. */
export function sessionComponent(id: string): string {
  return assertSessionId(id).replace(/%/g, '%25').replace(/:/g, '%3A');
}

export function sessionFromComponent(component: string): string {
  return component.replace(/%3A/g, ':').replace(/%25/g, '%');
}

const USER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function assertUser(value: string): string {
  if (!USER.test(value)) throw new BooError('usage', `${JSON.stringify(value.slice(0, 80))} is not a usable name for shared sessions (letters, digits, _ and -, at most 64).`);
  return value;
}

/** Who is sharing: --as NAME, else git's user.name (made ref-safe), else the login name. */
export function defaultUser(gitUserName: string | null): string {
  const slug = (text: string) => text.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 64);
  const fromGit = gitUserName ? slug(gitUserName) : '';
  if (fromGit) return fromGit;
  const login = slug(os.userInfo().username);
  return login || 'someone';
}

export function sessionPrefix(user: string, sessionId: string): string {
  return `${SHARED_REFS}${assertUser(user)}/${sessionComponent(sessionId)}/`;
}

/** `refs/boocode/shared/<user>/<session>/<rest>` split up, or null for anything else. */
export function parseSharedRef(ref: string): { user: string; sessionId: string; rest: string } | null {
  const match = /^refs\/boocode\/shared\/([^/]+)\/([^/]+)\/(.+)$/.exec(ref);
  return match ? { user: match[1], sessionId: sessionFromComponent(match[2]), rest: match[3] } : null;
}

/** A remote name or URL as the user gave it; never something git would read as an option. */
export function assertRemote(remote: string): string {
  if (!remote || remote.startsWith('-') || /[\0\n]/.test(remote)) throw new BooError('usage', `${JSON.stringify(remote.slice(0, 80))} is not a remote; give a remote name (see \`git remote -v\`) or URL.`);
  return remote;
}

/** False only when no shared ref can exist (no loose folder, none packed, no reftable): `list` need not ask git. */
export function hasSharedRefs(commonDir: string): boolean {
  if (fs.existsSync(path.join(commonDir, 'reftable')) || fs.existsSync(path.join(commonDir, 'refs', 'boocode', 'shared'))) return true;
  try {
    return fs.readFileSync(path.join(commonDir, 'packed-refs'), 'latin1').includes(` ${SHARED_REFS}`);
  } catch {
    return false;
  }
}
