// What a file on disk is right now, cheaply comparable: used to notice a file that changes while
// we read it, and by a restore to check that a file still holds what the safety checkpoint saw.
import { createHash } from 'crypto';
import * as fs from 'fs';

export interface FileStamp {
  kind: 'file' | 'link' | 'dir' | 'other';
  ino: string;
  size: number;
  mtime: string;
  ctime: string;
  /** Permission bits (and setuid/setgid/sticky). */
  mode: number;
}

export function stampOf(full: Buffer | string): FileStamp | null {
  let stat: fs.BigIntStats;
  try {
    stat = fs.lstatSync(full, { bigint: true });
  } catch {
    return null;
  }
  const kind = stat.isFile() ? 'file' : stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'other';
  return { kind, ino: String(stat.ino), size: Number(stat.size), mtime: String(stat.mtimeNs), ctime: String(stat.ctimeNs), mode: Number(stat.mode & 0o7777n) };
}

export const sameStamp = (a: FileStamp | null, b: FileStamp | null): boolean =>
  a === b || (!!a && !!b && a.kind === b.kind && a.ino === b.ino && a.size === b.size && a.mtime === b.mtime && a.ctime === b.ctime && a.mode === b.mode);

/** A stamp as one comparable string (kept between runs). */
export const stampKey = (stamp: FileStamp | null): string =>
  stamp ? `${stamp.kind}:${stamp.ino}:${stamp.size}:${stamp.mtime}:${stamp.ctime}:${stamp.mode}` : 'none';

/**
 * git compares ctimes to the second: a chmod in the same second as the index learnt the file's stat
 * would go unseen. True for a stamp that recent (two seconds, for coarse or skewed clocks).
 */
export const isRacy = (stamp: FileStamp, nowMs = Date.now()): boolean => BigInt(stamp.ctime) / 1_000_000_000n >= BigInt(Math.floor(nowMs / 1000) - 2);

/** The object id git gives these bytes as a blob. */
export function blobId(content: Buffer, format: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(format).update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** The bytes a file or symlink holds as git stores them (a symlink: its target). */
export function readEntry(full: Buffer, kind: 'file' | 'link'): Buffer {
  return kind === 'link' ? (fs.readlinkSync(full, { encoding: 'buffer' }) as Buffer) : fs.readFileSync(full);
}

/** The process umask, read without changing it (process.umask() with no argument is deprecated). */
export function currentUmask(): number {
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return parseInt(match[1], 8);
  } catch {
    // not Linux
  }
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}
