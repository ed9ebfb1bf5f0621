// What a restore must never touch, whatever the checkpoint says: paths ignored now (by any of
// git's sources) or by the restored checkpoint's own rules, anything inside a repository of its
// own, files outside the sparse-checkout cone, and files either checkpoint left out.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CaptureResult } from '../capture/capture';
import { parentsAreFolders } from '../capture/candidates';
import { CheckpointEngine, StoredCheckpoint } from '../engine';
import { stampOf } from '../fileState';
import { diskPath, isWithin, joinRaw, parentsOf, RawPath, rawToBuffer, splitRaw } from '../rawPath';
import { KeptCode } from '../types';
import { FileOp } from './plan';

export async function keepReasons(engine: CheckpointEngine, target: StoredCheckpoint, current: CaptureResult, ops: FileOp[]): Promise<Map<RawPath, KeptCode>> {
  const ws = engine.ws;
  const kept = new Map<RawPath, KeptCode>();
  const keep = (file: RawPath, code: KeptCode) => {
    if (!kept.has(file)) kept.set(file, code);
  };
  const scopePrefix = ws.scope ? `${ws.scope}/` : '';
  const targetSkipped = target.rawSkipped.map((file) => `${scopePrefix}${file.path}`);
  const currentSkipped = current.skipped.map((file) => file.path);
  const parentCache = new Map<string, boolean>();
  const repoCache = new Map<string, 'repo' | 'plain' | 'stop'>();

  for (const op of ops) {
    if (targetSkipped.some((skipped) => isWithin(op.path, skipped))) keep(op.path, 'not-in-checkpoint');
    else if (currentSkipped.some((skipped) => isWithin(op.path, skipped))) keep(op.path, 'not-backed-up');
    else if (insideNestedRepository(ws.topLevel, op.path, repoCache)) keep(op.path, 'nested-repository');
  }

  const open = ops.filter((op) => !kept.has(op.path));
  if (engine.repo.facts.sparseCheckout) {
    const outside = await engine.index.withUserIndex(async (git) => {
      const listed = splitRaw((await git.run(['ls-files', '-t', '-z'])).stdout);
      return new Set(listed.filter((entry) => entry.startsWith('S ')).map((entry) => entry.slice(2)));
    });
    for (const op of open) {
      if (outside.has(op.path) && !fs.existsSync(diskPath(ws.topLevel, op.path))) keep(op.path, 'outside-sparse-cone');
    }
  }

  // Ignored now, by .gitignore at any level, info/exclude or core.excludesFile (a file the user
  // tracks is never ignored). git refuses to check a path behind a symlinked folder: those are
  // handled when the restore replaces that symlink.
  const checkable = open.filter((op) => !kept.has(op.path) && op.action !== 'chmod' && parentsAreFolders(ws.topLevel, op.path, parentCache));
  // A file the restored checkpoint's own rules ignored existed then, untracked and not captured:
  // deleting it now would destroy what was there at the checkpoint. Both checks run side by side.
  const deletions = open.filter((op) => !kept.has(op.path) && op.action === 'delete');
  const [ignoredNow, ignoredThen] = await Promise.all([
    checkable.length > 0 ? ignoredUntracked(engine, checkable.map((op) => op.path)) : new Set<RawPath>(),
    deletions.length > 0 ? ignoredByCheckpoint(engine, target, current.tree, deletions.map((op) => op.path)) : [],
  ]);
  for (const op of checkable) if (ignoredNow.has(op.path)) keep(op.path, 'ignored');
  for (const file of ignoredThen) keep(file, 'ignored-by-checkpoint');
  return kept;
}

/**
 * Of `paths`, those ignored now and not tracked by the user. The rules alone are checked first
 * (cheap: no index is read); only paths they match are checked against the user's index.
 */
async function ignoredUntracked(engine: CheckpointEngine, paths: RawPath[]): Promise<Set<RawPath>> {
  const rules = engine.repo.captureGit(path.join(engine.repo.dir, 'no-index'));
  const matched = splitRaw((await rules.run(['check-ignore', '--no-index', '-z', '--stdin'], { input: joinRaw(paths), okCodes: [0, 1] })).stdout);
  if (matched.length === 0) return new Set();
  return engine.index.withUserIndex(async (git) => {
    const result = await git.run(['check-ignore', '-z', '--stdin'], { input: joinRaw(matched), okCodes: [0, 1] });
    return new Set(splitRaw(result.stdout));
  });
}

/**
 * True when a real folder between the top level and `file` (or `file` itself) holds a `.git` of its
 * own. Nothing is followed through a symlink: a symlinked folder is one the restore replaces.
 */
function insideNestedRepository(topLevel: string, file: RawPath, cache: Map<string, 'repo' | 'plain' | 'stop'>): boolean {
  for (const folder of [...parentsOf(file), file]) {
    let kind = cache.get(folder);
    if (kind === undefined) {
      const full = diskPath(topLevel, folder);
      kind = stampOf(full)?.kind !== 'dir' ? 'stop' : stampOf(Buffer.concat([full, Buffer.from('/.git')])) ? 'repo' : 'plain';
      cache.set(folder, kind);
    }
    if (kind === 'repo') return true;
    if (kind === 'stop') return false;
  }
  return false;
}

/** Of `paths`, those the target checkpoint's .gitignore files ignore (only when its rules differ from now). */
async function ignoredByCheckpoint(engine: CheckpointEngine, target: StoredCheckpoint, currentTree: string, paths: RawPath[]): Promise<RawPath[]> {
  const git = engine.git;
  const rulesDiffer = await git.run(['diff-tree', '-r', '-z', '--name-only', currentTree, target.commit, '--', ':(glob)**/.gitignore']);
  if (rulesDiffer.stdout.length === 0) return [];
  const listed = await git.run(['ls-tree', '-r', '-z', target.commit]);
  const entries = splitRaw(listed.stdout)
    .map((line) => {
      const tab = line.indexOf('\t');
      return { blob: line.slice(0, tab).split(' ')[2], path: line.slice(tab + 1) as RawPath };
    })
    .filter((entry) => entry.path === '.gitignore' || entry.path.endsWith('/.gitignore'));
  // The checkpoint's ignore files, laid out in a scratch work tree that git checks the paths against.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-rules-'));
  try {
    const contents = await git.run(['cat-file', '--batch'], { input: entries.map((entry) => entry.blob).join('\n') + '\n' });
    let offset = 0;
    for (const entry of entries) {
      const newline = contents.stdout.indexOf(10, offset);
      const size = Number(contents.stdout.subarray(offset, newline).toString('latin1').split(' ')[2]);
      const data = contents.stdout.subarray(newline + 1, newline + 1 + size);
      offset = newline + 1 + size + 1;
      const file = Buffer.concat([Buffer.from(`${scratch}/`), rawToBuffer(entry.path)]);
      fs.mkdirSync(Buffer.concat([Buffer.from(`${scratch}/`), rawToBuffer(path.posix.dirname(entry.path))]), { recursive: true });
      fs.writeFileSync(file, data);
    }
    const checker = engine.repo.ruleChecker(scratch);
    const result = await checker.run(['check-ignore', '--no-index', '-z', '--stdin'], { input: joinRaw(paths), okCodes: [0, 1] });
    return splitRaw(result.stdout);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
