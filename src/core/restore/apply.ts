// Applies a restore journal to the work tree, one compare-and-swap per path: immediately before a
// path changes, it must still hold what the safety checkpoint captured, or it is left as it is
// (someone wrote it during the restore: theirs wins, and it is reported). The old entry is moved
// aside first and checked again there, so a write that lands in between is never lost; the new one
// is linked in without overwriting anything that appeared meanwhile. The same code finishes an
// interrupted restore: a path already restored is recognised and skipped.
import * as fs from 'fs';
import * as path from 'path';
import { stampOf } from '../fileState';
import { diskPath, displayPath, parentsOf, RawPath } from '../rawPath';
import { KeptCode } from '../types';
import { holds, kindOf, ObjectFormat, refusalCode, sameContentStamp } from './diskState';
import { JournalOp, RestoreJournal } from './journal';

export interface ApplyContext {
  topLevel: string;
  /** The workspace folder: folders are never removed at or above it. */
  workspaceRoot: string;
  format: ObjectFormat;
  /** Permission bits of folders, as the target recorded them (top-level raw path → mode). */
  folderModes: Map<string, number>;
  /** Where moved-aside entries that changed after we moved them are kept, never deleted. */
  rescueDir: string;
  notice: (line: string) => void;
}

export interface Applied {
  modified: RawPath[];
  recreated: RawPath[];
  deleted: RawPath[];
  modeChanged: RawPath[];
  kept: { path: RawPath; code: KeptCode }[];
}

const buffer = (raw: string) => Buffer.from(raw, 'latin1');

export function applyJournal(journal: RestoreJournal, ctx: ApplyContext): Applied {
  const result: Applied = { modified: [], recreated: [], deleted: [], modeChanged: [], kept: [] };
  const skipped = new Set<JournalOp>();
  const keep = (op: JournalOp, code: KeptCode) => {
    skipped.add(op);
    result.kept.push({ path: op.path, code });
  };
  const full = (op: JournalOp) => diskPath(ctx.topLevel, op.path);
  /** Moved-aside entries and their stamp once moved: checked again before they are let go. */
  const asides = new Map<JournalOp, ReturnType<typeof stampOf>>();

  // 0. Entries an interrupted run moved aside.
  for (const op of journal.ops) {
    const aside = stampOf(buffer(op.aside));
    if (!aside) continue;
    const here = stampOf(full(op));
    if (!op.before || !holds(buffer(op.aside), op.before, null, ctx.format, aside)) {
      // Someone wrote to it after we moved it: those bytes are in no checkpoint. Put them back, or
      // keep them where people can find them.
      if (!here) fs.renameSync(buffer(op.aside), full(op));
      else rescue(op, ctx);
      keep(op, 'changed-during-restore');
      continue;
    }
    // It holds what the safety checkpoint has: the step goes on from here (a deletion is done, a
    // write installs its new content unless someone put a file there meanwhile).
    asides.set(op, aside);
    if (here && op.action === 'delete') keep(op, 'changed-during-restore');
  }

  // 1. Old entries out of the way: deletions, and files a write replaces.
  for (const op of journal.ops) {
    if (skipped.has(op) || op.action === 'chmod' || !op.before || asides.has(op)) continue;
    const target = full(op);
    const now = stampOf(target);
    if (op.after && holds(target, op.after, null, ctx.format, now)) continue; // done by an earlier run
    if (!now) continue; // already gone
    if (!holds(target, op.before, op.expect, ctx.format, now)) {
      keep(op, now.kind === 'dir' ? 'in-the-way' : 'changed-during-restore');
      continue;
    }
    try {
      fs.renameSync(target, buffer(op.aside));
    } catch (error) {
      keep(op, refusalCode(error) ?? 'unwritable');
      if (!refusalCode(error)) ctx.notice(`Could not move ${op.path} aside: ${(error as Error).message}`);
      continue;
    }
    const moved = stampOf(buffer(op.aside));
    if (!sameContentStamp(moved, now)) {
      // A write landed between our check and the move: give the path its new bytes back.
      putBack(op, ctx);
      keep(op, 'changed-during-restore');
      continue;
    }
    asides.set(op, moved);
  }
  for (const op of journal.ops) if (op.action === 'delete' && !skipped.has(op) && !stampOf(full(op))) result.deleted.push(op.path);

  // 2. Folders the deletions emptied, deepest first; never the workspace folder or above, never
  //    one a write is about to use.
  const writes = journal.ops.filter((op) => op.action === 'write' || op.action === 'mkdir');
  const needed = new Set(writes.flatMap((op) => [...(parentsOf(op.path) as string[]), ...(op.action === 'mkdir' ? [op.path as string] : [])]));
  const becomeFiles = new Set(writes.map((op) => op.path as string));
  const emptied = new Set(journal.ops.filter((op) => op.action === 'delete' || (op.before && op.after && kindOf(op.after.mode) !== kindOf(op.before.mode))).flatMap((op) => parentsOf(op.path) as string[]));
  for (const op of journal.ops) if (op.action === 'write' && !op.before) emptied.add(op.path); // a folder that becomes a file
  const rootDepth = path.relative(ctx.topLevel, ctx.workspaceRoot).split(path.sep).filter(Boolean).length;
  for (const folder of [...emptied].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1))) {
    // A folder the target records existed then (even empty): it stays.
    if (needed.has(folder) || (ctx.folderModes.has(folder) && !becomeFiles.has(folder)) || folder.split('/').length <= rootDepth) continue;
    try {
      fs.rmdirSync(diskPath(ctx.topLevel, folder));
    } catch {
      // not empty (ignored or kept files), or not ours to remove
    }
  }

  // 3. New entries in, parents first.
  for (const op of [...journal.ops].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (skipped.has(op) || op.action !== 'write' || !op.after || !op.temp) continue;
    const target = full(op);
    const now = stampOf(target);
    if (holds(target, op.after, null, ctx.format, now) && (op.finalPerm === null || (now!.mode & 0o7777) === op.finalPerm)) {
      (op.before ? result.modified : result.recreated).push(op.path);
      continue;
    }
    if (now) {
      keep(op, now.kind === 'dir' ? 'in-the-way' : 'changed-during-restore');
      continue;
    }
    try {
      if (!makeParents(ctx.topLevel, op.path, ctx.folderModes)) {
        keep(op, 'in-the-way');
        continue;
      }
      install(buffer(op.temp), target);
      (op.before ? result.modified : result.recreated).push(op.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') keep(op, 'changed-during-restore');
      else if (refusalCode(error)) keep(op, refusalCode(error)!);
      else throw error;
    }
  }

  // 3b. Empty folders the target recorded, made again.
  for (const op of journal.ops) {
    if (skipped.has(op) || op.action !== 'mkdir') continue;
    const target = full(op);
    const now = stampOf(target);
    if (now?.kind === 'dir') {
      result.recreated.push(op.path);
      continue;
    }
    if (now) {
      keep(op, 'in-the-way');
      continue;
    }
    try {
      if (!makeParents(ctx.topLevel, op.path, ctx.folderModes)) {
        keep(op, 'in-the-way');
        continue;
      }
      fs.mkdirSync(target, { mode: 0o700 });
      if (op.finalPerm !== null) fs.chmodSync(target, op.finalPerm);
      result.recreated.push(op.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') keep(op, 'changed-during-restore');
      else if (refusalCode(error)) keep(op, refusalCode(error)!);
      else throw error;
    }
  }

  // 4. Permission bits alone.
  for (const op of journal.ops) {
    if (skipped.has(op) || op.action !== 'chmod' || op.finalPerm === null) continue;
    const target = full(op);
    const now = stampOf(target);
    if (!now || now.kind === 'link' || !op.expect || now.ino !== op.expect.ino) continue;
    if ((now.mode & 0o7777) === op.finalPerm) {
      result.modeChanged.push(op.path);
      continue;
    }
    try {
      fs.chmodSync(target, op.finalPerm);
      result.modeChanged.push(op.path);
    } catch (error) {
      keep(op, refusalCode(error) ?? 'unwritable');
    }
  }

  // 5. The moved-aside entries are in the safety checkpoint: let them go, unless something wrote
  //    to them after we moved them (an editor holding the file open).
  for (const [op, moved] of asides) {
    const now = stampOf(buffer(op.aside));
    if (!now) continue;
    if (sameContentStamp(now, moved)) fs.rmSync(buffer(op.aside), { force: true });
    else rescue(op, ctx);
  }
  return result;
}

/** Links the staged file in; fails with EEXIST rather than overwrite anything that appeared meanwhile. */
function install(temp: Buffer, target: Buffer): void {
  try {
    fs.linkSync(temp, target);
    fs.rmSync(temp, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No hard links here (some filesystems): rename, after a last look that nothing is there.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EMLINK') throw error;
    if (stampOf(target)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    fs.renameSync(temp, target);
  }
}

function makeParents(topLevel: string, file: RawPath, modes: Map<string, number>): boolean {
  for (const folder of parentsOf(file)) {
    const full = diskPath(topLevel, folder);
    const stamp = stampOf(full);
    if (stamp?.kind === 'dir') continue;
    if (stamp) return false;
    fs.mkdirSync(full);
    const mode = modes.get(folder);
    if (mode !== undefined) fs.chmodSync(full, mode);
  }
  return true;
}

/** Puts a moved-aside entry back where it was, or keeps it safe if the path is taken again. */
function putBack(op: JournalOp, ctx: ApplyContext): void {
  try {
    fs.linkSync(buffer(op.aside), diskPath(ctx.topLevel, op.path));
    fs.rmSync(buffer(op.aside), { force: true });
  } catch {
    rescue(op, ctx);
  }
}

/** Keeps bytes that are in no checkpoint where people can find them, and says where. */
function rescue(op: JournalOp, ctx: ApplyContext): void {
  fs.mkdirSync(ctx.rescueDir, { recursive: true, mode: 0o700 });
  const destination = path.join(ctx.rescueDir, `${Date.now()}-${path.posix.basename(displayPath(op.path))}`);
  try {
    fs.renameSync(buffer(op.aside), destination);
  } catch {
    fs.copyFileSync(buffer(op.aside), destination);
    fs.rmSync(buffer(op.aside), { force: true });
  }
  ctx.notice(`${displayPath(op.path)} changed while it was being restored; the other version was kept at ${destination}.`);
}
