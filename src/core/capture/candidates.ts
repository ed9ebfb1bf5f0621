// What each changed path is now, and its bytes: read once, checked for change while read, and
// classified so that one odd file (a FIFO, an unreadable file, a file being rewritten, a path
// behind a symlinked folder) is left out and reported while everything else is captured.
import * as fs from 'fs';
import { FileStamp, readEntry, sameStamp, stampOf } from '../fileState';
import { diskPath, parentsOf, RawPath } from '../rawPath';
import { SkipReason } from '../types';

export type Candidate =
  | { kind: 'delete'; path: RawPath; /** Still on disk (a skipped file, a path behind a symlink): git must drop it by force. */ force: boolean }
  | { kind: 'file' | 'link'; path: RawPath; mode: string; content: Buffer; stamp: FileStamp };

export interface Classified {
  candidates: Candidate[];
  skipped: { path: RawPath; reason: SkipReason; size?: number }[];
}

/** True when every existing parent folder of `relative` is a real folder (not a symlink or a file). */
export function parentsAreFolders(root: string, relative: RawPath, cache: Map<string, boolean>): boolean {
  for (const parent of parentsOf(relative)) {
    let real = cache.get(parent);
    if (real === undefined) {
      const stamp = stampOf(diskPath(root, parent));
      real = stamp === null || stamp.kind === 'dir';
      cache.set(parent, real);
    }
    if (!real) return false;
  }
  return true;
}

/**
 * Reads each path: its kind, mode and bytes. A file that changes while read is read again once;
 * if it changes again it is skipped (`changing`) rather than captured half-written.
 */
export function classify(root: string, paths: Iterable<RawPath>, maxFileBytes: number): Classified {
  const candidates: Candidate[] = [];
  const skipped: Classified['skipped'] = [];
  const parents = new Map<string, boolean>();
  const drop = (file: RawPath, reason: SkipReason, size?: number) => {
    skipped.push(size === undefined ? { path: file, reason } : { path: file, reason, size });
    candidates.push({ kind: 'delete', path: file, force: true });
  };
  for (const file of paths) {
    if (!parentsAreFolders(root, file, parents)) {
      candidates.push({ kind: 'delete', path: file, force: true });
      continue;
    }
    const full = diskPath(root, file);
    const read = readStable(full, maxFileBytes);
    switch (read.kind) {
      case 'gone':
      case 'dir':
        candidates.push({ kind: 'delete', path: file, force: read.kind === 'dir' });
        break;
      case 'skip':
        drop(file, read.reason, read.size);
        break;
      default: {
        const mode = read.kind === 'link' ? '120000' : read.stamp.mode & 0o100 ? '100755' : '100644';
        candidates.push({ kind: read.kind, path: file, mode, content: read.content, stamp: read.stamp });
      }
    }
  }
  return { candidates, skipped };
}

type Read =
  | { kind: 'gone' | 'dir' }
  | { kind: 'skip'; reason: SkipReason; size?: number }
  | { kind: 'file' | 'link'; content: Buffer; stamp: FileStamp };

function readStable(full: Buffer, maxFileBytes: number): Read {
  for (let attempt = 0; attempt < 2; attempt++) {
    const before = stampOf(full);
    if (!before) return { kind: 'gone' };
    if (before.kind === 'dir') return { kind: 'dir' };
    if (before.kind === 'other') return { kind: 'skip', reason: 'special-file' };
    if (before.kind === 'file' && before.size > maxFileBytes) return { kind: 'skip', reason: 'too-large', size: before.size };
    let content: Buffer;
    try {
      content = readEntry(full, before.kind);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'gone' };
      if (code === 'EISDIR') return { kind: 'dir' };
      if (code === 'EACCES' || code === 'EPERM' || code === 'EIO' || code === 'ENXIO' || code === 'ELOOP') return { kind: 'skip', reason: 'unreadable' };
      throw error;
    }
    const after = stampOf(full);
    if (sameStamp(before, after) && (before.kind === 'link' || content.length === before.size)) return { kind: before.kind, content, stamp: before };
  }
  return { kind: 'skip', reason: 'changing' };
}

/** The folder that keeps git from reading `reported` (itself, or the first parent we cannot enter). */
export function unreadableRoot(root: string, reported: RawPath): RawPath {
  const trimmed = (reported.endsWith('/') ? reported.slice(0, -1) : reported) as RawPath;
  for (const parent of [...parentsOf(trimmed), trimmed]) {
    try {
      fs.readdirSync(diskPath(root, parent));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EIO') return parent;
    }
  }
  return trimmed;
}
