// The append-only journal beside the transcript database. Small writes go here, fsync'd, so a
// write that returned survives `kill -9`; the database file is only ever replaced whole.
// Layout: a header line `{"journal":1,"generation":"…"}`, then one line per operation:
// `<8 hex of sha1(json)> <json>`. A torn last line (a crash mid-append) was never acknowledged
// and is cut off before the next append.
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Op } from './ops';

export interface JournalRead {
  generation: string | null;
  ops: Op[];
  /** Byte offset just past the last complete, valid line. */
  end: number;
  /** Lines that failed their checksum before the end (damage, not a torn tail). */
  damaged: number;
}

const checksum = (json: string) => createHash('sha1').update(json).digest('hex').slice(0, 8);

export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` to `file` whole: temp file, fsync, rename, fsync the folder. */
export function replaceFile(file: string, data: Uint8Array | string): void {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(path.dirname(file));
}

export function newJournal(file: string): string {
  const generation = randomBytes(8).toString('hex');
  replaceFile(file, JSON.stringify({ journal: 1, generation }) + '\n');
  return generation;
}

/** Reads the journal from `from` (0 = from the start, header included). */
export function readJournal(file: string, from = 0, knownGeneration: string | null = null): JournalRead {
  let data: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      data = Buffer.alloc(Math.max(0, size - from));
      fs.readSync(fd, data, 0, data.length, from);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { generation: null, ops: [], end: 0, damaged: 0 };
  }
  let generation = knownGeneration;
  const ops: Op[] = [];
  let offset = 0;
  let damaged = 0;
  let pendingBad = 0;
  for (;;) {
    const newline = data.indexOf(10, offset);
    if (newline < 0) break; // A torn tail: never acknowledged.
    const line = data.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    if (from === 0 && generation === null && line.startsWith('{')) {
      try {
        generation = String(JSON.parse(line).generation);
      } catch {
        damaged++;
      }
      continue;
    }
    const space = line.indexOf(' ');
    const json = line.slice(space + 1);
    if (space !== 8 || checksum(json) !== line.slice(0, 8)) {
      pendingBad++;
      continue;
    }
    damaged += pendingBad;
    pendingBad = 0;
    ops.push(JSON.parse(json) as Op);
  }
  return { generation, ops, end: from + offset, damaged };
}

/** Appends operations and fsyncs before returning. Cuts a torn tail off first. */
export async function appendJournal(file: string, ops: Op[]): Promise<number> {
  const fd = fs.openSync(file, 'r+', 0o600);
  try {
    let size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 10) {
        size = lastNewlineBefore(fd, size);
        fs.ftruncateSync(fd, size);
      }
    }
    const text = ops.map((op) => {
      const json = JSON.stringify(op);
      return `${checksum(json)} ${json}\n`;
    }).join('');
    const buffer = Buffer.from(text, 'utf8');
    fs.writeSync(fd, buffer, 0, buffer.length, size);
    // Off the main thread: a turn's checkpoint runs git meanwhile. The caller holds the lock throughout.
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
    return size + buffer.length;
  } finally {
    fs.closeSync(fd);
  }
}

function lastNewlineBefore(fd: number, size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 1 << 20));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const length = end - start;
    fs.readSync(fd, chunk, 0, length, start);
    const index = chunk.subarray(0, length).lastIndexOf(10);
    if (index >= 0) return start + index + 1;
    end = start;
  }
  return 0;
}
