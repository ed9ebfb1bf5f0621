// Reading files that come from elsewhere with an explicit cap: past it we stop and say which flag
// raises it, never read on silently and never cut a file short without saying so.
import * as fs from 'fs';
import { BooError } from '../errors';

/** The default cap on a session file (and on what an export may write). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

export function tooBig(what: string, size: number, cap: number): BooError {
  const mb = (bytes: number) => `${Math.ceil(bytes / (1024 * 1024))} MB`;
  return new BooError('refused', `${what} is ${size > cap ? 'over' : 'at'} ${mb(size)}, past the ${mb(cap)} limit; raise it with --max-size MB if you trust it. Nothing was changed.`);
}

/** The whole file, or a loud error once more than `cap` bytes have been read. */
export function readCapped(file: string, cap: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw new BooError('not-found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; check the path.`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > cap) throw tooBig(file, size, cap);
    const chunks: Buffer[] = [];
    let total = 0;
    // Read to the end, not to the size stat gave: a file still growing is caught by the cap too.
    for (;;) {
      const chunk = Buffer.allocUnsafe(1024 * 1024);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > cap) throw tooBig(file, total, cap);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** `--max-size MB` as bytes (default 512 MB). */
export function maxBytesOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new BooError('usage', `--max-size needs a whole number of megabytes, not ${JSON.stringify(value)}.`);
  return Number(value) * 1024 * 1024;
}
