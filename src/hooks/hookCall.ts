// What a hook call does before the engine loads: read its arguments and payload, choose the
// workspace, and hand a turn's end to a detached follow-up. `dist/cli.js` runs this much on its
// own, so the hook that ends a turn (half of all hook calls) returns without loading the engine;
// everything else (a turn's begin, the follow-up, any doubt) goes on in the full CLI.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CliIO } from '../cli/io';
import { AGENT_SPECS } from './agents';
import { AgentName, eventName, isAgentName, parseJsonPayload, PayloadError } from './payload';
import { ENDED_AT_FLAG, FOLLOW_UP_FLAG, WAIT_FOR_FOLLOW_UP_ENV } from './followUp';
import { homeOf } from './spec';

/** Payloads larger than this are recorded in the hook's own process rather than handed over. */
const FOLLOW_UP_MAX_BYTES = 1024 * 1024;

/** Environment variables some agents set to the project's top folder. */
export const PROJECT_DIR_ENV: Partial<Record<AgentName, string>> = { 'claude-code': 'CLAUDE_PROJECT_DIR', gemini: 'GEMINI_PROJECT_DIR' };

export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

const real = (dir: string) => fs.realpathSync(dir);
const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export interface WorkspaceInput {
  /** `-C DIR`, when given. */
  flagDir: string | null;
  /** The payload's cwd (or Cursor's workspace_roots[0]). */
  payloadCwd: string | null;
  /** The agent's project folder from its environment (CLAUDE_PROJECT_DIR, GEMINI_PROJECT_DIR). */
  projectDir: string | null;
  processCwd: string;
  home: string;
}

/**
 * The folder to checkpoint: `-C DIR` (the payload's cwd must then be inside it), else the agent's
 * project folder when the cwd is inside it (an agent that `cd`s into a subfolder still checkpoints
 * the whole project), else the payload's cwd, else the process's. Never the home folder or `/`.
 */
export function chooseWorkspace(input: WorkspaceInput): string {
  let cwd: string | null = null;
  if (input.payloadCwd !== null) {
    if (!path.isAbsolute(input.payloadCwd)) throw new PayloadError(`the payload's cwd ${JSON.stringify(input.payloadCwd)} is not an absolute path`);
    if (!isDirectory(input.payloadCwd)) throw new PayloadError(`the payload's cwd ${input.payloadCwd} does not exist or is not a folder`);
    cwd = real(input.payloadCwd);
  }
  let chosen: string;
  if (input.flagDir !== null) {
    const base = path.resolve(input.processCwd, input.flagDir);
    if (!isDirectory(base)) throw new PayloadError(`the workspace ${base} (-C) does not exist or is not a folder`);
    chosen = real(base);
    if (cwd !== null && !inside(cwd, chosen)) throw new PayloadError(`the payload's cwd ${cwd} is outside the workspace ${chosen}`);
  } else if (input.projectDir && path.isAbsolute(input.projectDir) && isDirectory(input.projectDir) && (cwd === null || inside(cwd, real(input.projectDir)))) {
    chosen = real(input.projectDir);
  } else if (cwd !== null) {
    chosen = cwd;
  } else {
    if (!isDirectory(input.processCwd)) throw new PayloadError(`the current folder ${input.processCwd} does not exist`);
    chosen = real(input.processCwd);
  }
  const home = isDirectory(input.home) ? real(input.home) : input.home;
  if (chosen === home || chosen === path.parse(chosen).root) {
    throw new PayloadError(`not checkpointing ${chosen}: it is your home folder or the filesystem root; start the agent in a project folder`);
  }
  return chosen;
}

export async function readPayloadText(io: CliIO, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PayloadError(`no payload arrived on stdin within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([io.readStdin(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function splitHookArgs(argv: string[]): { agent: string | undefined; dir: string | null; payload: string | null; followUp: boolean; endedAt: number | null } {
  let dir: string | null = null;
  let payload: string | null = null;
  let followUp = false;
  let endedAt: number | null = null;
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === FOLLOW_UP_FLAG) followUp = true;
    else if (argv[i] === ENDED_AT_FLAG && i + 1 < argv.length) endedAt = Number(argv[++i]) || null;
    else if (argv[i] === '-C' && i + 1 < argv.length) dir = argv[++i];
    else if (argv[i].startsWith('-C') && argv[i].length > 2 && !argv[i].startsWith('-C{')) dir = argv[i].slice(2);
    else positionals.push(argv[i]);
  }
  // Agents that pass the payload as an argument (Codex `notify`) put it last.
  const last = positionals[positionals.length - 1];
  if (positionals.length > 1 && last !== undefined && last.trimStart().startsWith('{')) payload = last;
  return { agent: positionals[0], dir, payload, followUp, endedAt };
}

/**
 * Hands the recording of a turn's end to a detached copy of this command, so the agent goes on at
 * once: the reply is recorded after the agent has moved on (and a reply the agent writes to its
 * transcript only after our hook returns, as Copilot CLI does, is waited for there). The payload
 * goes through the child's stdin, never its arguments (which other local users can read).
 * Resolves false when no follow-up could be started: the caller then records in-process.
 */
function recordEndLater(cli: string, io: CliIO, agent: AgentName, workspace: string, payload: string, endedAt: number): Promise<boolean> {
  if ( Buffer.byteLength(payload) > FOLLOW_UP_MAX_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(process.execPath, [cli, 'hook', agent, FOLLOW_UP_FLAG, ENDED_AT_FLAG, String(endedAt), '-C', workspace], {
        cwd: workspace,
        env: io.env,
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.on('error', () => resolve(false));
      child.stdin.on('error', () => undefined);
      // Resolved once the payload is in the pipe: the child reads it whenever it is ready.
      child.stdin.end(payload, () => {
        // Tests (and anyone debugging a hook) can wait for the follow-up to finish.
        if (io.env[WAIT_FOR_FOLLOW_UP_ENV] === '1') child.on('exit', () => resolve(true));
        else {
          child.unref();
          resolve(true);
        }
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * Hands a turn's end over when that is all this call has to do: true once the follow-up has the
 * payload and the agent's answer is printed. False leaves the call to the full CLI, with the
 * payload text (if it was read) in `payloadText`.
 */
export async function handOverTurnEnd(cli: string, io: CliIO): Promise<{ handedOver: boolean; payloadText: string | null }> {
  const { agent, dir, payload: payloadArg, followUp } = splitHookArgs(io.argv);
  if (!isAgentName(agent) || followUp) return { handedOver: false, payloadText: null };
  let payloadText: string | null = payloadArg;
  try {
    payloadText ??= await readPayloadText(io, 10_000);
    const payload = parseJsonPayload(payloadText);
    const spec = AGENT_SPECS[agent];
    const event = spec.parse(payload, io.env);
    // Every end is handed over: even without a reply it takes the checkpoint of the turn's end.
    if (event.kind !== 'end') return { handedOver: false, payloadText };
    const projectEnv = PROJECT_DIR_ENV[event.agent];
    const workspace = chooseWorkspace({
      flagDir: dir,
      payloadCwd: event.cwd,
      projectDir: (projectEnv ? io.env[projectEnv] || null : null) ?? event.projectDir ?? null,
      processCwd: io.cwd,
      home: homeOf(io.env),
    });
    if (!(await recordEndLater(cli, io, spec.name, workspace, payloadText, Date.now()))) return { handedOver: false, payloadText };
    const out = spec.stdout?.(eventName(payload) ?? '') ?? '';
    if (out) io.stdout(out);
    return { handedOver: true, payloadText };
  } catch {
    // Whatever went wrong is said (and logged) by the full CLI, which reads the same payload again.
    return { handedOver: false, payloadText };
  }
}
