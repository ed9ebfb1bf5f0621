// The git checkpoint engine: create, list, diff, read, delete and prune checkpoints. A checkpoint
// is a commit (parented on HEAD when there is one) whose tree is the whole work tree, byte for
// byte, pointed at by refs/boocode/checkpoints/<id>. HEAD, branches, the staging area and the
// repository's index are never written. All git work for one workspace runs one writer at a time.
import * as fs from 'fs';
import * as path from 'path';
import { capture, CaptureResult, createLooseRef, RawSkipped } from './capture/capture';
import { encodeModes, ModeManifest } from './capture/modes';
import { PrivateIndex } from './capture/privateIndex';
import { EMPTY_TREE } from './capture/treeWriter';
import { BooError } from './errors';
import { Git, splitNul } from './git';
import { assertCheckpointId, newTimeId } from './ids';
import { withLock } from './lock';
import { readLooseObject } from './looseObjects';
import { assertRelativePath, workspacePathspecs } from './paths';
import { tightenStateDir } from './privateFiles';
import { PrivateRepo } from './privateRepo';
import { displayPath, RawPath, rawFromDisplay, rawToBuffer, splitRaw } from './rawPath';
import { CheckpointKind, CheckpointMeta, FileChange, SkippedFile } from './types';
import { withTheirEnds } from './turnPairs';
import { Workspace } from './workspace';

export const CHECKPOINT_REFS = 'refs/boocode/checkpoints/';
/** Checkpoints a restore dropped from the list, kept reachable so an undo can bring them back. */
export const DROPPED_REFS = 'refs/boocode/dropped/';

export interface EngineOptions {
  maxFileBytes: number;
  /** Patterns never captured or restored (`boocode.checkpoints.exclude`). */
  exclude: readonly string[];
  lockTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** One-line notices for people (e.g. the private index was rebuilt). */
  notice?: (line: string) => void;
}

export interface NewCheckpoint {
  kind: CheckpointKind;
  label?: string | null;
  /** First line of the commit message, for people browsing refs with git. */
  title?: string;
  /** The prompt the checkpoint was taken before (kept, shortened, so it outlives a trimmed transcript). */
  prompt?: string | null;
  sessionId?: string | null;
  anchorMessageId?: string | null;
  /** The turn (before-checkpoint id) this checkpoint ends; a promise is awaited once the files are captured. */
  endsTurn?: string | null | Promise<string | null>;
}

/** What we write into the commit message, so a checkpoint explains itself without the transcript. */
interface RecordedMeta {
  /** 1: blobs as git's filters made them (older versions); 2: the bytes on disk, paths as bytes. */
  v: 1 | 2;
  id: string;
  kind: CheckpointKind;
  label: string | null;
  session: string | null;
  anchor: string | null;
  workspace: string;
  createdAt: number;
  skipped: RawSkipped[];
  prompt?: string | null;
  /** The turn (before-checkpoint id) this checkpoint ends. */
  ends?: string | null;
  /** Permission bits git trees cannot hold, as [raw path, mode] pairs (see capture/modes.ts). */
  modes?: [string, number][];
  umask?: number;
  /** Empty folders at that moment (a safety checkpoint records those the restore removes), with their modes. */
  emptyFolders?: [string, number][];
}

/** A checkpoint as the engine needs it: the public metadata plus the raw facts behind it. */
export interface StoredCheckpoint extends CheckpointMeta {
  rawSkipped: RawSkipped[];
  modes: ModeManifest;
  /** Empty folders recorded with the checkpoint (git trees cannot hold them), with their modes. */
  emptyFolders: [RawPath, number][];
  /** The umask the modes were recorded against: a path absent from `modes` had the default for it (null: older versions). */
  umask: number | null;
  /** False for checkpoints of older versions, whose blobs went through git's filters. */
  rawBytes: boolean;
}

/** One entry that differs between two trees. Paths are raw (bytes), relative to the top level. */
export interface TreeChange {
  path: RawPath;
  status: 'added' | 'modified' | 'deleted' | 'typechange';
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  added: number | null;
  removed: number | null;
}

export const META_PREFIX = 'boocode: ';

export class CheckpointEngine {
  readonly git: Git;
  readonly repo: PrivateRepo;
  readonly index: PrivateIndex;
  private headFromOpen: string | null | undefined;
  private headReadAt = Date.now();
  private readonly notice: (line: string) => void;

  constructor(
    readonly ws: Workspace,
    readonly options: EngineOptions,
  ) {
    this.git = new Git(ws.topLevel, ws.gitDir, options.env);
    this.notice = options.notice ?? (() => undefined);
    this.repo = new PrivateRepo(ws, options.exclude, options.env);
    this.index = new PrivateIndex(ws, this.repo, this.notice);
    this.headFromOpen = ws.head;
  }

  /** Runs `task` as the only git writer for this workspace, across processes. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    tightenStateDir(this.ws.stateDir);
    return withLock(
      path.join(this.ws.stateDir, 'git.lock'),
      { timeoutMs: this.options.lockTimeoutMs, staleMs: 10 * 60_000, what: 'The checkpoint store' },
      task,
    );
  }

  async create(input: NewCheckpoint): Promise<CheckpointMeta> {
    return this.exclusive(() => this.createLocked(input));
  }

  /** HEAD now; a value read less than a second ago (at open, or earlier in this operation) is reused. */
  async head(): Promise<string | null> {
    if (this.ws.kind === 'shadow') return null;
    if (this.headFromOpen !== undefined && Date.now() - this.headReadAt < 1000) return this.headFromOpen;
    const result = await this.git.run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { okCodes: [0, 1, 128] });
    this.headFromOpen = result.code === 0 ? result.stdout.toString().trim() : null;
    this.headReadAt = Date.now();
    return this.headFromOpen;
  }

  private captureContext() {
    return {
      ws: this.ws,
      repo: this.repo,
      index: this.index,
      maxFileBytes: this.options.maxFileBytes,
      exclude: this.options.exclude,
      notice: this.notice,
      head: () => this.head(),
    };
  }

  /** Takes a checkpoint. Call with the lock held. */
  async createLocked(input: NewCheckpoint): Promise<StoredCheckpoint> {
    const head = await this.head();
    const id = newTimeId();
    const ref = CHECKPOINT_REFS + id;
    let recorded: RecordedMeta | null = null;
    const result = await capture(this.captureContext(), {
      parent: head,
      createRef: ref,
      message: async (skipped, modes) => {
        recorded = this.record(id, { ...input, endsTurn: await input.endsTurn }, skipped, modes);
        return commitMessage(input, recorded);
      },
    });
    return storedOf(recorded as unknown as RecordedMeta, result.commit, ref, head);
  }

  /** Captures the work tree without making a checkpoint (for a diff or a restore's plan). Lock held. */
  async captureNow(): Promise<CaptureResult> {
    return capture(this.captureContext(), { parent: null, message: () => 'BooCode: private index anchor\n' });
  }

  /**
   * Records a capture as a checkpoint after the fact (a restore's safety checkpoint, whose modes
   * are completed once the restore has looked at every file it will touch). Lock held.
   */
  async commitCapture(captured: CaptureResult, input: NewCheckpoint, modes: ModeManifest, emptyFolders: [RawPath, number][] = []): Promise<StoredCheckpoint> {
    const head = await this.head();
    const id = newTimeId();
    const recorded = this.record(id, { ...input, endsTurn: await input.endsTurn }, captured.skipped, modes);
    if (emptyFolders.length > 0) recorded.emptyFolders = emptyFolders;
    const args = ['commit-tree', captured.tree, ...(head ? ['-p', head] : []), '-F', '-'];
    const commit = await this.git.text(args, { input: Buffer.from(commitMessage(input, recorded), 'utf8') });
    const ref = CHECKPOINT_REFS + id;
    if (!createLooseRef(this.ws.commonDir, ref, commit)) await this.git.run(['update-ref', '--no-deref', '-m', 'boocode checkpoint', ref, commit, '0'.repeat(40)]);
    return storedOf(recorded, commit, ref, head);
  }

  private record(id: string, input: NewCheckpoint & { endsTurn?: string | null }, skipped: RawSkipped[], modes: ModeManifest): RecordedMeta {
    const state = this.index.readState();
    return {
      v: 2,
      id,
      kind: input.kind,
      label: input.label ?? null,
      session: input.sessionId ?? null,
      anchor: input.anchorMessageId ?? null,
      workspace: this.ws.key,
      createdAt: Date.now(),
      skipped: scopeSkipped(this.ws.scope, skipped),
      prompt: input.prompt ? input.prompt.slice(0, 2000) : null,
      ...(input.endsTurn ? { ends: input.endsTurn } : {}),
      modes: encodeModes(modes),
      // Without a umask the modes are partial (a large index whose sweep has not reported): absence then means unknown.
      umask: state?.modesSwept === false ? undefined : state?.umask,
    };
  }

  /** Checkpoints of this workspace, newest first. */
  async list(namespace = CHECKPOINT_REFS): Promise<StoredCheckpoint[]> {
    if (surelyNoRefs(this.ws.commonDir, namespace)) return [];
    // Loose refs to loose commits (as checkpoints are written) are read without starting git.
    let found = readLooseNamespace(this.ws.commonDir, namespace);
    if (!found) {
      const output = await this.git.run(['for-each-ref', '--format=%(objectname) %(refname) %(parent)%00%(contents)%00', namespace]);
      const fields = splitNul(output.stdout);
      found = [];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const [commit, ref, parent] = fields[i].replace(/^\n/, '').split(' ');
        found.push({ commit, ref, parent: parent || null, message: fields[i + 1] });
      }
    }
    const result: StoredCheckpoint[] = [];
    for (const { commit, ref, parent, message } of found) {
      const parsed = parseMessage(message, commit, ref, parent);
      if (parsed && parsed.workspaceKey === this.ws.key) result.push(parsed.meta);
    }
    return result.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** One checkpoint of this workspace, or a clear error. One git call. */
  async get(id: string, namespace = CHECKPOINT_REFS): Promise<StoredCheckpoint> {
    assertCheckpointId(id);
    const ref = namespace + id;
    // A loose ref to a loose commit (how checkpoints are written) is read without starting git.
    let found = readLooseCommit(this.ws.commonDir, ref);
    if (!found) {
      const output = await this.git.run(['for-each-ref', '--format=%(objectname) %(refname) %(parent)%00%(contents)%00', ref]);
      const fields = splitNul(output.stdout);
      const [commit, foundRef, parent] = (fields[0] ?? '').replace(/^\n/, '').split(' ');
      if (foundRef !== ref) {
        throw new BooError('not-found', `No checkpoint ${id} in this workspace; run \`boocode list\` to see the checkpoints.`);
      }
      found = { commit, parent: parent || null, message: fields[1] ?? '' };
    }
    const { commit, parent } = found;
    const parsed = parseMessage(found.message, commit, ref, parent || null);
    if (!parsed) throw new BooError('not-found', `${ref} is not a BooCode checkpoint; run \`boocode list\` to see the checkpoints.`);
    if (parsed.workspaceKey !== this.ws.key) {
      throw new BooError(
        'wrong-workspace',
        `Checkpoint ${id} was taken in another worktree or folder (${parsed.workspaceKey}); restore it from there.`,
      );
    }
    return parsed.meta;
  }

  /** Files changed from checkpoint `from` to checkpoint `to`, or to the current files. */
  async diff(from: string, to?: string): Promise<FileChange[]> {
    const base = await this.get(from);
    const target = to ? (await this.get(to)).commit : await this.exclusive(async () => (await this.captureNow()).tree);
    return (await this.treeChanges(base.commit, target, true)).map((change) => ({
      path: displayPath(this.relative(change.path)),
      status: change.status,
      added: change.added,
      removed: change.removed,
    }));
  }

  /** A top-level raw path as a path relative to the workspace folder. */
  relative(topPath: string): string {
    return this.ws.scope ? topPath.slice(this.ws.scope.length + 1) : topPath;
  }

  /** Changes between two tree-ish objects inside the workspace scope, gitlinks left out. */
  async treeChanges(from: string, to: string, withCounts: boolean): Promise<TreeChange[]> {
    const specs = workspacePathspecs(this.ws.scope, this.options.exclude);
    const pathspec = specs.length ? ['--', ...specs] : [];
    const args = ['diff-tree', '-r', '-z', '--no-renames', '--raw', ...(withCounts ? ['--numstat'] : []), from || EMPTY_TREE, to, ...pathspec];
    const fields = splitRaw((await this.git.run(args)).stdout);
    const changes = new Map<string, TreeChange>();
    let i = 0;
    while (i < fields.length) {
      const field = fields[i];
      if (field.startsWith(':')) {
        const [oldMode, newMode, oldBlob, newBlob, letter] = field.slice(1).split(' ');
        const file = fields[i + 1];
        i += 2;
        if (oldMode === '160000' || newMode === '160000') continue;
        const status = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : letter === 'T' ? 'typechange' : 'modified';
        changes.set(file, { path: file, status, added: null, removed: null, oldMode, newMode, oldBlob, newBlob });
      } else {
        // numstat: "added\tremoved\tpath" (the path in the same field with -z when there is no rename)
        const [added, removed, ...rest] = field.split('\t');
        const entry = changes.get(rest.join('\t'));
        if (entry && added !== '-') {
          entry.added = Number(added);
          entry.removed = Number(removed);
        }
        i += 1;
      }
    }
    return [...changes.values()];
  }

  /** A file's bytes at a checkpoint, as they were on disk. */
  async fileAt(id: string, file: string): Promise<Buffer> {
    const meta = await this.get(id);
    const relative = rawFromDisplay(assertRelativePath(file));
    const top = this.ws.scope ? `${this.ws.scope}/${relative}` : relative;
    // --batch takes the name on stdin, so any bytes work in a path.
    const input = Buffer.concat([Buffer.from(`${meta.commit}:`), rawToBuffer(top), Buffer.from('\n')]);
    const result = await this.git.run(['cat-file', '--batch'], { input });
    const newline = result.stdout.indexOf(10);
    const [oid, type, size] = result.stdout.subarray(0, Math.max(newline, 0)).toString('latin1').split(' ');
    if (newline < 0 || type !== 'blob') throw new BooError('not-found', `${file} is not in checkpoint ${id}.`);
    const content = result.stdout.subarray(newline + 1, newline + 1 + Number(size));
    if (meta.rawBytes) return content;
    // Checkpoints of older versions stored what git's clean filters made: give the checkout form back.
    return (await this.git.run(['cat-file', '--filters', `--path=${displayPath(top)}`, oid])).stdout;
  }

  async delete(id: string): Promise<void> {
    await this.exclusive(async () => {
      const meta = await this.get(id);
      await this.git.run(['update-ref', '-d', meta.ref, meta.commit]);
    });
  }

  /** Deletes refs in one transaction (for prune and retention). */
  async deleteMany(metas: CheckpointMeta[]): Promise<void> {
    if (metas.length === 0) return;
    await this.exclusive(() => this.deleteManyLocked(metas));
  }

  async deleteManyLocked(metas: { ref: string; commit: string }[]): Promise<void> {
    if (metas.length === 0) return;
    const input = metas.map((meta) => `delete ${meta.ref} ${meta.commit}\n`).join('');
    await this.git.run(['update-ref', '--stdin'], { input });
    // Nobody else runs git in a shadow repository: let git collect what is unreachable now, in
    // the background and only past its usual threshold, so shadow stores never grow without end.
    if (this.ws.kind === 'shadow') await this.git.run(['-c', 'gc.auto=6700', '-c', 'gc.autoDetach=true', 'gc', '--auto', '--quiet']);
  }

  /** Moves checkpoints between namespaces (dropped by a restore, brought back by an undo); idempotent. Lock held. */
  async moveRefsLocked(ids: { id: string; commit: string }[], from: string, to: string): Promise<void> {
    if (ids.length === 0) return;
    const present = new Set((await this.git.text(['for-each-ref', '--format=%(refname)', from])).split('\n'));
    const input = ids
      .filter(({ id }) => present.has(from + assertCheckpointId(id)))
      .map(({ id, commit }) => `create ${to}${id} ${commit}\ndelete ${from}${id} ${commit}\n`)
      .join('');
    if (input) await this.git.run(['update-ref', '--stdin'], { input });
  }

  /** Keeps the newest `keep` checkpoints and/or those younger than `olderThanDays`. */
  async prune(options: { keep?: number; olderThanDays?: number }): Promise<CheckpointMeta[]> {
    const all = await this.list();
    const cutoff = options.olderThanDays !== undefined ? Date.now() - options.olderThanDays * 86_400_000 : -Infinity;
    // A turn and its end count as one and go together.
    const counted = all.filter((meta) => meta.kind !== 'after');
    const doomed = withTheirEnds(all, counted.filter((meta, index) => (options.keep !== undefined && index >= options.keep) || meta.createdAt < cutoff));
    await this.deleteMany(doomed);
    if (this.ws.kind === 'shadow' && doomed.length > 0) {
      // The shadow repository is ours alone: reclaim the space now (the private index's anchor keeps
      // what the next checkpoint needs).
      await this.exclusive(() => this.git.run(['gc', '--prune=now', '--quiet']));
    }
    return doomed;
  }

  /** Bytes reachable only from checkpoints (not from branches, tags or remotes). */
  async diskUsage(): Promise<number> {
    const args = ['rev-list', '--objects', '--disk-usage', '--glob=refs/boocode/*', '--not', '--branches', '--tags', '--remotes'];
    const result = await this.git.run(args, { okCodes: [0, 128, 129] });
    if (result.code === 0) return Number(result.stdout.toString().trim()) || 0;
    // git before 2.38 has no --disk-usage: sum the objects' on-disk sizes ourselves.
    const objects = await this.git.text(['rev-list', '--objects', '--glob=refs/boocode/*', '--not', '--branches', '--tags', '--remotes']);
    const ids = objects.split('\n').filter(Boolean).map((line) => line.split(' ')[0]).join('\n');
    const sizes = await this.git.text(['cat-file', '--batch-check=%(objectsize:disk)'], { input: ids + '\n' });
    return sizes.split('\n').reduce((sum, line) => sum + (Number(line) || 0), 0);
  }
}

/** Skipped paths as the workspace sees them (relative to its folder), those outside its scope left out. */
function scopeSkipped(scope: string, skipped: RawSkipped[]): RawSkipped[] {
  if (!scope) return skipped;
  return skipped.filter((file) => file.path.startsWith(`${scope}/`)).map((file) => ({ ...file, path: file.path.slice(scope.length + 1) as RawPath }));
}

/** Title line of the commit (for people browsing refs with git): one line, no control characters. */
function commitMessage(input: NewCheckpoint, recorded: RecordedMeta): string {
  const title = (input.title ?? input.label ?? `${input.kind} checkpoint`).replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 72);
  // JSON escapes every control character (NUL included), so nothing git refuses reaches the message.
  return `BooCode: ${title}\n\n${META_PREFIX}${JSON.stringify(recorded)}\n`;
}

/** True when no ref can exist under `namespace` (no loose folder, none packed): git need not be asked. */
function surelyNoRefs(commonDir: string, namespace: string): boolean {
  try {
    if (fs.existsSync(path.join(commonDir, 'reftable')) || fs.existsSync(path.join(commonDir, ...namespace.split('/').filter(Boolean)))) return false;
    const packed = fs.readFileSync(path.join(commonDir, 'packed-refs'), 'latin1');
    return !packed.includes(` ${namespace}`);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'; // no packed-refs file at all
  }
}

/** The commit a loose ref points at, read from its loose object; null whenever git is needed (packed, alternates, reftable). */
function readLooseCommit(commonDir: string, ref: string): { commit: string; parent: string | null; message: string } | null {
  try {
    if (fs.existsSync(path.join(commonDir, 'reftable'))) return null;
    const commit = fs.readFileSync(path.join(commonDir, ...ref.split('/')), 'latin1').trim();
    return commitAt(commonDir, commit);
  } catch {
    return null;
  }
}

/** A loose commit object's parent and message (null when git is needed to read it). */
function commitAt(commonDir: string, commit: string): { commit: string; parent: string | null; message: string } | null {
  const object = readLooseObject(path.join(commonDir, 'objects'), commit);
  if (!object || object.type !== 'commit') return null;
  const text = object.body.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = split < 0 ? text : text.slice(0, split);
  const parent = /^parent ([0-9a-f]+)$/m.exec(headers)?.[1] ?? null;
  return { commit, parent, message: split < 0 ? '' : text.slice(split + 2) };
}

/**
 * More refs than this are listed by git: reading a ref and its commit here costs ~60 µs on this
 * process's thread, while git lists a few hundred in a process of its own, alongside the capture.
 */
const LOOSE_LIST_MAX = 40;

/**
 * Every ref under a namespace with its commit's parent and message, read from loose refs, packed
 * refs and loose commit objects; null whenever git is needed (a reftable, a symbolic ref, a commit
 * packed by gc, a very long list). A ref that disappears while being read was deleted: left out.
 */
function readLooseNamespace(commonDir: string, namespace: string): { commit: string; ref: string; parent: string | null; message: string }[] | null {
  try {
    if (fs.existsSync(path.join(commonDir, 'reftable'))) return null;
    const refs = new Map<string, string>();
    let packed = '';
    try {
      packed = fs.readFileSync(path.join(commonDir, 'packed-refs'), 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    if (packed.includes(` ${namespace}`)) {
      for (const line of packed.split('\n')) {
        const match = /^([0-9a-f]{40}) (\S+)$/.exec(line);
        if (match && match[2].startsWith(namespace)) refs.set(match[2], match[1]);
      }
    }
    const walk = (ref: string): boolean => {
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(path.join(commonDir, ...ref.split('/').filter(Boolean)), { withFileTypes: true });
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ENOENT';
      }
      for (const entry of names) {
        // An update in progress: git reads the ref itself, not its lock.
        if (entry.name.endsWith('.lock')) continue;
        if (entry.isDirectory()) {
          if (!walk(`${ref}${entry.name}/`)) return false;
          continue;
        }
        let content: string;
        try {
          content = fs.readFileSync(path.join(commonDir, ...`${ref}${entry.name}`.split('/')), 'latin1').trim();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          return false;
        }
        if (!/^[0-9a-f]{40}$/.test(content)) return false;
        refs.set(`${ref}${entry.name}`, content);
      }
      return true;
    };
    if (!walk(namespace) || refs.size > LOOSE_LIST_MAX) return null;
    const found = [];
    for (const [ref, commit] of [...refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const read = commitAt(commonDir, commit);
      if (!read) return null;
      found.push({ ...read, ref });
    }
    return found;
  } catch {
    return null;
  }
}

function storedOf(recorded: RecordedMeta, commit: string, ref: string, head: string | null): StoredCheckpoint {
  const rawSkipped = recorded.skipped ?? [];
  const skipped: SkippedFile[] = rawSkipped.map((file) => ({ ...file, path: recorded.v === 2 ? displayPath(file.path) : file.path }));
  const modes: ModeManifest = new Map((recorded.modes ?? []).map(([file, mode]) => [file as RawPath, mode]));
  return {
    id: recorded.id,
    commit,
    ref,
    createdAt: recorded.createdAt,
    kind: recorded.kind,
    label: recorded.label,
    sessionId: recorded.session,
    anchorMessageId: recorded.anchor,
    head,
    skipped,
    prompt: recorded.prompt ?? null,
    endsTurn: typeof recorded.ends === 'string' ? recorded.ends : null,
    rawSkipped: recorded.v === 2 ? rawSkipped : rawSkipped.map((file) => ({ ...file, path: Buffer.from(file.path, 'utf8').toString('latin1') as RawPath })),
    modes,
    umask: recorded.v === 2 && typeof recorded.umask === 'number' ? recorded.umask : null,
    emptyFolders: (recorded.emptyFolders ?? []).map(([folder, mode]) => [folder as RawPath, mode]),
    rawBytes: recorded.v === 2,
  };
}

function parseMessage(body: string, commit: string, ref: string, head: string | null = null): { meta: StoredCheckpoint; workspaceKey: string } | null {
  const line = body.split('\n').find((candidate) => candidate.startsWith(META_PREFIX));
  if (!line) return null;
  try {
    const recorded = JSON.parse(line.slice(META_PREFIX.length)) as RecordedMeta;
    if ((recorded.v !== 1 && recorded.v !== 2) || typeof recorded.id !== 'string' || !ref.endsWith(`/${recorded.id}`)) return null;
    return { meta: storedOf(recorded, commit, ref, head), workspaceKey: recorded.workspace };
  } catch {
    return null;
  }
}
