// `boocode export`: a session's checkpoints (as a git bundle), its transcript and a manifest in
// one file. The receiver must already have the checkpoints' parent commits (listed in the manifest).
import * as fs from 'fs';
import * as path from 'path';
import { BooError } from '../errors';
import { assertSessionId } from '../ids';
import { replaceFile } from '../store/journal';
import { createBundle } from './bundle';
import { redactCheckpointCommit } from './checkpointCommit';
import { tooBig } from './capped';
import { ShareContext } from './context';
import { Encryption, seal } from './crypto';
import { FORMAT_VERSION, Manifest, partOf } from './manifest';
import { encodeSessionFile } from './sessionFile';
import { readTranscript, TranscriptJson } from './transcriptJson';
import { BOOCODE_VERSION, gitVersion } from './versions';
import { readAgentFile } from '../resume/agentFile';

export interface ExportOptions {
  encryption?: Encryption | null;
  maxBytes: number;
  /** False when the checkpoints travel another way (pushed to a remote): no bundle is made. */
  bundle?: boolean;
  /** Where the agent's own session file is looked for (HOME, CLAUDE_CONFIG_DIR). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface SessionPackage {
  manifest: Manifest;
  bundle: Buffer;
  transcript: Buffer;
  /** The plain transcript (for a caller that shares it another way). */
  plain: TranscriptJson;
}

/** Everything an export writes, in memory. */
export async function packageSession(context: ShareContext, sessionId: string, options: ExportOptions): Promise<SessionPackage> {
  assertSessionId(sessionId);
  const { engine, store, ws } = context;
  const transcript = await store.read((db) => readTranscript(db, sessionId));
  if (!transcript) throw new BooError('not-found', `No session ${sessionId} in this workspace; run \`boocode sessions\` to see them.`);
  // Refs are the truth: a checkpoint is exported when its ref is here, oldest first.
  const checkpoints = (await engine.list()).filter((meta) => meta.sessionId === sessionId).reverse();
  const present = new Set(checkpoints.map((meta) => meta.id));
  // The agent's own session file, where it keeps one: the session resumes on the other machine too.
  const agentFile = readAgentFile(transcript.session, ws.root, options.env ?? process.env, options.maxBytes);
  const plain: TranscriptJson = { ...transcript, checkpoints: transcript.checkpoints.filter((row) => present.has(row.id)), ...(agentFile ? { agentFile } : {}) };
  // Commit messages hold the prompt and label: with the transcript encrypted, they travel without them
  // (the import takes them back from the transcript).
  if (options.encryption) {
    for (const meta of checkpoints) {
      const raw = (await engine.git.run(['cat-file', 'commit', meta.commit])).stdout;
      meta.commit = (await engine.git.text(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: redactCheckpointCommit(raw) })).trim();
    }
  }
  const prerequisites = [...new Set(checkpoints.map((meta) => meta.head).filter((head): head is string => !!head))];
  const bundle = checkpoints.length && options.bundle !== false ? await createBundle(engine.git, checkpoints.map((meta) => ({ ref: meta.ref, commit: meta.commit })), prerequisites) : Buffer.alloc(0);
  if (bundle.length > options.maxBytes) throw tooBig(`The checkpoints of session ${sessionId}`, bundle.length, options.maxBytes);
  const json = Buffer.from(JSON.stringify(plain), 'utf8');
  const sealed = options.encryption ? await seal(json, options.encryption, options.maxBytes) : json;
  const manifest: Manifest = {
    format: FORMAT_VERSION,
    boocodeVersion: BOOCODE_VERSION,
    gitVersion: await gitVersion(),
    createdAt: Date.now(),
    source: { workspace: ws.root, scope: ws.scope, kind: ws.kind },
    // Hooks record the agent's own session id as ours.
    session: { id: sessionId, agent: transcript.session.agent, agentSessionId: transcript.session.agentSessionId ?? (transcript.session.agent ? sessionId : null) },
    prerequisites,
    checkpoints: checkpoints.map((meta) => ({ id: meta.id, commit: meta.commit })),
    parts: {
      bundle: partOf(bundle),
      transcript: { ...partOf(sealed), encryption: options.encryption ? (options.encryption.kind === 'key' ? 'aes-256-gcm-scrypt' : 'command') : null },
    },
  };
  return { manifest, bundle, transcript: sealed, plain };
}

export interface ExportResult {
  file: string;
  sessionId: string;
  bytes: number;
  checkpoints: string[];
  messages: number;
  /** Commits the receiving repository must have before importing (push your branch). */
  prerequisites: string[];
  encrypted: boolean;
  /** The agent's own session file that went with it (its name), or null. */
  agentFile: string | null;
}

export async function exportSession(context: ShareContext, sessionId: string, output: string, options: ExportOptions): Promise<ExportResult> {
  const packaged = await packageSession(context, sessionId, options);
  const data = encodeSessionFile(packaged);
  if (data.length > options.maxBytes) throw tooBig(`The export of session ${sessionId}`, data.length, options.maxBytes);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // Whole or not at all, readable by its owner only (it holds prompts).
  replaceFile(output, data);
  return {
    file: output,
    sessionId,
    bytes: data.length,
    checkpoints: packaged.manifest.checkpoints.map((c) => c.id),
    messages: packaged.plain.messages.length,
    prerequisites: packaged.manifest.prerequisites,
    encrypted: packaged.manifest.parts.transcript.encryption !== null,
    agentFile: packaged.plain.agentFile?.name ?? null,
  };
}
