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
