// A checkpoint commit with its recorded metadata changed (its workspace, session or ids), every
// other byte kept: same tree, parent, author, committer and dates, so the same input always
// gives the same commit id (importing twice writes nothing new).
import { BooError } from '../errors';
import { META_PREFIX } from '../engine';

export interface RecordedFields {
  id: string;
  session: string | null;
  anchor: string | null;
  workspace: string;
  [key: string]: unknown;
}

export function parseCheckpointCommit(raw: Buffer): { headers: string; fields: RecordedFields; message: string } {
  const text = raw.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  if (/^gpgsig/m.test(headers)) throw new BooError('refused', 'A signed commit is not a BooCode checkpoint.');
  const line = message.split('\n').find((candidate) => candidate.startsWith(META_PREFIX));
  if (!line) throw new BooError('refused', 'A commit in the bundle is not a BooCode checkpoint.');
  return { headers, fields: JSON.parse(line.slice(META_PREFIX.length)) as RecordedFields, message };
}

export function rewriteCheckpointCommit(raw: Buffer, change: (fields: RecordedFields) => RecordedFields, title?: string): Buffer {
  const { headers, fields, message } = parseCheckpointCommit(raw);
  const lines = message.split('\n').map((line) => (line.startsWith(META_PREFIX) ? META_PREFIX + JSON.stringify(change(fields)) : line));
  if (title !== undefined) lines[0] = title;
  return Buffer.from(`${headers}\n\n${lines.join('\n')}`, 'utf8');
}

export function treeOf(raw: Buffer): string {
  const tree = /^tree ([0-9a-f]+)$/m.exec(raw.toString('utf8'));
  if (!tree) throw new BooError('refused', 'A commit in the bundle has no tree.');
  return tree[1];
}

export function parentOf(raw: Buffer): string | null {
  return /^parent ([0-9a-f]+)$/m.exec(raw.toString('utf8'))?.[1] ?? null;
}

/** What a checkpoint commit says of the conversation (its title, prompt and label) removed, for an encrypted share. */
export function redactCheckpointCommit(raw: Buffer): Buffer {
  return rewriteCheckpointCommit(raw, (fields) => ({ ...fields, prompt: null, label: null }), 'BooCode: checkpoint');
}

/** A path recorded in foreign metadata: relative, inside the workspace, never into `.git`. */
function safeRecordedPath(value: unknown): boolean {
  if (typeof value !== 'string' || value === '' || value.includes('\0') || value.startsWith('/')) return false;
  const parts = value.split('/');
  return parts.every((part) => part !== '' && part !== '.' && part !== '..') && parts[0] !== '.git';
}

const isPerm = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0o7777;

/**
 * Why metadata from elsewhere cannot be trusted by a restore here (a path that leaves the
 * workspace, a mode that is not one), or null. A restore creates the empty folders and sets the
 * modes it names, so they are checked before a checkpoint from another machine is let in.
 */
export function unsafeMetadata(fields: RecordedFields): string | null {
  // The kind is not checked against today's list: newer versions add kinds, and a restore does not act on it.
  if (fields.v !== 2 || typeof fields.kind !== 'string' || !Number.isInteger(fields.createdAt)) return 'its metadata is not of this BooCode version';
  const pairs = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : value === undefined || value === null ? [] : null);
  for (const key of ['modes', 'emptyFolders'] as const) {
    const list = pairs(fields[key]);
    if (!list) return `its ${key} are not a list`;
    for (const entry of list) {
      if (!Array.isArray(entry) || !safeRecordedPath(entry[0]) || !isPerm(entry[1])) return `its metadata names a path outside the workspace or a bad mode (${JSON.stringify(entry).slice(0, 80)})`;
    }
  }
  const skipped = pairs(fields.skipped);
  if (!skipped || skipped.some((entry) => !safeRecordedPath((entry as { path?: unknown })?.path))) return 'its list of left-out files names a path outside the workspace';
  if (fields.umask !== undefined && fields.umask !== null && !isPerm(fields.umask)) return 'its umask is not one';
  return null;
}
