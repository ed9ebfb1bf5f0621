// The git checkpoint engine: create, list, diff, read, restore, delete and prune checkpoints.
// A checkpoint is a commit (parented on HEAD when there is one) whose tree is the whole work
// tree, pointed at by refs/boocode/checkpoints/<id>. HEAD, branches, the staging area and the
// repository's index are never written. All git work for one repository runs one writer at a time.
import * as fs from 'fs';
import * as path from 'path';
import { captureTree } from './capture';
import { BooError } from './errors';
import { Git, splitNul } from './git';
import { assertCheckpointId, newTimeId } from './ids';
import { withLock } from './lock';
import { assertRelativePath, inScope, lstatOrNull, stripScope, workspacePathspecs } from './paths';
import { applyRestore, TreeEntryChange } from './restoreWriter';
import { CheckpointKind, CheckpointMeta, FileChange, FilesRestoreResult, RestorePlan, SkippedFile } from './types';
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
}

/** What we write into the commit message, so a checkpoint explains itself without the transcript. */
interface RecordedMeta {
  v: 1;
  id: string;
  kind: CheckpointKind;
  label: string | null;
  session: string | null;
  anchor: string | null;
  workspace: string;
  createdAt: number;
  skipped: SkippedFile[];
  prompt?: string | null;
}

const META_PREFIX = 'boocode: ';
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export class CheckpointEngine {
  readonly git: Git;
  private headFromOpen: string | null | undefined;
  private readonly openedAt = Date.now();

  constructor(
    readonly ws: Workspace,
    private readonly options: EngineOptions,
  ) {
    this.git = new Git(ws.topLevel, ws.gitDir, options.env);
    this.headFromOpen = ws.head;
  }

  /** Runs `task` as the only git writer for this workspace, across processes. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    fs.mkdirSync(this.ws.stateDir, { recursive: true, mode: 0o700 });
    return withLock(
      path.join(this.ws.stateDir, 'git.lock'),
      { timeoutMs: this.options.lockTimeoutMs, staleMs: 10 * 60_000, what: 'The checkpoint store' },
      task,
    );
  }

  async create(input: NewCheckpoint): Promise<CheckpointMeta> {
    return this.exclusive(() => this.createLocked(input));
  }

  /** HEAD now; the value read when the workspace was opened is reused for the first call (one spawn less per checkpoint). */
  private async head(): Promise<string | null> {
    if (this.ws.kind === 'shadow') return null;
    if (this.headFromOpen !== undefined && Date.now() - this.openedAt < 1000) {
      const head = this.headFromOpen;
      this.headFromOpen = undefined;
      return head;
    }
    const result = await this.git.run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { okCodes: [0, 1, 128] });
    return result.code === 0 ? result.stdout.toString().trim() : null;
  }

  private async createLocked(input: NewCheckpoint): Promise<CheckpointMeta> {
    const [head, capture] = await Promise.all([this.head(), captureTree(this.git, this.ws, this.options)]);
    const id = newTimeId();
    const skipped = capture.skipped
      .map((file) => ({ ...file, path: stripScope(this.ws.scope, file.path) }))
      .filter((file): file is SkippedFile => file.path !== null);
    const recorded: RecordedMeta = {
      v: 1,
      id,
      kind: input.kind,
      label: input.label ?? null,
      session: input.sessionId ?? null,
      anchor: input.anchorMessageId ?? null,
      workspace: this.ws.key,
      createdAt: Date.now(),
      skipped,
      prompt: input.prompt ? input.prompt.slice(0, 2000) : null,
    };
    const title = (input.title ?? input.label ?? `${input.kind} checkpoint`).split('\n')[0].slice(0, 72);
    const message = `BooCode: ${title}\n\n${META_PREFIX}${JSON.stringify(recorded)}\n`;
    const commit = await this.git.text(['commit-tree', capture.tree, ...(head ? ['-p', head] : []), '-F', '-'], { input: message });
    const ref = CHECKPOINT_REFS + id;
    await this.git.run(['update-ref', '--no-deref', '-m', 'boocode checkpoint', ref, commit, '0'.repeat(40)]);
    return toMeta(recorded, commit, ref, head);
  }

  /** Checkpoints of this workspace, newest first. */
  async list(namespace = CHECKPOINT_REFS): Promise<CheckpointMeta[]> {
    const output = await this.git.run(['for-each-ref', '--format=%(objectname) %(refname) %(parent)%00%(contents)%00', namespace]);
    const fields = splitNul(output.stdout);
    const result: CheckpointMeta[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [commit, ref, parent] = fields[i].replace(/^\n/, '').split(' ');
      const meta = parseMessage(fields[i + 1], commit, ref, parent || null);
      if (meta && meta.workspaceKey === this.ws.key) result.push(meta.meta);
    }
    return result.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** One checkpoint of this workspace, or a clear error. One git call. */
  async get(id: string, namespace = CHECKPOINT_REFS): Promise<CheckpointMeta> {
    assertCheckpointId(id);
    const ref = namespace + id;
    const output = await this.git.run(['for-each-ref', '--format=%(objectname) %(refname) %(parent)%00%(contents)%00', ref]);
    const fields = splitNul(output.stdout);
    const [commit, foundRef, parent] = (fields[0] ?? '').replace(/^\n/, '').split(' ');
    if (foundRef !== ref) {
      throw new BooError('not-found', `No checkpoint ${id} in this workspace; run \`boocode list\` to see the checkpoints.`);
    }
    const parsed = parseMessage(fields[1] ?? '', commit, ref, parent || null);
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
    const target = to ? (await this.get(to)).commit : await this.exclusive(async () => (await captureTree(this.git, this.ws, this.options)).tree);
    return (await this.treeChanges(base.commit, target, true)).map(({ path: file, status, added, removed }) => ({
      path: file,
      status,
      added,
      removed,
    }));
  }

  /** Changes between two tree-ish objects inside the workspace scope, gitlinks left out. */
  private async treeChanges(from: string, to: string, withCounts: boolean): Promise<(FileChange & TreeEntryChange)[]> {
    const specs = workspacePathspecs(this.ws.scope, this.options.exclude);
    const pathspec = specs.length ? ['--', ...specs] : [];
    const args = ['diff-tree', '-r', '-z', '--no-renames', '--raw', ...(withCounts ? ['--numstat'] : []), from || EMPTY_TREE, to, ...pathspec];
    const fields = splitNul((await this.git.run(args)).stdout);
    const changes = new Map<string, FileChange & TreeEntryChange>();
    let i = 0;
    while (i < fields.length) {
      const field = fields[i];
      if (field.startsWith(':')) {
        const [oldMode, newMode, oldBlob, newBlob, letter] = field.slice(1).split(' ');
        const file = fields[i + 1];
        i += 2;
        const relative = stripScope(this.ws.scope, file);
        if (relative === null || oldMode === '160000' || newMode === '160000') continue;
        const status = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : letter === 'T' ? 'typechange' : 'modified';
        changes.set(file, { path: relative, topPath: file, status, added: null, removed: null, oldMode, newMode, oldBlob, newBlob });
      } else {
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

  /** A file's bytes at a checkpoint, as it would be on disk. */
  async fileAt(id: string, file: string): Promise<Buffer> {
    const meta = await this.get(id);
    const relative = assertRelativePath(file);
    const spec = `${meta.commit}:${inScope(this.ws.scope, relative)}`;
    const result = await this.git.run(['cat-file', '--filters', spec], { okCodes: [0, 128] });
    if (result.code !== 0) throw new BooError('not-found', `${relative} is not in checkpoint ${id}.`);
    return result.stdout;
  }

  /** What restoring `id` would change now, without changing anything. */
  async planRestore(id: string): Promise<RestorePlan> {
    return this.exclusive(async () => {
      const target = await this.get(id);
      const now = await captureTree(this.git, this.ws, this.options);
      const { plan } = await this.plan(target, now.tree, now.skipped);
      return plan;
    });
  }

  /**
   * Brings the work tree back to checkpoint `id`, touching only files that differ. A safety
   * checkpoint of the current state is taken first; restoring it undoes this restore.
   */
  async restore(checkpoint: string | CheckpointMeta, safetyLabel?: string): Promise<FilesRestoreResult> {
    return this.exclusive(async () => {
      const target = typeof checkpoint === 'string' ? await this.get(checkpoint) : checkpoint;
      const id = target.id;
      const safety = await this.createLocked({ kind: 'safety', label: safetyLabel ?? `Before restoring ${id}` });
      const { plan, changes } = await this.plan(target, safety.commit, safety.skipped);
      const written = await applyRestore(this.git, this.ws.topLevel, changes, plan);
      return {
        restored: id,
        safetyCheckpoint: safety.id,
        filesChanged: written.modified.length + written.recreated.length + written.deleted.length,
        ...written,
      };
    });
  }

  private async plan(target: CheckpointMeta, current: string, currentSkipped: SkippedFile[]) {
    const changes = await this.treeChanges(current, target.commit, false);
    const keptReasons = new Map<string, string>();
    for (const file of target.skipped) keptReasons.set(file.path, `left out of checkpoint ${target.id} (${file.reason})`);
    for (const file of currentSkipped) {
      const relative = stripScope(this.ws.scope, file.path) ?? file.path;
      keptReasons.set(relative, `cannot be backed up before restoring (${file.reason})`);
    }
    const plan: RestorePlan = { checkpoint: target, modified: [], recreated: [], deleted: [], kept: [] };
    const actionable: TreeEntryChange[] = [];
    for (const change of changes) {
      const reason = keptReasons.get(change.path);
      if (reason) {
        plan.kept.push({ path: change.path, reason });
        continue;
      }
      if (change.status === 'added') {
        // In the checkpoint, not in the captured present: if it exists on disk it is ignored now,
        // unless it is a folder whose captured files this restore deletes (a file that became a folder).
        const onDisk = lstatOrNull(path.join(this.ws.topLevel, change.topPath));
        const folderBeingEmptied = onDisk?.isDirectory() && changes.some((other) => other.status === 'deleted' && other.topPath.startsWith(`${change.topPath}/`));
        if (onDisk && !folderBeingEmptied) {
          plan.kept.push({ path: change.path, reason: 'exists now and is ignored; left as it is' });
          continue;
        }
        plan.recreated.push(change.path);
      } else if (change.status === 'deleted') {
        plan.deleted.push(change.path);
      } else {
        plan.modified.push(change.path);
      }
      actionable.push(change);
    }
    return { plan, changes: actionable };
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
    await this.exclusive(async () => {
      const input = metas.map((meta) => `delete ${meta.ref} ${meta.commit}\n`).join('');
      await this.git.run(['update-ref', '--stdin'], { input });
      // Nobody else runs git in a shadow repository: let git collect what is unreachable now, in
      // the background and only past its usual threshold, so shadow stores never grow without end.
      if (this.ws.kind === 'shadow') await this.git.run(['-c', 'gc.auto=6700', '-c', 'gc.autoDetach=true', 'gc', '--auto', '--quiet']);
    });
  }

  /** Moves checkpoints between namespaces (dropped by a restore, brought back by an undo). */
  async moveRefs(ids: { id: string; commit: string }[], from: string, to: string): Promise<void> {
    if (ids.length === 0) return;
    await this.exclusive(async () => {
      const input = ids
        .map(({ id, commit }) => `create ${to}${assertCheckpointId(id)} ${commit}\ndelete ${from}${id} ${commit}\n`)
        .join('');
      await this.git.run(['update-ref', '--stdin'], { input });
    });
  }

  /** Forgets checkpoints that a restore dropped and an undo can no longer bring back. */
  async clearDropped(): Promise<void> {
    const dropped = await this.list(DROPPED_REFS);
    await this.deleteMany(dropped);
  }

  /** Keeps the newest `keep` checkpoints and/or those younger than `olderThanDays`. */
  async prune(options: { keep?: number; olderThanDays?: number }): Promise<CheckpointMeta[]> {
    const all = await this.list();
    const cutoff = options.olderThanDays !== undefined ? Date.now() - options.olderThanDays * 86_400_000 : -Infinity;
    const doomed = all.filter((meta, index) => (options.keep !== undefined && index >= options.keep) || meta.createdAt < cutoff);
    await this.deleteMany(doomed);
    if (this.ws.kind === 'shadow' && doomed.length > 0) {
      // The shadow repository is ours alone: reclaim the space now.
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

function toMeta(recorded: RecordedMeta, commit: string, ref: string, head: string | null): CheckpointMeta {
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
    skipped: recorded.skipped ?? [],
    prompt: recorded.prompt ?? null,
  };
}

function parseMessage(body: string, commit: string, ref: string, head: string | null = null): { meta: CheckpointMeta; workspaceKey: string } | null {
  const line = body.split('\n').find((candidate) => candidate.startsWith(META_PREFIX));
  if (!line) return null;
  try {
    const recorded = JSON.parse(line.slice(META_PREFIX.length)) as RecordedMeta;
    if (recorded.v !== 1 || typeof recorded.id !== 'string' || !ref.endsWith(`/${recorded.id}`)) return null;
    return { meta: toMeta(recorded, commit, ref, head), workspaceKey: recorded.workspace };
  } catch {
    return null;
  }
}
