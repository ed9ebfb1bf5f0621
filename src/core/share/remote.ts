// `boocode push` and `boocode fetch`: sessions shared through a git remote the person already has.
// Checkpoint commits go as they are; the transcript goes as a blob in a commit of its own.
import { BooError } from '../errors';
import { chunkArgs, firstErrorLine } from '../git';
import { assertCheckpointId } from '../ids';
import { ShareContext } from './context';
import { Encryption, unseal } from './crypto';
import { packageSession } from './exportSession';
import { IncomingSession } from './importSession';
import { checkManifest, Manifest } from './manifest';
import { checkGitVersion, remoteGit, RemoteOptions } from './remoteGit';
import { assertRemote, assertUser, defaultUser, parseSharedRef, sessionComponent, sessionPrefix, SHARED_REFS } from './sharedRefs';
import { parseTranscript } from './transcriptJson';

export interface PushPlan {
  remote: string;
  user: string;
  sessions: { id: string; checkpoints: number; messages: number; encrypted: boolean }[];
  /** `<commit>:<ref>` for git push. */
  refspecs: string[];
  /** Objects and bytes (on disk, compressed) the remote may not have yet: at most this much is sent. */
  objects: number;
  bytes: number;
  /** Commits of the person's own history (the checkpoints' parents and before) the remote's tracking refs lack: they travel too. */
  historyCommits: number;
}

export async function planPush(
  context: ShareContext,
  remote: string,
  sessionIds: string[],
  options: { user: string; encryption?: Encryption | null; maxBytes: number },
): Promise<PushPlan> {
  assertRemote(remote);
  const user = assertUser(options.user);
  const git = context.engine.git;
  const ids = sessionIds.length ? sessionIds : (await context.store.read((db) => db.exec('SELECT id FROM sessions ORDER BY updated_at')[0]?.values ?? [])).map(([id]) => String(id));
  if (ids.length === 0) throw new BooError('not-found', 'No sessions to share in this workspace; run `boocode sessions` to see them.');
  const plan: PushPlan = { remote, user, sessions: [], refspecs: [], objects: 0, bytes: 0, historyCommits: 0 };
  const tips: string[] = [];
  const parents = new Set<string>();
  for (const id of ids) {
    const packaged = await packageSession(context, id, { encryption: options.encryption, maxBytes: options.maxBytes, bundle: false });
    const prefix = sessionPrefix(user, id);
    for (const checkpoint of packaged.manifest.checkpoints) plan.refspecs.push(`${checkpoint.commit}:${prefix}checkpoints/${checkpoint.id}`);
    packaged.manifest.prerequisites.forEach((commit) => parents.add(commit));
    const transcriptName = packaged.manifest.parts.transcript.encryption ? 'transcript.enc' : 'transcript.json';
    const blob = async (data: Buffer) => (await git.text(['hash-object', '-w', '--stdin'], { input: data })).trim();
    const tree = await git.text(['mktree'], {
      input: `100644 blob ${await blob(Buffer.from(JSON.stringify(packaged.manifest, null, 2)))}\tmanifest.json\n100644 blob ${await blob(packaged.transcript)}\t${transcriptName}\n`,
    });
    const commit = await git.text(['commit-tree', tree, '-m', `BooCode shared session ${id}`]);
    plan.refspecs.push(`${commit}:${prefix}transcript`);
    tips.push(commit, ...packaged.manifest.checkpoints.map((c) => c.commit));
    plan.sessions.push({ id, checkpoints: packaged.manifest.checkpoints.length, messages: packaged.plain.messages.length, encrypted: !!options.encryption });
  }
  // What the remote may lack, judged by the remote-tracking refs we have (an upper bound). Revisions
  // go on stdin: a workspace may share thousands of checkpoints.
  const known = (await git.text(['for-each-ref', '--format=^%(objectname)', 'refs/remotes/'])).split('\n').filter(Boolean);
  const revs = (list: Iterable<string>) => ({ input: [...list, ...known].join('\n') + '\n' });
  const counted = await git.run(['rev-list', '--objects', '--disk-usage', '--stdin'], { ...revs(tips), okCodes: [0, 128, 129] });
  if (counted.code === 0) plan.bytes = Number(counted.stdout.toString().trim()) || 0;
  plan.objects = (await git.text(['rev-list', '--objects', '--stdin'], revs(tips))).split('\n').filter(Boolean).length;
  if (parents.size) plan.historyCommits = Number(await git.text(['rev-list', '--count', '--stdin'], revs(parents))) || 0;
  return plan;
}

/** Whose shared sessions these are by default: git's user.name (made ref-safe), else the login name. */
export async function sharerName(context: ShareContext): Promise<string> {
  const name = (await context.engine.git.run(['config', 'user.name'], { okCodes: [0, 1] })).stdout.toString().trim();
  return defaultUser(name || null);
}

export async function runPush(context: ShareContext, plan: PushPlan, options: RemoteOptions = {}): Promise<{ pushed: number }> {
  // '+': a transcript commit replaces the previous one; the namespace is the sharer's own.
  const git = remoteGit(context.ws, options);
  await checkGitVersion(git);
  // In bounded groups of refspecs, so thousands of checkpoints never make one huge command line.
  for (const group of chunkArgs(plan.refspecs.map((spec) => `+${spec}`))) {
    await git.push([plan.remote, ...group]).catch(remoteFailure(`git push to ${plan.remote}`, 'nothing more was shared'));
  }
  return { pushed: plan.refspecs.length };
}

export async function fetchShared(context: ShareContext, remote: string, options: RemoteOptions = {}): Promise<SharedSession[]> {
  assertRemote(remote);
  // Objects from elsewhere get git's fsck checks, as an import's pack does.
  const git = remoteGit(context.ws, { ...options, config: ['fetch.fsckObjects=true'] });
  await checkGitVersion(git);
  await git
    .fetch([remote, `+${SHARED_REFS}*:${SHARED_REFS}*`])
    .catch(remoteFailure(`git fetch from ${remote}`, 'nothing was changed here'));
  return listShared(context);
}

/** simple-git's error (git's stderr, or its own timeout) as one line that says what happened. */
function remoteFailure(what: string, outcome: string) {
  return (error: unknown): never => {
    if (isAbort(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const line = /timeout/i.test(message) && !/fatal/.test(message) ? 'git said nothing for 2 minutes (timed out)' : firstErrorLine(message, 'failed');
    throw new BooError('git-failed', `${what} failed: ${line}; ${outcome}.`);
  };
}

const isAbort = (error: unknown) => (error as { task?: unknown; message?: string })?.message?.includes('Abort') ?? false;

export interface SharedSession {
  id: string;
  /** Whose it is. */
  shared: string;
  agent: string | null;
  /** The folder it was recorded in, on the sharer's machine. */
  workspace: string;
  title: string | null;
  createdAt: number;
  updatedAt: number;
  messageCount: number | null;
  checkpoints: number;
  encrypted: boolean;
}

interface SharedRefs {
  user: string;
  sessionId: string;
  transcript: string | null;
  checkpoints: { id: string; commit: string }[];
}

async function sharedRefs(context: ShareContext): Promise<SharedRefs[]> {
  const output = await context.engine.git.text(['for-each-ref', '--format=%(objectname) %(refname)', SHARED_REFS]);
  const byKey = new Map<string, SharedRefs>();
  for (const line of output.split('\n').filter(Boolean)) {
    const [commit, ref] = line.split(' ');
    const parsed = parseSharedRef(ref);
    if (!parsed) continue;
    const key = `${parsed.user}/${parsed.sessionId}`;
    const entry = byKey.get(key) ?? { user: parsed.user, sessionId: parsed.sessionId, transcript: null, checkpoints: [] };
    byKey.set(key, entry);
    if (parsed.rest === 'transcript') entry.transcript = commit;
    else if (parsed.rest.startsWith('checkpoints/')) entry.checkpoints.push({ id: parsed.rest.slice('checkpoints/'.length), commit });
  }
  return [...byKey.values()].filter((entry) => entry.transcript);
}

async function readShared(context: ShareContext, refs: SharedRefs): Promise<{ manifest: Manifest; transcript: Buffer }> {
  const origin = `shared:${refs.user}/${refs.sessionId}`;
  const git = context.engine.git;
  const manifest = checkManifest(JSON.parse((await git.run(['cat-file', 'blob', `${refs.transcript}:manifest.json`])).stdout.toString('utf8')), origin);
  const name = manifest.parts.transcript.encryption ? 'transcript.enc' : 'transcript.json';
  const transcript = (await git.run(['cat-file', 'blob', `${refs.transcript}:${name}`])).stdout;
  return { manifest, transcript };
}

/** Sessions others shared that were fetched here, newest first. */
export async function listShared(context: ShareContext): Promise<SharedSession[]> {
  const out: SharedSession[] = [];
  for (const refs of await sharedRefs(context)) {
    const { manifest, transcript } = await readShared(context, refs);
    const plain = manifest.parts.transcript.encryption ? null : parseTranscript(transcript, `shared:${refs.user}/${refs.sessionId}`);
    out.push({
      id: refs.sessionId,
      shared: refs.user,
      agent: manifest.session.agent,
      workspace: manifest.source.workspace,
      title: plain?.messages.find((m) => m.role === 'user')?.text ?? null,
      createdAt: plain?.session.createdAt ?? manifest.createdAt,
      updatedAt: plain?.session.updatedAt ?? manifest.createdAt,
      messageCount: plain ? plain.messages.length : null,
      checkpoints: refs.checkpoints.length,
      encrypted: plain === null,
    });
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

export interface SharedCheckpoint {
  id: string;
  shared: string;
  sessionId: string;
  commit: string;
  ref: string;
  kind: string;
  label: string | null;
  prompt: string | null;
  createdAt: number;
}

/** Checkpoints of fetched sessions, newest first (read from their commits; listing them needs no transcript). */
export async function listSharedCheckpoints(context: ShareContext): Promise<SharedCheckpoint[]> {
  const output = await context.engine.git.run(['for-each-ref', '--format=%(objectname) %(refname)%00%(contents)%00', SHARED_REFS]);
  const fields = output.stdout.toString('utf8').split('\0');
  const out: SharedCheckpoint[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [commit, ref] = fields[i].replace(/^\n/, '').split(' ');
    const parsed = parseSharedRef(ref ?? '');
    if (!parsed || !parsed.rest.startsWith('checkpoints/')) continue;
    const line = fields[i + 1].split('\n').find((candidate) => candidate.startsWith('boocode: '));
    try {
      const meta = JSON.parse((line ?? '').slice('boocode: '.length));
      out.push({ id: assertCheckpointId(meta.id), shared: parsed.user, sessionId: parsed.sessionId, commit, ref, kind: String(meta.kind), label: meta.label ?? null, prompt: meta.prompt ?? null, createdAt: Number(meta.createdAt) });
    } catch {
      continue; // not a checkpoint of ours: left out of the list
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

/** A fetched session as an import's input: its objects are already in the repository. */
export async function incomingFromShared(context: ShareContext, spec: string, decryption: Encryption | null, maxBytes: number): Promise<IncomingSession> {
  const match = /^shared:([^/]+)\/(.+)$/.exec(spec);
  if (!match) throw new BooError('usage', `${spec} is not a shared session; write shared:USER/SESSION (see \`boocode sessions\`).`);
  const [, user, sessionId] = match;
  const refs = (await sharedRefs(context)).find((entry) => entry.user === user && sessionComponent(entry.sessionId) === sessionComponent(sessionId));
  if (!refs) throw new BooError('not-found', `No shared session ${sessionId} of ${user} here; run \`boocode fetch REMOTE\` first, then \`boocode sessions\`.`);
  const { manifest, transcript } = await readShared(context, refs);
  const encryption = manifest.parts.transcript.encryption;
  if (encryption && !decryption) throw new BooError('usage', `${spec}: the transcript is encrypted; pass --key-file FILE or --decrypt-command CMD. Nothing was imported.`);
  const plain = encryption ? await unseal(transcript, decryption as Encryption, spec, maxBytes) : transcript;
  const json = parseTranscript(plain, spec);
  const present = new Map(refs.checkpoints.map((c) => [c.id, c.commit]));
  return {
    origin: spec,
    source: manifest.source,
    transcript: json,
    // The refs are what was fetched; the manifest says which belong to the session.
    checkpoints: manifest.checkpoints.filter((c) => present.get(c.id) === c.commit),
    pack: null,
  };
}
