// Whether a path on disk holds a given tree entry (mode and blob), cheaply when its stat still
// matches what we saw before, by hashing its bytes otherwise.
import * as fs from 'fs';
import { blobId, FileStamp, readEntry, sameStamp, stampOf } from '../fileState';
import { EntryState } from './plan';

export type ObjectFormat = 'sha1' | 'sha256';

export const kindOf = (mode: string): 'file' | 'link' => (mode === '120000' ? 'link' : 'file');

/** True when `full` is a file or symlink holding exactly `entry` (kind, exec bit, bytes). */
export function holds(full: Buffer, entry: EntryState, expect: FileStamp | null, format: ObjectFormat, stamp = stampOf(full)): boolean {
  if (!stamp || stamp.kind !== kindOf(entry.mode)) return false;
  if (stamp.kind === 'file' && (entry.mode === '100755') !== !!(stamp.mode & 0o100)) return false;
  if (expect && sameStamp(stamp, expect)) return true;
  try {
    return blobId(readEntry(full, stamp.kind), format) === entry.blob;
  } catch {
    return false;
  }
}

/** Same file, same bytes as far as the stat tells (ctime aside: a rename changes it). */
export const sameContentStamp = (a: FileStamp | null, b: FileStamp | null): boolean =>
  !!a && !!b && a.kind === b.kind && a.ino === b.ino && a.size === b.size && a.mtime === b.mtime && a.mode === b.mode;

/** Creates missing parent folders of `full` (bytes); false when something that is not a folder is in the way. */
export function makeParents(root: string, parents: Buffer[], modes: Map<string, number>): boolean {
  for (const folder of parents) {
    const stamp = stampOf(folder);
    if (stamp?.kind === 'dir') continue;
    if (stamp) return false;
    fs.mkdirSync(folder);
    const mode = modes.get(folder.toString('latin1'));
    if (mode !== undefined) fs.chmodSync(folder, mode);
  }
  return true;
}

/** Error codes that mean "this path cannot be written here", as opposed to a bug. */
export function refusalCode(error: unknown): 'unwritable' | 'name-too-long' | null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENAMETOOLONG') return 'name-too-long';
  if (code && ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EBUSY', 'ETXTBSY', 'EXDEV', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EEXIST', 'ELOOP', 'EMLINK'].includes(code)) return 'unwritable';
  return null;
}
