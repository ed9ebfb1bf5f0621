// Bringing a session in: its checkpoint commits (rebased onto this workspace), then its transcript.
// Objects land in a quarantine first; refs are created in one transaction and the transcript in one
// journal line, and if the transcript cannot be written the refs are taken back: both or neither.
import { CHECKPOINT_REFS, DROPPED_REFS } from '../engine';
import { BooError, describeError } from '../errors';
import { assertCheckpointId, newSessionId, newTimeId, timeOfId } from '../ids';
import { ImportedSession } from '../store/ops';
import { parseCheckpointCommit, parentOf, rewriteCheckpointCommit, treeOf, unsafeMetadata } from './checkpointCommit';
import { ShareContext } from './context';
import { Quarantine } from './quarantine';
import { sha256 } from './manifest';
import { readTranscript, TranscriptJson } from './transcriptJson';
import { placeAgentFile, PlacedAgentFile, rebaseDir } from '../resume/agentFile';
import * as fs from 'fs';

export interface IncomingSession {
  /** The file (or shared ref) it came from, named in every message. */
  origin: string;
  source: { workspace: string; scope: string; kind: 'git' | 'shadow' };
  transcript: TranscriptJson;
  checkpoints: { id: string; commit: string }[];
  /** A self-contained pack with the checkpoints' objects; null when they are already in the repository (fetched). */
  pack: Buffer | null;
}

export interface SkippedCheckpoint {
  id: string;
  reason: string;
}

export interface ImportResult {
  sessionId: string;
  /** The id it had where it came from (differs with --as-new). */
  sourceSessionId: string;
  workspace: string;
  alreadyImported: boolean;
  imported: string[];
  skipped: SkippedCheckpoint[];
  messages: number;
  /** Where the agent's own session file that came along was put (for a resume), or null. */
  agentFile: string | null;
}

interface Prepared {
  id: string;
  sourceId: string;
  commit: string;
}

export async function importSession(context: ShareContext, incoming: IncomingSession, options: { asNew?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<ImportResult> {
  const { ws, engine, store } = context;
  const sourceId = incoming.transcript.session.id;
  if (incoming.source.scope !== ws.scope) {
    const where = (scope: string) => (scope ? `folder ${scope}` : 'the top level');
    throw new BooError('refused', `${incoming.origin} was recorded in ${where(incoming.source.scope)} of its repository, this workspace is ${where(ws.scope)}; import it from the matching folder. Nothing was changed.`);
  }
  return engine.exclusive(async () => {
    const fingerprint = sha256(Buffer.from(JSON.stringify(incoming.transcript), 'utf8'));
    const { local, importedAs } = await store.read((db) => ({
      local: readTranscript(db, sourceId),
      importedAs: db.exec('SELECT value FROM meta WHERE key = ?', [`imported:${sourceId}`])[0]?.values[0]?.[0] ?? null,
    }));
    // --as-new: new session, message and checkpoint ids, whether the old ones clash with a session or with refs.
    const asNew = !!options.asNew;
    if (local && !asNew) {
      // The same content imported before (the session may have gone on or been restored since), or the very session here.
      if (importedAs !== fingerprint && !sameContent(local, incoming.transcript)) {
        throw new BooError('refused', `Session ${sourceId} already exists here with different content; add --as-new to import it under a new id. Nothing was changed.`);
      }
      return { sessionId: sourceId, sourceSessionId: sourceId, workspace: ws.root, alreadyImported: true, imported: [], skipped: [], messages: 0, agentFile: null };
    }
    const ids = idMap(incoming, asNew);
    const quarantine = new Quarantine(ws, engine.git);
    try {
      // git's fsck checks on every object (no tree entry named .. or .git, no bad mode); not --strict,
      // which would also want every parent here and so refuse the whole file for one missing checkpoint.
      if (incoming.pack) await quarantine.run(['index-pack', '--fsck-objects', '--stdin'], { input: incoming.pack });
      const skipped: SkippedCheckpoint[] = [];
      const rows = new Map(incoming.transcript.checkpoints.map((row) => [row.id, row]));
      const prompts = new Map(incoming.transcript.messages.map((m) => [m.id, m.text]));
      const prepared: Prepared[] = [];
      const endsOf = new Map<string, string>();
      for (const checkpoint of incoming.checkpoints) {
        const reason = await missingObjects(quarantine, checkpoint.commit);
        if (reason) {
          skipped.push({ id: checkpoint.id, reason });
          continue;
        }
        const raw = (await quarantine.run(['cat-file', 'commit', checkpoint.commit])).stdout;
        const { fields } = parseCheckpointCommit(raw);
        if (fields.id !== checkpoint.id || fields.session !== sourceId) {
          throw new BooError('refused', `${incoming.origin}: checkpoint ${checkpoint.id} does not belong to session ${sourceId}; nothing was imported.`);
        }
        const unsafe = unsafeMetadata(fields);
        if (unsafe) {
          skipped.push({ id: checkpoint.id, reason: unsafe });
          continue;
        }
        const row = rows.get(checkpoint.id);
        const rebased = rewriteCheckpointCommit(raw, (recorded) => ({
          ...recorded,
          // Taken back from the transcript when an encrypted share left them out of the commit.
          prompt: recorded.prompt ?? (recorded.anchor ? prompts.get(recorded.anchor)?.slice(0, 2000) ?? null : null),
          label: recorded.label ?? row?.label ?? null,
          id: ids.checkpoint(recorded.id),
          session: ids.session,
          anchor: recorded.anchor === null ? null : ids.message(recorded.anchor),
          // A checkpoint that names another (the turn an after-turn checkpoint ends) follows its new id.
          ...(typeof recorded.ends === 'string' ? { ends: ids.checkpoint(recorded.ends) } : {}),
          workspace: ws.key,
        }));
        const commit = (await quarantine.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: rebased })).stdout.toString().trim();
        prepared.push({ id: ids.checkpoint(checkpoint.id), sourceId: checkpoint.id, commit });
        if (fields.kind === 'after' && typeof fields.ends === 'string') endsOf.set(checkpoint.id, fields.ends);
      }
      // A turn's end means nothing without its turn: skipped with it (the pair counts as one).
      for (const [index, each] of [...prepared.entries()].reverse()) {
        const turn = endsOf.get(each.sourceId);
        if (turn === undefined || !skipped.some((skip) => skip.id === turn)) continue;
        prepared.splice(index, 1);
        skipped.push({ id: each.sourceId, reason: `the turn it ends (checkpoint ${turn}) was skipped` });
      }
      await refuseTakenIds(context, prepared);
      const op = { ...importOp(incoming.transcript, ids, prepared, ws.root, incoming.source.workspace), fingerprint };
      // The agent's own session file, put where the agent finds it here (its folders rebased).
      const own = incoming.transcript.agentFile;
      let placed: PlacedAgentFile | null = null;
      if (own) {
        try {
          placed = placeAgentFile(own, {
            sessionId: ids.session,
            agentSessionId: incoming.transcript.session.agentSessionId ?? sourceId,
            agentCwd: incoming.transcript.session.agentCwd ?? null,
            source: incoming.source.workspace,
            destination: ws.root,
            stateDir: ws.stateDir,
            env: options.env ?? process.env,
          });
          op.session = { ...op.session, agentSessionId: placed.agentSessionId, agentTranscript: placed.agentTranscript, agentCwd: placed.agentCwd };
        } catch (error) {
          // The session comes in all the same; resuming it here starts a seeded conversation.
          context.notice(`The agent's own session file of ${incoming.origin} could not be put in place (${describeError(error)}); the session is imported without it.`);
        }
      }
      // Both legs ready: objects in, refs in one transaction, then the transcript in one journal line.
      quarantine.migrate();
      if (prepared.length > 0) {
        const input = prepared.map((c) => `create ${CHECKPOINT_REFS}${c.id} ${c.commit}\n`).join('');
        await engine.git.run(['update-ref', '--stdin', '-m', 'boocode import'], { input });
      }
      try {
        await store.transact((db) => {
          if (db.exec('SELECT 1 FROM sessions WHERE id = ?', [ids.session])[0]) {
            throw new BooError('refused', `Session ${ids.session} appeared here while importing; run the import again.`);
          }
          // A message id another session here already uses would be silently dropped: refuse instead.
          const taken = op.messages.find((m) => db.exec('SELECT 1 FROM messages WHERE id = ?', [m.id])[0]);
          if (taken) throw new BooError('refused', `message ${taken.id} already belongs to another session here; add --as-new`);
          return { result: null, ops: [{ op: 'importSession' as const, ...op }] };
        });
      } catch (error) {
        if (prepared.length > 0) {
          const input = prepared.map((c) => `delete ${CHECKPOINT_REFS}${c.id} ${c.commit}\n`).join('');
          await engine.git.run(['update-ref', '--stdin'], { input }).catch(() => undefined);
        }
        if (placed?.created) fs.rmSync(placed.created, { force: true });
        throw new BooError('store-failed', `The transcript of ${incoming.origin} could not be written (${describeError(error)}); nothing was imported.`);
      }
      return {
        sessionId: ids.session,
        sourceSessionId: sourceId,
        workspace: ws.root,
        alreadyImported: false,
        imported: prepared.map((c) => c.id),
        skipped,
        messages: op.messages.length,
        agentFile: placed?.agentTranscript ?? null,
      };
    } finally {
      quarantine.remove();
    }
  });
}

/** Checkpoint refs are shared by a repository's worktrees: an id taken already means another copy is here. */
async function refuseTakenIds(context: ShareContext, prepared: Prepared[]): Promise<void> {
  if (prepared.length === 0) return;
  const output = await context.engine.git.text(['for-each-ref', '--format=%(refname)', CHECKPOINT_REFS, DROPPED_REFS]);
  const taken = new Set(output.split('\n').map((ref) => ref.slice(ref.lastIndexOf('/') + 1)));
  const clash = prepared.find((c) => taken.has(c.id));
  if (clash) {
    throw new BooError('refused', `Checkpoint ${clash.id} already exists in this repository (another worktree or an earlier copy); add --as-new to import under new ids. Nothing was changed.`);
  }
}

/** Why a checkpoint cannot come in (its parent or some of its objects are not here), or null. */
async function missingObjects(quarantine: Quarantine, commit: string): Promise<string | null> {
  const found = await quarantine.run(['cat-file', 'commit', commit], { okCodes: [0, 128] });
  if (found.code !== 0) return `its commit ${commit.slice(0, 12)} is not in the file`;
  const parent = parentOf(found.stdout);
  if (parent) {
    const hasParent = await quarantine.run(['cat-file', '-e', `${parent}^{commit}`], { okCodes: [0, 1, 128] });
    if (hasParent.code !== 0) return `this repository lacks commit ${parent.slice(0, 12)} it was taken on (fetch or pull it, then import again)`;
  }
  // Every object of its tree that the parent does not already hold must be here.
  const args = ['rev-list', '--objects', '--missing=print', commit, ...(parent ? ['--not', parent] : [])];
  const listed = await quarantine.run(args, { okCodes: [0, 128] });
  const missing = listed.stdout.toString('latin1').split('\n').filter((line) => line.startsWith('?'));
  if (listed.code !== 0 || missing.length > 0) return `${missing.length || 'some'} of its objects are missing (e.g. ${missing[0]?.slice(1, 13) ?? treeOf(found.stdout).slice(0, 12)})`;
  return null;
}

interface IdMap {
  session: string;
  message(id: string): string;
  checkpoint(id: string): string;
}

/** Ids as they are, or all new ones (sorting as the old ones did) for an import under a new id. */
function idMap(incoming: IncomingSession, asNew: boolean): IdMap {
  if (!asNew) return { session: incoming.transcript.session.id, message: (id) => id, checkpoint: (id) => id };
  const remap = new Map<string, string>();
  const fresh = (id: string) => {
    let next = remap.get(id);
    if (!next) {
      const at = /^[0-9a-z]{9}-[0-9a-z]{6}$/.test(id) ? timeOfId(id) : Date.now();
      remap.set(id, (next = newTimeId(at)));
    }
    return next;
  };
  return { session: newSessionId(), message: fresh, checkpoint: (id) => assertCheckpointId(fresh(id)) };
}

function importOp(transcript: TranscriptJson, ids: IdMap, prepared: Prepared[], workspace: string, source: string): ImportedSession {
  const commits = new Map(prepared.map((c) => [c.sourceId, c.commit]));
  const { agentCwd, agentTranscript: _elsewhere, ...session } = transcript.session;
  return {
    // The directory rebase: the session now lives in this workspace (the agent's folder too). The
    // agent's transcript path named a file on the other machine: set again when its file came along.
    session: {
      ...session,
      id: ids.session,
      workspace,
      agentSessionId: session.agentSessionId ?? (session.agent ? transcript.session.id : null),
      agentCwd: agentCwd ? rebaseDir(agentCwd, source, workspace) : null,
      agentTranscript: null,
    },
    messages: transcript.messages.map((m) => ({ id: ids.message(m.id), session: ids.session, role: m.role, text: m.text, at: m.createdAt, agentRef: m.agentRef ?? null })),
    checkpoints: transcript.checkpoints
      .filter((c) => commits.has(c.id))
      .map((c) => ({ id: ids.checkpoint(c.id), session: ids.session, anchor: c.anchor === null ? null : ids.message(c.anchor), commit: commits.get(c.id) as string, label: c.label, at: c.createdAt })),
    restores: transcript.restores.map((r) => ({
      id: ids.message(r.id),
      checkpoint: ids.message(r.checkpoint),
      safety: r.safety === null ? null : ids.message(r.safety),
      mode: r.mode,
      at: r.createdAt,
      undoneAt: r.undoneAt,
      payload: r.payload,
    })),
  };
}

/** The same session already here: every incoming message is here, unchanged (the local one may have gone on since). */
function sameContent(local: TranscriptJson, incoming: TranscriptJson): boolean {
  const here = new Map(local.messages.map((m) => [m.id, m]));
  return incoming.messages.every((m) => {
    const mine = here.get(m.id);
    return !!mine && mine.role === m.role && mine.text === m.text && mine.createdAt === m.createdAt;
  });
}
