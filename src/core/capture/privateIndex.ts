// Our private index: a stat cache of the whole work tree that makes a checkpoint cost about one
// `git status`. It is seeded once from the repository's own index (copied, never written), must
// not inherit what would hide files from us (assume-unchanged, skip-worktree of files on disk, a
// split or sparse index), and heals itself: a lock left by a killed process, a damaged file or
// objects pruned by `git gc` rebuild it on the next command, which says so in one line.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Git, traceMark } from '../git';
import { scanIndex } from '../indexScan';
import { makePrivate, writePrivateFile } from '../privateFiles';
import { PrivateRepo, stampText } from '../privateRepo';
import { diskPath, joinRaw, RawPath, splitRaw } from '../rawPath';
import { Workspace } from '../workspace';
import { currentUmask, stampKey, stampOf } from '../fileState';
import { encodeModes } from './modes';
import { INLINE_SWEEP_LIMIT, prepareSweep, sweepInline } from './modeSweep';

/** What we know about our index between captures (`index.state`). */
export interface IndexState {
  v: 1;
  /** The tree our index holds, when known; null makes the next capture write it from the index. */
  tree: string | null;
  /** The commit holding `tree`, pinned by the anchor ref so `git gc` keeps every object we refer to. */
  anchor: string | null;
  /** Fingerprint of git's ignore sources at the last sweep of our index. */
  ignoreKey: string | null;
  /** Entries that match ignore rules but stay because the user tracks them (null: not worked out since seeding). */
  ignoredTracked: RawPath[] | null;
  /** The user's index (stamp) when `ignoredTracked` was last checked. */
  userIndex: string | null;
  /** Mode manifest of the tree (see modes.ts), as [raw path, mode] pairs. */
  modes: [string, number][];
  umask: number;
  /** Paths to hash on the next capture whatever their stat says (seeded blobs that may be filtered). */
  rehash: RawPath[];
  /** False while the modes of the seeded files are being read in the background (see modeSweep.ts). */
  modesSwept?: boolean;
  seededAt?: number;
  /** When the background sweep was started (null: not yet). */
  sweepStartedAt?: number | null;
  /** An index update handed to the background process (see modeSweep.ts), until it is done or dropped. */
  catchUp?: string | null;
  /** Entries whose stat the index learnt in the same second as they last changed, with the stamp then: re-checked next time. */
  racy?: [RawPath, string][];
  /** Our index file as we last left it: if it changed behind our back, its checksum is verified. */
  indexStamp?: string;
  /** A base tree some of whose trees are packed: captures on it go to fast-import straight away (see looseCommit.ts). */
  packedBase?: string | null;
}

/** `ignoreKey` of an index just copied from the user's: no sweep is needed until the rules or the user's index change. */
export const SEEDED = 'seeded';

const freshState = (): IndexState => ({ v: 1, tree: null, anchor: null, ignoreKey: null, ignoredTracked: [], userIndex: null, modes: [], umask: currentUmask(), rehash: [] });

export class PrivateIndex {
  readonly file: string;
  private readonly stateFile: string;
  /** The ref that pins our index's objects: one per workspace (worktree, subfolder scope). */
  readonly anchorRef: string;

  constructor(
    private readonly ws: Workspace,
    private readonly repo: PrivateRepo,
    private readonly notice: (line: string) => void,
  ) {
    this.file = ws.indexFile;
    this.stateFile = path.join(ws.stateDir, 'index.state');
    this.anchorRef = `refs/boocode/index/${createHash('sha256').update(ws.key).digest('hex').slice(0, 16)}`;
  }

  /**
   * Makes the index usable and says what we know about it. Call with the git lock held: any
   * `index.lock` then belongs to a process of ours that died.
   */
  async prepare(): Promise<IndexState> {
    const lock = `${this.file}.lock`;
    if (fs.existsSync(lock)) {
      fs.rmSync(lock, { force: true });
      this.notice('Removed a stale lock on the private index left by an interrupted checkpoint.');
    }
    let state = this.readState();
    if (!fs.existsSync(this.file) || !state) {
      await this.seed();
      return this.readState() ?? freshState();
    }
    if (state.indexStamp && stampText(this.file) !== state.indexStamp) {
      // git does not verify the index's checksum when it reads it: a truncated or damaged file
      // could be read as a smaller index. Changed behind our back and damaged: rebuilt, saying so.
      // Intact but written after we last recorded what it holds (a capture killed between updating
      // it and saying so): its tree and the modes read with it are unknown, so it is seeded again.
      await this.rebuild(checksumMatches(this.file) ? null : 'it was damaged');
      return this.readState() ?? freshState();
    }
    if (state.anchor && readRefCheap(this.ws.commonDir, this.anchorRef) === null) {
      // Our anchor ref is gone (refs deleted by hand): objects only we referred to may be pruned.
      await this.rebuild('its anchor ref was deleted');
      state = this.readState() ?? freshState();
    }
    return state;
  }

  /** Throws the index away and seeds a new one, saying why in one line (quietly when healing our own interrupted work). */
  async rebuild(why: string | null): Promise<void> {
    fs.rmSync(this.file, { force: true });
    fs.rmSync(`${this.file}.lock`, { force: true });
    fs.rmSync(this.stateFile, { force: true });
    await this.seed(false);
    if (why) this.notice(`Rebuilt the private index (${why}); this checkpoint takes a little longer.`);
  }

  readState(): IndexState | null {
    try {
      const state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as IndexState;
      return state.v === 1 ? state : null;
    } catch {
      return null;
    }
  }

  writeState(state: IndexState): void {
    makePrivate(this.file);
    writePrivateFile(this.stateFile, JSON.stringify({ ...state, indexStamp: stampText(this.file) }));
  }

  /** Marks the tree unknown (the index and the last tree may differ): the next capture rewrites it. */
  forgetTree(): void {
    const state = this.readState();
    if (state && state.tree !== null) this.writeState({ ...state, tree: null });
  }

  /** Creates the index from the repository's own one (or empty for a plain folder). */
  private async seed(trustCacheTree = true): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.seed-${process.pid}`;
    fs.rmSync(temporary, { force: true });
    const state = freshState();
    const real = this.ws.realIndex;
    if (real && fs.existsSync(real)) {
      const seededAt = Date.now();
      const userIndex = stampText(real);
      fs.copyFileSync(real, temporary);
      fs.chmodSync(temporary, 0o600);
      traceMark('seed: copied');
      const scan = scanIndex(temporary, this.repo.facts.objectFormat === 'sha256' ? 32 : 20, INLINE_SWEEP_LIMIT);
      traceMark('seed: scanned');
      const needsGit = !scan || scan.split || scan.sparse || scan.flagged.length > 0;
      if (needsGit) await this.normalize(temporary, !scan || scan.split);
      if (await this.mayHoldConvertedBlobs(scan?.hasAttributesFiles ?? true)) state.rehash = await this.convertedPaths(temporary);
      // Paths are only needed here for a small index (read inline); the background sweep lists a large one itself.
      const names = !needsGit && scan ? scan.names : (scan?.entries ?? Infinity) <= INLINE_SWEEP_LIMIT ? splitRaw((await this.repo.captureGit(temporary).run(['ls-files', '-z'])).stdout) : null;
      // Modes of every seeded file: read now in a small repository, in the background in a large one.
      if (names) {
        const swept = sweepInline(this.ws.topLevel, names, state.umask);
        state.modes = encodeModes(swept.modes);
        state.racy = swept.racy;
      } else {
        prepareSweep(this.ws.stateDir);
        Object.assign(state, { modesSwept: false, seededAt, sweepStartedAt: null });
      }
      // The user's cache-tree already names the index's tree when it covers every entry: the first
      // capture starts from it, no write-tree. (A rebuild, which may follow missing objects, does not trust it.)
      if (trustCacheTree && !needsGit && scan?.rootTree) state.tree = scan.rootTree;
      // A copy of the user's index holds only what the user tracks: nothing in it is ours to drop.
      if (stampText(real) === userIndex) Object.assign(state, { ignoreKey: SEEDED, ignoredTracked: null, userIndex });
      fs.renameSync(temporary, this.file);
    }
    this.writeState(state);
  }

  /**
   * Rewrites a seeded copy through git: a split index is joined with its shared part (copied into
   * our directory, so git never touches the user's `sharedindex.*`), a sparse one is expanded, and
   * the bits that would hide files from us are cleared, except skip-worktree on files that are not
   * on disk (the sparse-checkout cone: those stay as git has them).
   */
  private async normalize(indexFile: string, mayBeSplit: boolean): Promise<void> {
    const copies: string[] = [];
    if (mayBeSplit) {
      for (const name of fs.readdirSync(this.ws.gitDir).filter((entry) => entry.startsWith('sharedindex.'))) {
        const copy = path.join(this.repo.dir, name);
        fs.copyFileSync(path.join(this.ws.gitDir, name), copy);
        copies.push(copy);
      }
    }
    try {
      const git = this.repo.captureGit(indexFile);
      await git.run(['update-index', '--force-write-index']);
      const listed = splitRaw((await git.run(['ls-files', '-v', '-z'])).stdout);
      const unassume: RawPath[] = [];
      const unskip: RawPath[] = [];
      for (const entry of listed) {
        const tag = entry[0];
        const file = entry.slice(2) as RawPath;
        if (tag >= 'a' && tag <= 'z') unassume.push(file);
        if ((tag === 'S' || tag === 's') && fs.existsSync(diskPath(this.ws.topLevel, file))) unskip.push(file);
      }
      // One flag per call: update-index applies only the first of --[no-]assume-unchanged and --[no-]skip-worktree.
      if (unassume.length > 0) await git.run(['update-index', '--no-assume-unchanged', '-z', '--stdin'], { input: joinRaw(unassume) });
      if (unskip.length > 0) await git.run(['update-index', '--no-skip-worktree', '-z', '--stdin'], { input: joinRaw(unskip) });
    } finally {
      for (const copy of copies) fs.rmSync(copy, { force: true });
    }
  }

  /** Whether the user's index may hold blobs converted by line-ending rules or filters. */
  private async mayHoldConvertedBlobs(tracksAttributes: boolean): Promise<boolean> {
    const facts = this.repo.facts;
    if (facts.autocrlf || tracksAttributes || facts.attributesFile) return true;
    const home = process.env.XDG_CONFIG_HOME || path.join(process.env.HOME || '', '.config');
    return [path.join(this.ws.commonDir, 'info', 'attributes'), path.join(home, 'git', 'attributes')].some((file) => fs.existsSync(file));
  }

  /**
   * Seeded entries whose blob may differ from the bytes on disk (converted on `git add` by
   * line-ending rules, filters, ident or an encoding): hashed again, raw, by the first capture.
   */
  private async convertedPaths(indexFile: string): Promise<RawPath[]> {
    const real = this.repo.realGit({ env: { GIT_INDEX_FILE: indexFile } });
    const paths = splitRaw((await real.run(['ls-files', '-z'])).stdout);
    if (paths.length === 0) return [];
    const attributes = ['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding'];
    const output = await real.run(['check-attr', '-z', '--stdin', ...attributes], { input: joinRaw(paths) });
    const fields = splitRaw(output.stdout);
    const autocrlf = this.repo.facts.autocrlf;
    const converted = new Set<RawPath>();
    const explicitBinary = new Set<RawPath>();
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [file, attribute, value] = [fields[i], fields[i + 1], fields[i + 2]];
      if (attribute === 'text' && value === 'unset') explicitBinary.add(file);
      if (value !== 'unspecified' && value !== 'unset') converted.add(file);
    }
    return paths.filter((file) => converted.has(file) || (autocrlf && !explicitBinary.has(file)));
  }

  /**
   * Fingerprint of the ignore rules that are not files in the work tree (those show up in status):
   * the repository's info/exclude, core.excludesFile and git's default global ignore file.
   */
  ignoreKey(ownPatterns: readonly string[]): string {
    const home = process.env.XDG_CONFIG_HOME || path.join(process.env.HOME || '', '.config');
    const sources = [path.join(this.ws.commonDir, 'info', 'exclude'), path.join(home, 'git', 'ignore'), this.repo.facts.excludesFile ?? ''];
    return createHash('sha256').update(JSON.stringify([sources.map(stampText), sources, ownPatterns])).digest('hex').slice(0, 24);
  }

  /**
   * Entries that became ignored (by any of git's sources, or by the user's exclude patterns) and
   * that the user does not track: they leave our index, as they would be invisible to git.
   */
  async sweepIgnored(state: IndexState, ownPatterns: readonly string[], full: boolean): Promise<RawPath[]> {
    const userIndex = this.ws.realIndex ? stampText(this.ws.realIndex) : '-';
    // Just seeded from the user's index: every entry is one the user tracks, so none leaves; which of
    // them are ignored is only worked out once the user's index changes (e.g. `git rm --cached`).
    if (!full && state.ignoredTracked === null && userIndex === state.userIndex) return [];
    if (state.ignoredTracked === null) full = true;
    if (!full && (state.ignoredTracked?.length === 0 || userIndex === state.userIndex)) return [];
    const git = this.repo.captureGit(this.file);
    const matched = full || !state.ignoredTracked ? splitRaw((await git.run(['ls-files', '-z', '-c', '-i', '--exclude-standard'])).stdout) : state.ignoredTracked;
    state.userIndex = userIndex;
    if (matched.length === 0) {
      state.ignoredTracked = [];
      return [];
    }
    const tracked = await this.userTracked();
    const own = full && ownPatterns.length > 0 ? await this.matchingOwnPatterns(ownPatterns) : new Set<RawPath>();
    const drop = matched.filter((file) => !tracked.has(file) || own.has(file));
    state.ignoredTracked = matched.filter((file) => tracked.has(file) && !own.has(file));
    return drop;
  }

  /** Every path the user's own index tracks (read-only). */
  private async userTracked(): Promise<Set<RawPath>> {
    return this.withUserIndex(async (git) => new Set(splitRaw((await git.run(['ls-files', '-z'])).stdout)));
  }

  /**
   * Runs git on the user's own index, read-only, with our directory's rules. A split index is read
   * from a private copy (with its shared part), because reading it in place makes git touch the
   * user's `sharedindex.*` file.
   */
  async withUserIndex<T>(task: (git: Git) => Promise<T>): Promise<T> {
    const real = this.ws.realIndex;
    if (!real || !fs.existsSync(real)) return task(this.repo.captureGit(path.join(this.repo.dir, 'no-index')));
    const scan = scanIndex(real, this.repo.facts.objectFormat === 'sha256' ? 32 : 20);
    if (scan && !scan.split) return task(this.repo.captureGit(real));
    const copy = path.join(this.repo.dir, `user-index-${process.pid}`);
    const shared: string[] = [];
    try {
      fs.copyFileSync(real, copy);
      for (const name of fs.readdirSync(this.ws.gitDir).filter((entry) => entry.startsWith('sharedindex.'))) {
        fs.copyFileSync(path.join(this.ws.gitDir, name), path.join(this.repo.dir, name));
        shared.push(path.join(this.repo.dir, name));
      }
      return await task(this.repo.captureGit(copy));
    } finally {
      fs.rmSync(copy, { force: true });
      for (const file of shared) fs.rmSync(file, { force: true });
    }
  }

  /** Our entries matching the user's exclude patterns (`boocode.checkpoints.exclude`), tracked or not. */
  private async matchingOwnPatterns(patterns: readonly string[]): Promise<Set<RawPath>> {
    const file = path.join(this.ws.stateDir, 'exclude-patterns');
    writePrivateFile(file, patterns.join('\n') + '\n');
    const listed = await this.repo.captureGit(this.file).run(['ls-files', '-z', '-c', '-i', `--exclude-from=${file}`]);
    return new Set(splitRaw(listed.stdout));
  }
}

/** True when an index file ends with the checksum of its contents (or with none: index.skipHash). */
function checksumMatches(file: string): boolean {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return false;
  }
  for (const [algorithm, size] of [['sha1', 20], ['sha256', 32]] as const) {
    if (data.length < 12 + size) continue;
    const trailer = data.subarray(data.length - size);
    if (trailer.every((byte) => byte === 0)) return true;
    if (createHash(algorithm).update(data.subarray(0, data.length - size)).digest().equals(trailer)) return true;
  }
  return false;
}

/**
 * A ref's value read from the files (loose ref, then packed-refs), without spawning git.
 * 'unknown' when refs are not stored as files (reftable).
 */
export function readRefCheap(commonDir: string, ref: string): string | null | 'unknown' {
  if (fs.existsSync(path.join(commonDir, 'reftable'))) return 'unknown';
  try {
    return fs.readFileSync(path.join(commonDir, ...ref.split('/')), 'utf8').trim() || null;
  } catch {
    // not loose
  }
  try {
    const packed = fs.readFileSync(path.join(commonDir, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((candidate) => candidate.endsWith(` ${ref}`));
    return line ? line.split(' ')[0] : null;
  } catch {
    return null;
  }
}

