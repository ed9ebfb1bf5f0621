// Stages a restore's new contents before anything of the user's changes: every blob the plan needs
// is read from the object store (one `git cat-file --batch`, streamed, so memory stays bounded) and
// written to a temp file with its final permission bits, or a temp symlink. A blob that cannot be
// read stops the restore while nothing has changed; a temp file that cannot be written refuses
// that path alone.
import * as fs from 'fs';
import { BooError } from '../errors';
import { Git } from '../git';
import { displayPath, rawToBuffer } from '../rawPath';
import { KeptCode } from '../types';
import { refusalCode } from './diskState';
import { JournalOp } from './journal';

export async function stage(git: Git, ops: JournalOp[], filters: boolean): Promise<{ refused: { op: JournalOp; code: KeptCode }[] }> {
  const writes = ops.filter((op) => op.action === 'write' && op.temp && op.after);
  const refused: { op: JournalOp; code: KeptCode }[] = [];
  if (writes.length === 0) return { refused };
  // Older checkpoints stored what git's clean filters made: give them back as a checkout would.
  const args = filters ? ['cat-file', '--batch', '--filters'] : ['cat-file', '--batch'];
  const input = Buffer.concat(writes.map((op) => (filters ? Buffer.concat([Buffer.from(`${op.after!.blob} `), rawToBuffer(op.path), Buffer.from('\n')]) : Buffer.from(`${op.after!.blob}\n`))));
  let index = 0;
  await readBatch(git, args, input, (header, data) => {
    const op = writes[index++];
    if (/ missing$/.test(header)) throw new BooError('git-failed', `The checkpoint's copy of ${displayPath(op.path)} (${op.after!.blob.slice(0, 12)}) is missing from the repository; nothing was changed.`);
    const temp = Buffer.from(op.temp!, 'latin1');
    try {
      fs.rmSync(temp, { force: true });
      if (op.after!.mode === '120000') fs.symlinkSync(data, temp);
      else {
        const fd = fs.openSync(temp, 'wx', 0o600);
        try {
          fs.writeSync(fd, data);
          fs.fchmodSync(fd, op.finalPerm ?? 0o644);
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch (error) {
      const code = refusalCode(error);
      if (!code) throw error;
      fs.rmSync(temp, { force: true });
      refused.push({ op, code });
    }
  });
  if (index !== writes.length) throw new BooError('git-failed', 'git cat-file stopped before giving every file the restore needs; nothing was changed.');
  return { refused };
}

/** Runs `cat-file --batch`, calling `onObject` for each object as soon as it has arrived whole. */
function readBatch(git: Git, args: string[], input: Buffer, onObject: (header: string, data: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = git.spawn(args);
    // Chunks are kept in a list and joined only once an object is complete (no quadratic copying).
    let chunks: Buffer[] = [];
    let buffered = 0;
    let need = 0; // bytes of the current object's body still expected (0: waiting for a header)
    let header = '';
    let failed: unknown = null;
    const errors: Buffer[] = [];
    const take = (length: number): Buffer => {
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const out = all.subarray(0, length);
      const rest = all.subarray(length);
      chunks = rest.length ? [rest] : [];
      buffered = rest.length;
      return out;
    };
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed) return;
      chunks.push(chunk);
      buffered += chunk.length;
      try {
        for (;;) {
          if (need === 0) {
            const joined = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
            chunks = [joined];
            const newline = joined.indexOf(10);
            if (newline < 0) return;
            header = take(newline + 1).subarray(0, newline).toString('latin1');
            if (/ missing$| ambiguous$/.test(header)) {
              onObject(header, Buffer.alloc(0));
              continue;
            }
            need = Number(header.split(' ')[2]) + 1; // the body and its trailing newline
          }
          if (buffered < need) return;
          const body = take(need);
          need = 0;
          onObject(header, body.subarray(0, body.length - 1));
        }
      } catch (error) {
        failed = error;
        child.kill('SIGKILL');
      }
    });
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => {
      if (failed) reject(failed);
      else if (code !== 0) reject(new BooError('git-failed', `git cat-file failed: ${Buffer.concat(errors).toString('latin1').split('\n')[0] || `exit code ${code}`}; nothing was changed.`));
      else resolve();
    });
    child.stdin.end(input);
  });
}
