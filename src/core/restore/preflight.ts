// Before a restore changes anything, every step is checked: the file still holds what the safety
// checkpoint captured (else someone changed it: theirs is kept), no symlinked folder or file is in
// the way that the restore does not itself replace, the folder can be written, the name fits the
// filesystem. A step that cannot be done safely is refused for that path and reported.
import * as fs from 'fs';
import * as path from 'path';
import { parentsAreFolders } from '../capture/candidates';
import { FileStamp, readEntry, blobId, sameStamp, stampOf } from '../fileState';
import { diskPath, parentsOf, RawPath } from '../rawPath';
import { KeptCode } from '../types';
import { kindOf, ObjectFormat } from './diskState';
import { JournalOp } from './journal';
import { FileOp } from './plan';

const PATH_MAX = 4095;
const NAME_MAX = 255;

export interface Preflight {
  ops: JournalOp[];
  kept: { path: RawPath; code: KeptCode }[];
  /** Permission bits of every path the restore touches as they are now (completes the safety checkpoint). */
  currentModes: Map<RawPath, number>;
  /** Empty folders the restore removes to put a file there: the safety checkpoint records them, so undo makes them again. */
  emptyFolders: [RawPath, number][];
}

export function preflight(topLevel: string, stagingDir: string, txId: string, plan: FileOp[], format: ObjectFormat, umask: number): Preflight {
  const kept: Preflight['kept'] = [];
  const ops: JournalOp[] = [];
  const currentModes = new Map<RawPath, number>();
  const emptyFolders: [RawPath, number][] = [];
  const parentCache = new Map<string, boolean>();
  const stagingDev = deviceOf(path.dirname(stagingDir));
  // Paths the restore itself removes: a symlink or file standing where a folder must go is one of them.
  const removed = new Set(plan.filter((op) => op.before && op.action !== 'chmod').map((op) => op.path as string));
  let n = 0;
  for (const op of plan) {
    const full = diskPath(topLevel, op.path);
    const refuse = (code: KeptCode) => kept.push({ path: op.path, code });
    if (full.length > PATH_MAX || op.path.split('/').some((part) => part.length > NAME_MAX)) {
      refuse('name-too-long');
      continue;
    }
    const behindLink = !parentsAreFolders(topLevel, op.path, parentCache);
    if (behindLink && !parentsOf(op.path).some((parent) => removed.has(parent))) {
      refuse('in-the-way');
      continue;
    }
    // Behind a symlink or file the restore removes first: the path is not there (never look through it).
    const check = behindLink ? { stamp: null } : checkNow(full, op, format);
    if (check.refusal) {
      refuse(check.refusal);
      continue;
    }
    if (op.action === 'mkdir') {
      if (check.stamp?.kind === 'dir') continue; // already there
      if (check.stamp && !removed.has(op.path)) {
        refuse('in-the-way');
        continue;
      }
    } else if (check.stamp && check.stamp.kind !== 'dir') currentModes.set(op.path, check.stamp.mode);
    else if (check.stamp?.kind === 'dir' && op.action === 'write' && isEmptyFolder(full)) emptyFolders.push([op.path, check.stamp.mode]);
    // Folders around the path as they are now: the safety checkpoint records them, so undoing the
    // restore keeps a folder that existed (even empty) and gives a recreated one its mode back.
    for (const parent of parentsOf(op.path)) {
      if (currentModes.has(parent)) continue;
      const folder = stampOf(diskPath(topLevel, parent));
      if (folder?.kind === 'dir') currentModes.set(parent, folder.mode);
    }
    if (op.action === 'chmod' && (!check.stamp || (check.stamp.mode & 0o7777) === op.perm)) continue; // nothing to do
    if (!writable(topLevel, op.path)) {
      refuse('unwritable');
      continue;
    }
    const index = n++;
    // Staged files and moved-aside entries must be on the same filesystem as the path (renames and
    // links cannot cross one): the staging folder when it is, else a temp name next to the path.
    const home = nearestExisting(topLevel, op.path);
    const parentDev = deviceOf(home);
    const local = (suffix: string) => Buffer.concat([home, Buffer.from(`/.boocode-${txId}-${suffix}${index}`)]).toString('latin1');
    const sameDevice = stagingDev !== null && parentDev === stagingDev;
    ops.push({
      ...op,
      expect: check.stamp,
      finalPerm: op.action === 'chmod' || op.action === 'mkdir' ? op.perm : finalPerm(op, check.stamp, umask),
      temp: op.action === 'write' ? (sameDevice ? path.join(stagingDir, `t${index}`) : local('t')) : null,
      aside: sameDevice ? path.join(stagingDir, `a${index}`) : local('a'),
    });
  }
  return { ops, kept, currentModes, emptyFolders };
}

function isEmptyFolder(full: Buffer): boolean {
  try {
    return fs.readdirSync(full).length === 0;
  } catch {
    return false;
  }
}

/** The path as it is now against what the safety checkpoint holds; a stamp to compare with later. */
function checkNow(full: Buffer, op: FileOp, format: ObjectFormat): { stamp: FileStamp | null; refusal?: KeptCode } {
  for (let attempt = 0; attempt < 2; attempt++) {
    const stamp = stampOf(full);
    if (op.action === 'chmod') return { stamp: stamp && stamp.kind !== 'link' ? stamp : null };
    if (op.action === 'mkdir') return { stamp };
    if (!op.before) {
      // Nothing there at the capture: a file there now was created since (keep it); a folder is
      // fine when the restore empties it (a folder that becomes a file).
      if (stamp && stamp.kind !== 'dir') return { stamp, refusal: 'changed-during-restore' };
      return { stamp };
    }
    if (!stamp || stamp.kind !== kindOf(op.before.mode)) return { stamp, refusal: 'changed-during-restore' };
    let content: Buffer;
    try {
      content = readEntry(full, stamp.kind as 'file' | 'link');
    } catch {
      return { stamp, refusal: 'unwritable' };
    }
    if (!sameStamp(stamp, stampOf(full))) continue;
    if (blobId(content, format) !== op.before.blob) return { stamp, refusal: 'changed-during-restore' };
    return { stamp };
  }
  return { stamp: null, refusal: 'changed-during-restore' };
}

/** The new file's permission bits: as recorded, else as the file has them now (exec bit set as the tree says), else a checkout's. */
function finalPerm(op: FileOp, now: FileStamp | null, umask: number): number | null {
  if (!op.after || op.after.mode === '120000') return null;
  if (op.perm !== null) return op.perm;
  const exec = op.after.mode === '100755';
  if (now && now.kind === 'file') {
    const base = now.mode & 0o777;
    return exec ? base | ((base & 0o444) >> 2) : base & ~0o111;
  }
  return (exec ? 0o777 : 0o666) & ~umask;
}

function nearestExisting(topLevel: string, file: RawPath): Buffer {
  const parents = parentsOf(file);
  for (let i = parents.length - 1; i >= 0; i--) {
    const full = diskPath(topLevel, parents[i]);
    if (stampOf(full)?.kind === 'dir') return full;
  }
  return Buffer.from(topLevel);
}

/** The folder that will hold `file` (or its nearest existing ancestor) can be written and entered. */
function writable(topLevel: string, file: RawPath): boolean {
  try {
    fs.accessSync(nearestExisting(topLevel, file), fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function deviceOf(full: Buffer | string): number | null {
  try {
    return fs.statSync(full).dev;
  } catch {
    return null;
  }
}
