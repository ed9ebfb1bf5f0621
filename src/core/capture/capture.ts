// Captures the work tree into a commit. `diff-files` and `ls-files -o` against our private index
// find what changed (the stat cache makes that cost about one `git status`); those files are read
// once, byte for byte, and streamed with the previous tree into fast-import, which writes only the
// changed trees and the commit. The index is brought up to date in parallel (or, for a few small
// changes, left for the next capture to see again). Every file git or the disk will not give us is
// left out and reported, never the whole checkpoint.
import * as fs from 'fs';
import * as path from 'path';
import { describeError } from '../errors';
import { chunkArgs, Git, traceMark } from '../git';
import { PrivateRepo } from '../privateRepo';
import { diskPath, isWithin, joinRaw, matchesPathspec, parentsOf, pathspecFor, RawPath, rawFromText, splitRaw } from '../rawPath';
import { FileStamp, isRacy, sameStamp, stampKey, stampOf } from '../fileState';
import { SkipReason } from '../types';
import { Workspace } from '../workspace';
import { Candidate, classify, unreadableRoot } from './candidates';
import { decodeModes, encodeModes, forgetUnder, ModeManifest, noteMode } from './modes';
import { IndexState, PrivateIndex, SEEDED } from './privateIndex';
import { isBrokenIndexError, isMissingObjectError, parseStatus, StatusReport } from './status';
import { catchUpFile, startBackground, sweepPending, takeSweepReport } from './modeSweep';
import { writePrivateFile } from '../privateFiles';
import { TreeWriter } from './treeWriter';
import { writeLooseCommit } from './looseCommit';

export interface RawSkipped {
  path: RawPath;
  reason: SkipReason;
  size?: number;
}

export interface CaptureContext {
  ws: Workspace;
  repo: PrivateRepo;
  index: PrivateIndex;
  maxFileBytes: number;
  /** The user's exclude patterns (`boocode.checkpoints.exclude`). */
  exclude: readonly string[];
  notice: (line: string) => void;
  /** The repository's HEAD now (null on an unborn branch or in a plain folder). */
  head: () => Promise<string | null>;
}

export interface CaptureRequest {
  /** The new commit's parent (HEAD for a checkpoint; none for an anchor of the index). */
  parent: string | null;
  /** The commit message, once the capture knows what it left out and the modes it saw. */
  message: (skipped: RawSkipped[], modes: ModeManifest) => string | Promise<string>;
  /** A ref to create at the commit, in the same transaction that moves our anchor to it. */
  createRef?: string;
}

export interface CaptureResult {
  commit: string;
  tree: string;
  skipped: RawSkipped[];
  /** Modes recorded with this capture: the non-default ones carried along, plus every path read now. */
  modes: ModeManifest;
}

/** Up to this many bytes of changed files are re-read by the next capture rather than written into the index now. */
const DEFER_MAX_BYTES = 2 * 1024 * 1024;

/** Up to this many changed paths are written from Node rather than by fast-import. */
const LOOSE_MAX_CHANGES = 64;

/** Loose objects we may write ourselves: SHA-1, and permissions that are ours to choose. */
const looseWritable = (repo: PrivateRepo) => repo.facts.objectFormat === 'sha1' && !repo.facts.sharedRepository;

const isIgnoreFile = (file: string) => file === '.gitignore' || file.endsWith('/.gitignore');

export async function capture(ctx: CaptureContext, request: CaptureRequest): Promise<CaptureResult> {
  try {
    return await captureOnce(ctx, request);
  } catch (error) {
    const message = describeError(error);
    // A damaged index or objects pruned from under it (git gc): rebuild once and capture again.
    if (isBrokenIndexError(message)) await ctx.index.rebuild('it was damaged');
    else if (isMissingObjectError(message)) await ctx.index.rebuild('objects it referred to were removed, e.g. by git gc');
    else throw error;
    return captureOnce(ctx, request);
  }
}

async function captureOnce(ctx: CaptureContext, request: CaptureRequest): Promise<CaptureResult> {
  const { ws, repo, index } = ctx;
  traceMark('capture starts');
  const head = await ctx.head();
  traceMark('head known');
  await repo.sync(head);
  traceMark('private repo synced');
  const state = await index.prepare();
  traceMark('index prepared');
  // git needs a HEAD in our directory; the commit of the tree our index holds, when known.
  repo.setHead(state.tree && state.anchor ? state.anchor : head);
  const git = repo.captureGit(index.file);
  // When fast-import will likely be needed (no previous tree to build on, or objects git must
  // write itself), it starts now, so its start-up overlaps the status pass.
  const writer = new TreeWriter(git, repo.dir);
  if (!state.tree || !looseWritable(repo) || state.packedBase === state.tree) writer.warm();
  try {
    return await captureWith(ctx, request, state, git, writer);
  } catch (error) {
    writer.abort();
    throw error;
  }
}

async function captureWith(ctx: CaptureContext, request: CaptureRequest, state: IndexState, git: Git, writer: TreeWriter): Promise<CaptureResult> {
  const { ws, repo, index } = ctx;
  // The base tree: the previous capture's, or (first capture, or after anything unusual) the index's
  // own, written while the status pass runs (both only read the index).
  const baseTree = state.tree ? Promise.resolve(state.tree) : writeIndexTree(git);
  baseTree.catch(() => undefined);
  const status = await runStatus(git, ws.scope);
  const skipped: RawSkipped[] = [];
  const deletions = new Set<RawPath>();
  const forced = new Set<RawPath>();

  // Folders git could not read: their files leave the checkpoint (never stale content shown as current).
  const unreadable = [...new Set(status.unreadable.map((file) => unreadableRoot(ws.topLevel, file)))];
  for (const folder of unreadable) skipped.push({ path: folder, reason: 'unreadable' });
  for (const file of await listIndexed(git, unreadable)) {
    deletions.add(file);
    forced.add(file);
  }
  const insideUnreadable = (file: RawPath) => unreadable.some((folder) => isWithin(file, folder));

  // New folders (and files that became folders) are listed file by file; repositories inside stay out.
  const folders = [...status.folders, ...status.paths.filter((file) => stampOf(diskPath(ws.topLevel, file))?.kind === 'dir')];
  const expanded = await expandFolders(git, folders);
  skipped.push(...expanded.nested.map((folder) => ({ path: folder, reason: 'nested-repository' as const })));

  // Files that became ignored (by any source) leave the index, as they leave git's view.
  const ignoreKey = index.ignoreKey(ctx.exclude);
  // Right after seeding (and with no exclude patterns of the user's to apply) every entry is one the user tracks.
  const justSeeded = state.ignoreKey === SEEDED && ctx.exclude.length === 0;
  const fullSweep = !justSeeded && (ignoreKey !== state.ignoreKey || status.paths.some(isIgnoreFile));
  // A background sweep's report also says which entries match ignore rules (the user tracks them all at seeding).
  const report = state.modesSwept === false ? takeSweepReport(ws.stateDir, state.umask) : null;
  if (report && state.ignoredTracked === null) state.ignoredTracked = report.ignored;
  const dropped = await index.sweepIgnored(state, ctx.exclude.map(rawFromText), fullSweep);
  state.ignoreKey = ignoreKey;
  for (const file of dropped) {
    deletions.add(file);
    forced.add(file);
  }

  // Entries whose stat the index learnt in the same second they changed: looked at again if they moved since.
  const racy = (state.racy ?? []).filter(([file]) => !deletions.has(file));
  const recheck = racy.filter(([file, key]) => stampKey(stampOf(diskPath(ws.topLevel, file))) !== key).map(([file]) => file);
  // The background sweep of a large seeded index has reported: its modes join ours (ours win).
  if (report) {
    if (report.modes.size > 0) state.modes = encodeModes(new Map([...report.modes, ...decodeModes(state.modes)]));
    recheck.push(...report.recheck);
    state.modesSwept = true;
  }
  const wanted = new Set<RawPath>([...status.paths, ...expanded.files, ...state.rehash, ...recheck]);
  const read = classify(
    ws.topLevel,
    [...wanted].filter((file) => !deletions.has(file) && !insideUnreadable(file) && !isWithin(file, '.git')),
    ctx.maxFileBytes,
  );
  skipped.push(...read.skipped);
  const puts = read.candidates.filter((candidate): candidate is Extract<Candidate, { kind: 'file' | 'link' }> => candidate.kind !== 'delete');
  traceMark(`read ${puts.length} file(s), ${wanted.size} wanted`);
  for (const candidate of read.candidates) {
    if (candidate.kind !== 'delete') continue;
    deletions.add(candidate.path);
    if (candidate.force) forced.add(candidate.path);
  }

  // Modes: the non-default ones are carried from capture to capture; a checkpoint also records the
  // exact mode of every path it read, default or not (so restoring it, or undoing to it, is exact).
  const modes = decodeModes(state.modes);
  for (const file of deletions) forgetUnder(modes, file);
  // Folders recorded around deleted paths that are gone now (or are no longer folders) are forgotten.
  for (const folder of new Set([...deletions].flatMap((file) => parentsOf(file) as string[]))) {
    if (modes.has(folder as RawPath) && stampOf(diskPath(ws.topLevel, folder))?.kind !== 'dir') forgetUnder(modes, folder);
  }
  const seen = new Map<RawPath, number>();
  const dirModes = new Map<string, number>();
  for (const put of puts) {
    forgetUnder(modes, put.path); // whatever was recorded at or under this path (it was a folder?) is gone
    if (put.kind === 'file') {
      noteMode(modes, put.path, put.mode === '100755' ? 'exec' : 'file', put.stamp.mode, state.umask);
      seen.set(put.path, put.stamp.mode & 0o7777);
    }
    for (const parent of parentsOf(put.path)) {
      if (!dirModes.has(parent)) dirModes.set(parent, stampOf(diskPath(ws.topLevel, parent))?.mode ?? -1);
    }
  }
  for (const [folder, mode] of dirModes) if (mode >= 0) noteMode(modes, folder as RawPath, 'dir', mode, state.umask);
  const recorded: ModeManifest = new Map([...modes, ...seen]);

  const base = await baseTree;
  const marks: { path: RawPath; mode: string; mark: string }[] = [];
  // A checkpoint of a few small changes leaves the index as it is (rewriting a 50,000-entry index
  // costs a third of a git status): the next capture sees the same files again, re-reads them and
  // applies them to the same base tree. Anything else brings the index up to date. The larger the
  // index, the more re-reading is cheaper than rewriting it; never more than 32 files, so a capture
  // stays below fast-import's unpack limit (100 objects) and writes loose objects, not a pack.
  const deferLimit = Math.min(32, Math.max(8, Math.floor((stampOf(index.file)?.size ?? 0) / 16_384)));
  const deferIndex =
    forced.size === 0 &&
    state.rehash.length === 0 &&
    folders.length === 0 &&
    puts.length + deletions.size <= deferLimit &&
    puts.reduce((sum, put) => sum + put.content.length, 0) <= DEFER_MAX_BYTES;
  // The first capture of a large, just-seeded index hands its index update (one rewrite of the whole
  // index) to the background process it starts anyway to read modes; that process takes our lock.
  const catchUp =
    !deferIndex && forced.size === 0 && state.rehash.length === 0 && state.modesSwept === false && !state.sweepStartedAt && sweepPending(ws.stateDir);
  const skipIndex = deferIndex || catchUp;
  const catchUpId = catchUp ? `${process.pid}-${Date.now()}` : null;
  if (catchUp) writePrivateFile(catchUpFile(ws.stateDir), joinRaw([...deletions, ...puts.map((put) => put.path)]));
  const indexUpdate = skipIndex ? Promise.resolve(true) : updateIndex(git, puts, [...deletions], forced);
  let written: { commit: string; tree: string };
  let packedBase = state.packedBase ?? null;
  try {
    const message = await request.message(skipped, recorded);
    const time = Math.floor(Date.now() / 1000);
    // A few changed files: written from here as loose objects, as fast-import would write them.
    const tryLoose =
      looseWritable(repo) && state.packedBase !== base && puts.length + deletions.size <= LOOSE_MAX_CHANGES && puts.reduce((sum, put) => sum + put.content.length, 0) <= DEFER_MAX_BYTES;
    const loose = tryLoose ? writeLooseCommit(repo.objectsDir, { base, deletions: [...deletions], puts, message, parent: request.parent, time }) : null;
    // A base whose trees on these paths are packed (a cloned history, or after git gc) stays so: the
    // next capture on it starts fast-import at once, overlapping the status pass.
    if (tryLoose && !loose) packedBase = base;
    traceMark(loose ? 'written from Node' : 'written by fast-import');
    if (loose) {
      writer.abort();
      written = loose;
    } else {
      for (const put of puts) marks.push({ path: put.path, mode: put.mode, mark: await writer.blob(put.content) });
      written = await writer.commit({ base, deletions: [...deletions], puts: marks, message, parent: request.parent, time });
    }
  } catch (error) {
    writer.abort();
    await indexUpdate.catch(() => undefined);
    index.forgetTree();
    throw error;
  }
  const indexOk = await indexUpdate;
  // A file that changed after we read it may be in the index with other bytes than in the tree: the
  // next capture then rebuilds its base from the index instead of trusting this tree.
  const settled = !skipIndex && indexOk && puts.every((put) => sameStamp(put.stamp, stampOf(diskPath(ws.topLevel, put.path))));

  // The anchor ref pins what our index refers to against git gc; a deferred capture leaves it (and
  // the index) as they are, except the first time, when there is none yet.
  const moveAnchor = !skipIndex || state.anchor === null;
  const refs: { line: string; ref: string }[] = [];
  if (request.createRef) refs.push({ line: `create ${request.createRef} ${written.commit}\n`, ref: request.createRef });
  if (moveAnchor) refs.push({ line: `update ${index.anchorRef} ${written.commit}\n`, ref: index.anchorRef });
  // New refs are written as git writes loose refs (no process); moving an existing one is update-ref's job.
  const direct = refs.every(({ ref }) => ref === request.createRef || state.anchor === null);
  const created = direct && refs.length > 0 && createLooseRefs(ws.commonDir, refs.map(({ ref }) => ref), written.commit);
  if (!created && refs.length > 0) await repo.realGit().run(['update-ref', '--stdin'], { input: refs.map(({ line }) => line).join('') });
  const anchor = moveAnchor ? written.commit : (state.anchor as string);
  repo.setHead(anchor);
  index.writeState({
    ...state,
    tree: skipIndex ? base : settled ? written.tree : null,
    // An index update handed to the background is dropped once a capture updates the index itself.
    catchUp: catchUp ? catchUpId : skipIndex ? (state.catchUp ?? null) : null,
    anchor,
    modes: encodeModes(modes),
    rehash: [],
    racy: stillRacy(racy, recheck, puts),
    packedBase,
    ...startSweepIfDue(ctx, state, catchUpId),
  });
  return { commit: written.commit, tree: written.tree, skipped, modes: recorded };
}

/**
 * What differs from our index, from two commands run side by side: `diff-files` lists every tracked
 * file whose stat no longer matches (it does not refresh, so a chmod or a touch shows up too: the
 * file is read and its exact mode recorded), `ls-files -o` the untracked files and folders. Neither
 * writes the index. git reads files through mmap, so a file truncated while it reads can kill it
 * with SIGBUS: each is tried again once.
 */
async function runStatus(git: Git, scope: string): Promise<StatusReport> {
  const pathspec = scope ? ['--', `:(top,literal)${scope}`] : [];
  const [changed, untracked] = await Promise.all([
    // --raw, not --name-only: that one leaves out files whose stat alone changed (a chmod).
    runTwice(git, ['diff-files', '-z', '--raw', '--ignore-submodules=all', ...pathspec]),
    runTwice(git, ['ls-files', '-z', '-o', '--exclude-standard', '--directory', '--no-empty-directory', ...pathspec]),
  ]);
  return parseStatus(changed.stdout, untracked.stdout, changed.stderr + untracked.stderr);
}

async function runTwice(git: Git, args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  const first = await git.run(args, { allowSignal: true });
  return first.signal ? git.run(args) : first;
}

/** Files of our index inside the given folders. */
async function listIndexed(git: Git, folders: RawPath[]): Promise<RawPath[]> {
  if (folders.length === 0) return [];
  const found: RawPath[] = [];
  for (const chunk of chunkArgs(folders.map((folder) => pathspecFor(folder, { folder: true })))) {
    found.push(...splitRaw((await git.run(['ls-files', '-z', '--', ...chunk])).stdout));
  }
  return found.filter((file) => folders.some((folder) => matchesPathspec(file, folder)));
}

/** Files inside new untracked folders (ignored ones left out); a folder that is itself a repository is reported instead. */
async function expandFolders(git: Git, folders: RawPath[]): Promise<{ files: RawPath[]; nested: RawPath[] }> {
  const files: RawPath[] = [];
  const nested: RawPath[] = [];
  if (folders.length === 0) return { files, nested };
  for (const chunk of chunkArgs(folders.map((folder) => pathspecFor(folder, { folder: true })))) {
    const listed = await git.run(['ls-files', '-z', '-o', '--exclude-standard', '--', ...chunk]);
    for (const entry of splitRaw(listed.stdout)) {
      if (!folders.some((folder) => matchesPathspec(entry.endsWith('/') ? entry.slice(0, -1) : entry, folder))) continue;
      if (entry.endsWith('/')) nested.push(entry.slice(0, -1) as RawPath);
      else files.push(entry);
    }
  }
  return { files, nested };
}

/**
 * Creates a new loose ref the way git does (lock file created exclusively, written, fsync'd, renamed
 * into place), saving a git process on the path every turn takes. False when the repository keeps
 * refs another way (reftable) or anything is unexpected: update-ref then does it.
 */
function createLooseRefs(commonDir: string, refs: string[], commit: string): boolean {
  const done: string[] = [];
  for (const ref of refs) {
    if (!createLooseRef(commonDir, ref, commit)) {
      // update-ref then does them all: undo ours, so its `create` finds nothing in the way.
      for (const made of done) fs.rmSync(path.join(commonDir, ...made.split('/')), { force: true });
      return false;
    }
    done.push(ref);
  }
  return true;
}

export function createLooseRef(commonDir: string, ref: string, commit: string): boolean {
  if (!/^refs\/boocode\/[A-Za-z0-9/_-]+$/.test(ref) || fs.existsSync(path.join(commonDir, 'reftable'))) return false;
  const file = path.join(commonDir, ...ref.split('/'));
  const lock = `${file}.lock`;
  let fd: number | null = null;
  try {
    if (fs.existsSync(file)) return false;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fd = fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  } catch {
    return false; // someone else holds the lock, or the folder cannot be written
  }
  try {
    fs.writeSync(fd, `${commit}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(lock, file);
    return true;
  } catch {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(lock, { force: true }); // our own lock
    return false;
  }
}

/** Starts the background mode sweep of a large seeded index once the capture is done (again if one died). */
function startSweepIfDue(ctx: CaptureContext, state: IndexState, catchUpId: string | null): Partial<IndexState> {
  const { ws } = ctx;
  if (state.modesSwept !== false || !sweepPending(ws.stateDir)) return {};
  if (state.sweepStartedAt && Date.now() - state.sweepStartedAt < 60_000) return {};
  startBackground({
    topLevel: ws.topLevel,
    stateDir: ws.stateDir,
    seededAt: state.seededAt ?? Date.now(),
    umask: state.umask,
    git: ctx.repo.captureGit(ctx.index.file).invocation(),
    indexFile: ctx.index.file,
    stateFile: path.join(ws.stateDir, 'index.state'),
    lockFile: path.join(ws.stateDir, 'git.lock'),
    catchUpId,
  });
  return { sweepStartedAt: Date.now() };
}

/** Racy entries to look at again next time: this capture's reads, and the earlier ones not yet a second old. */
function stillRacy(racy: [RawPath, string][], rechecked: RawPath[], puts: { path: RawPath; stamp: FileStamp }[]): [RawPath, string][] {
  const now = Date.now();
  const result = new Map<RawPath, string>();
  const redone = new Set(rechecked);
  for (const [file, key] of racy) if (!redone.has(file) && Number(key.split(':')[4]) / 1e9 >= Math.floor(now / 1000) - 2) result.set(file, key);
  for (const put of puts) if (isRacy(put.stamp, now)) result.set(put.path, stampKey(put.stamp));
  return [...result];
}

/** The tree of the index as it is (before this capture's changes). */
async function writeIndexTree(git: Git): Promise<string> {
  return (await git.text(['write-tree'])).trim();
}

/**
 * Records the new state of the changed paths in our index (stat cache and blobs). Never fails the
 * capture: a problem only means the next capture rebuilds its base from the index.
 */
async function updateIndex(git: Git, puts: { path: RawPath }[], deletions: RawPath[], forced: Set<RawPath>): Promise<boolean> {
  try {
    const force = deletions.filter((file) => forced.has(file));
    if (force.length > 0) await git.run(['update-index', '--force-remove', '-z', '--stdin'], { input: joinRaw(force) });
    const plain = [...deletions.filter((file) => !forced.has(file)), ...puts.map((put) => put.path)];
    if (plain.length === 0) return true;
    const result = await git.run(['update-index', '--add', '--remove', '--replace', '-z', '--stdin'], { input: joinRaw(plain), okCodes: [0, 128], allowSignal: true });
    return result.code === 0 && !result.signal;
  } catch {
    return false;
  }
}
