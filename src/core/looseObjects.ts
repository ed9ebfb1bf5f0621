// Git's loose object format, read and written from Node. A checkpoint of a few changed files writes
// a handful of objects, and the checkpoint list reads one small commit per checkpoint: doing that in
// this process saves starting git (a process start costs more than the work). Everything here only
// ever answers "not here" (null) when git would be needed: packed objects, alternates, SHA-256
// repositories, group-shared permissions. The callers then run git as before.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { inflateSync, deflateSync } from 'zlib';

export type ObjectType = 'blob' | 'tree' | 'commit';

/** A loose object's type and body, or null when it is not a loose object of this store (or is damaged). */
export function readLooseObject(objectsDir: string, oid: string): { type: string; body: Buffer } | null {
  if (!/^[0-9a-f]{40}$/.test(oid)) return null;
  let data: Buffer;
  try {
    data = inflateSync(fs.readFileSync(path.join(objectsDir, oid.slice(0, 2), oid.slice(2))));
  } catch {
    return null;
  }
  const nul = data.indexOf(0);
  const header = nul < 0 ? '' : data.subarray(0, nul).toString('latin1');
  const match = /^(blob|tree|commit|tag) (\d+)$/.exec(header);
  if (!match || Number(match[2]) !== data.length - nul - 1) return null;
  return { type: match[1], body: data.subarray(nul + 1) };
}

/** The id git gives an object (SHA-1). */
export function objectId(type: ObjectType, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`, 'latin1').update(body).digest('hex');
}

/**
 * Writes a loose object as git does: deflated into a temporary file beside its final name, then
 * linked into place (an object that already exists is left as it is: same id, same bytes). Files
 * are read-only for their owner and new fan-out folders private, as `core.sharedRepository=0600`
 * makes git write them; the caller never uses this where the user set `core.sharedRepository`.
 */
export function writeLooseObject(objectsDir: string, type: ObjectType, body: Buffer): string {
  const oid = objectId(type, body);
  const dir = path.join(objectsDir, oid.slice(0, 2));
  const final = path.join(dir, oid.slice(2));
  if (fs.existsSync(final)) return oid;
  const temp = path.join(dir, `tmp_obj_boocode_${process.pid}_${Math.random().toString(36).slice(2, 10)}`);
  const data = deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`, 'latin1'), body]), { level: 1 });
  try {
    try {
      fs.writeFileSync(temp, data, { mode: 0o400, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The first object of its fan-out folder.
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(temp, data, { mode: 0o400, flag: 'wx' });
    }
  } catch (error) {
    fs.rmSync(temp, { force: true }); // a disk that filled up half-way leaves no temporary file
    throw error;
  }
  try {
    fs.linkSync(temp, final);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      // A filesystem without hard links: a rename is atomic too.
      fs.renameSync(temp, final);
      return oid;
    }
  }
  fs.unlinkSync(temp);
  return oid;
}

export interface TreeEntry {
  /** Git's mode text: 40000, 100644, 100755, 120000, 160000. */
  mode: string;
  /** The name's bytes, one character per byte (latin1). */
  name: string;
  oid: string;
}

export function parseTree(body: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const nul = body.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > body.length) throw new Error('damaged tree object');
    entries.push({ mode: body.subarray(at, space).toString('latin1'), name: body.subarray(space + 1, nul).toString('latin1'), oid: body.subarray(nul + 1, nul + 21).toString('hex') });
    at = nul + 21;
  }
  return entries;
}

const isTreeMode = (mode: string) => mode === '40000';

/** Git's tree order: bytewise, a folder's name compared as if it ended in '/'. */
function compareEntries(a: TreeEntry, b: TreeEntry): number {
  const x = isTreeMode(a.mode) ? `${a.name}/` : a.name;
  const y = isTreeMode(b.mode) ? `${b.name}/` : b.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function formatTree(entries: readonly TreeEntry[]): Buffer {
  const sorted = [...entries].sort(compareEntries);
  return Buffer.concat(sorted.flatMap((entry) => [Buffer.from(`${entry.mode} ${entry.name}\0`, 'latin1'), Buffer.from(entry.oid, 'hex')]));
}
