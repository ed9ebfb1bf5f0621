// `boocode hook <agent>`: what runs inside an agent's turn. It records the prompt and checkpoints
// the workspace at a turn's start, records the reply at its end, and never gets in the agent's way:
// it always exits 0, prints only what the agent requires, waits on locks only briefly, and logs
// whatever went wrong to stderr and to `<state dir>/hooks.log`.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { describeError } from '../core/errors';
import { cleanGitEnv, traceMark } from '../core/git';
import { makePrivate } from '../core/privateFiles';
import { openCheckpoints } from '../core/service';
import type { CliIO } from '../cli/io';
import { AGENT_SPECS } from './agents';
import { HOOK_LOG_FILE } from './hookLog';
import { chooseWorkspace, isDirectory, PROJECT_DIR_ENV, readPayloadText, splitHookArgs } from './hookCall';
import { AGENTS, capText, eventName, HookEvent, isAgentName, parseJsonPayload, PayloadError } from './payload';
import { homeOf } from './spec';
import { lastTurnFromTranscript } from './transcriptFile';

export { chooseWorkspace } from './hookCall';

export interface HookRunOptions {
  /** Passed to openCheckpoints (tests). */
  stateHome?: string;
  /** How long to wait for another process's lock. Default 10 s. */
  lockTimeoutMs?: number;
  /** How long to wait for the payload on stdin. Default 10 s. */
  stdinTimeoutMs?: number;
}

/** A reply an agent writes to its transcript after our Stop hook returns is read by a follow-up process for this long. */
const LATE_REPLY_MS = 20 * 1000;
const LATE_REPLY_POLL_MS = 100;
const LOG_MAX_BYTES = 1024 * 1024;
/** Copilot's two copies of one event arrive within this time (when the payload has no timestamp). */
const DOUBLE_FIRE_MS = 5 * 1000;
/** Copies carrying the same event timestamp are one event for this long. */
const DUPLICATE_EVENT_MS = 10 * 60 * 1000;

class HookLog {
  private readonly lines: string[] = [];
  stateDir: string | null = null;
  /** The workspace's own state folder (from the engine): created if no checkpoint has made it yet. */
  ownsStateDir = false;

  constructor(
    private readonly io: CliIO,
    private readonly agent: string,
  ) {}

  warn(message: string): void {
    const line = message.replace(/\s*\n\s*/g, ' ').trim();
    this.io.stderr(`boocode hook ${this.agent}: ${line}\n`);
    this.lines.push(line);
  }

  /** Appends what was logged to the workspace's hook log (never throws). */
  flush(): void {
    if (!this.stateDir || this.lines.length === 0) return;
    try {
      if (this.ownsStateDir) fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      const file = path.join(this.stateDir, HOOK_LOG_FILE);
      try {
        if (fs.statSync(file).size > LOG_MAX_BYTES) fs.renameSync(file, `${file}.1`);
      } catch {
        // no log yet
      }
      const stamp = new Date().toISOString();
      fs.appendFileSync(file, this.lines.map((line) => `${stamp} ${this.agent} ${line}\n`).join(''), { mode: 0o600 });
      makePrivate(file);
    } catch {
      // the log is a convenience; stderr already has the line
    }
  }
}

/** The state folder of a git workspace that already has one, without creating anything. */
function existingStateDir(dir: string): string | null {
  // A clean environment: an inherited GIT_DIR must never send our log into another repository.
  const probe = spawnSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: dir, encoding: 'utf8', timeout: 3000, env: cleanGitEnv(process.env) });
  if (probe.status !== 0) return null;
  const stateDir = path.join(probe.stdout.trim(), 'boocode');
  return isDirectory(stateDir) ? stateDir : null;
}

/**
 * Marks one agent event as seen; false when the very same event was seen already. Only Copilot
 * fires one event twice (VS Code runs Claude Code's hook files and its own): the copies carry the
 * same `timestamp`, or arrive within a few seconds of each other. A prompt sent again later (what
 * an interrupted turn produces) is a new turn and is always recorded.
 */
export function firstSighting(stateDir: string, kind: 'begin' | 'end', sessionId: string, text: string, firedAt: string | null, now = Date.now()): boolean {
  const dir = path.join(stateDir, 'hook-turns');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 20);
  const marker = path.join(dir, `${kind}-${hash(sessionId)}-${hash(`${firedAt ?? ''}\0${text}`)}`);
  const window = firedAt ? DUPLICATE_EVENT_MS : DOUBLE_FIRE_MS;
  try {
    fs.closeSync(fs.openSync(marker, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    if (now - fs.statSync(marker).mtimeMs <= window) return false;
    fs.utimesSync(marker, now / 1000, now / 1000);
  }
  // Markers a day old are dropped.
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    try {
      if (now - fs.statSync(full).mtimeMs > 24 * 3600 * 1000) fs.unlinkSync(full);
    } catch {
      // gone already
    }
  }
  return true;
}

/** Runs one hook call; always resolves to 0. */
export async function runHook(io: CliIO, options: HookRunOptions = {}): Promise<number> {
  const { agent, dir, payload: payloadArg, followUp, endedAt } = splitHookArgs(io.argv);
  if (!isAgentName(agent)) {
    io.stderr(`boocode hook: unknown agent ${JSON.stringify(agent ?? '')}; use one of ${AGENTS.join(', ')}. Nothing was recorded.\n`);
    return 0;
  }
  const spec = AGENT_SPECS[agent];
  const log = new HookLog(io, agent);
  let outputEvent: string | null = null;
  let workspace: string | null = null;
  try {
    const payloadText = payloadArg ?? (await readPayloadText(io, options.stdinTimeoutMs ?? 10_000));
    const payload = parseJsonPayload(payloadText);
    outputEvent = eventName(payload) ?? '';
    traceMark('payload read');
    const event: HookEvent = spec.parse(payload, io.env);
    if (event.kind === 'ignore') return 0;
    const projectEnv = PROJECT_DIR_ENV[event.agent];
    workspace = chooseWorkspace({
      flagDir: dir,
      payloadCwd: event.cwd,
      projectDir: (projectEnv ? io.env[projectEnv] || null : null) ?? event.projectDir ?? null,
      processCwd: io.cwd,
      home: homeOf(io.env),
    });
    const at = endedAt ?? Date.now();
    const checkpoints = await openCheckpoints(workspace, {
      stateHome: options.stateHome,
      lockTimeoutMs: options.lockTimeoutMs ?? 10_000,
      onNotice: (line) => log.warn(line),
    });
    traceMark('opened');
    log.stateDir = checkpoints.stateDir;
    log.ownsStateDir = true;
    try {
      await record(checkpoints, event, log, at);
    } finally {
      checkpoints.close();
      traceMark('closed');
    }
  } catch (error) {
    const why = error instanceof PayloadError ? `skipped: ${error.message}` : `nothing recorded: ${describeError(error)}`;
    log.warn(why);
    if (!log.stateDir) {
      const candidate = workspace ?? (dir ? path.resolve(io.cwd, dir) : io.cwd);
      log.stateDir = isDirectory(candidate) ? existingStateDir(candidate) : null;
    }
  } finally {
    const out = followUp ? '' : spec.stdout?.(outputEvent) ?? '';
    if (out) io.stdout(out);
    log.flush();
  }
  return 0;
}

type OpenCheckpoints = Awaited<ReturnType<typeof openCheckpoints>>;

async function record(checkpoints: OpenCheckpoints, event: Exclude<HookEvent, { kind: 'ignore' }>, log: HookLog, at: number): Promise<void> {
  if (event.kind === 'begin') {
    if (event.agent === 'copilot' && !firstSighting(checkpoints.stateDir, 'begin', event.sessionId, event.prompt, event.firedAt ?? null)) return;
    const result = await checkpoints.beginTurn({
      sessionId: event.sessionId,
      prompt: event.prompt,
      agent: event.agent,
      agentRef: event.agentRef ?? null,
      agentTranscript: event.transcriptPath ?? null,
      agentCwd: event.cwd,
    });
    if (result.warning) log.warn(result.warning);
    return;
  }
  // The files as the turn ended, reply or not: taken first (the follow-up may then wait for a late
  // reply), and only for a turn begun before the agent reported this end (the next may have begun).
  const closed = await checkpoints.endTurn({ sessionId: event.sessionId, reply: null, at, agent: event.agent, agentTranscript: event.transcriptPath, agentCwd: event.cwd });
  if (closed.warning) log.warn(closed.warning);
  let reply = event.reply;
  if (reply === null && event.transcriptPath) {
    const file = event.transcriptPath;
    let found = await replyFromTranscriptFile(checkpoints, event.sessionId, file, at);
    // Some agents write the reply to their transcript only after our hook returned: wait for it
    // here, which is the detached follow-up when one could be started (the agent has gone on).
    if (found.pending && AGENT_SPECS[event.agent].transcriptWrittenLate) {
      for (const deadline = Date.now() + LATE_REPLY_MS; found.pending && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, LATE_REPLY_POLL_MS));
        found = await replyFromTranscriptFile(checkpoints, event.sessionId, file, at);
      }
    }
    if (found.pending) log.warn(`no reply recorded: ${found.pending}`);
    reply = found.reply;
  }
  if (reply === null) return; // nothing to record (e.g. Cursor's stop after afterAgentResponse)
  // Copilot fires one event twice; Codex reports one turn's end through both Stop and notify (same turn id).
  if ((event.agent === 'copilot' || event.firedAt) && !firstSighting(checkpoints.stateDir, 'end', event.sessionId, reply, event.firedAt ?? null)) return;
  await checkpoints.endTurn({ sessionId: event.sessionId, reply, prompt: event.prompt ?? null, agent: event.agent, at, closeTurn: false });
}

const sameText = (a: string, b: string) => a.trim().slice(0, 4096) === b.trim().slice(0, 4096);

/** A reply read from a transcript, or why it is not there (yet). */
interface TranscriptReply {
  reply: string | null;
  /** Why the reply may still come, or null when the transcript has said all it will. */
  pending: string | null;
}

/**
 * The reply from the agent's transcript file, when its last prompt is the one we recorded last for
 * the session: a transcript written late still ends with the previous turn, whose reply is not this one.
 */
async function replyFromTranscriptFile(checkpoints: OpenCheckpoints, sessionId: string, file: string, endedAt: number): Promise<TranscriptReply> {
  const turn = lastTurnFromTranscript(file);
  if (!turn) return { reply: null, pending: `the transcript ${file} cannot be read` };
  // What was recorded up to the turn's end (a next turn may have begun since).
  const lastPrompt = await checkpoints.lastPrompt(sessionId, endedAt).catch(() => null);
  if (lastPrompt !== null && turn.prompt !== null && !sameText(lastPrompt, capText(turn.prompt))) {
    return { reply: null, pending: `the transcript ${file} does not end with the prompt recorded last (not written yet?)` };
  }
  if (turn.reply === null) return { reply: null, pending: lastPrompt !== null ? `the transcript ${file} has no reply after the prompt` : null };
  return { reply: capText(turn.reply), pending: null };
}
