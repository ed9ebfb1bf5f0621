// The agent's own session file travels with an exported session, where the agent keeps one, so the
// session resumes on the other machine too:
// - Claude Code: its JSONL goes where Claude Code looks for the destination's folder
//   (~/.claude/projects/<the folder with every non-alphanumeric character as ->/<id>.jsonl), with
//   each entry's `cwd` rebased to the destination;
// - Gemini CLI: its chat file is kept in our state folder; `gemini --session-file` imports it from there.
// Codex, Copilot CLI and opencode keep their sessions in their own databases or state folders,
// which we do not carry: on another machine their resume starts a seeded conversation instead.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { tooBig } from '../share/capped';
import { ensurePrivateDir } from '../privateFiles';
import type { AgentFileJson } from '../share/transcriptJson';
import { claudeProjectDir, findClaudeSession, rebaseClaudeSession } from './claudeCode';
import { findGeminiSession } from './gemini';
import { fileSafe } from './seed';

/** The agents whose own session file we carry. */
export const CARRIED_AGENTS = ['claude-code', 'gemini'];

export interface AgentSession {
  agent: string | null;
  id: string;
  agentSessionId?: string | null;
  agentTranscript?: string | null;
  agentCwd?: string | null;
}

/** The agent's session file for an export, or null when the agent keeps none we carry (or it is gone). */
export function readAgentFile(session: AgentSession, workspace: string, env: NodeJS.ProcessEnv, maxBytes: number): AgentFileJson | null {
  if (!session.agent || !CARRIED_AGENTS.includes(session.agent)) return null;
  const id = session.agentSessionId ?? session.id;
  const file =
    session.agent === 'claude-code'
      ? findClaudeSession(id, session.agentTranscript ?? null, [session.agentCwd, workspace].filter((dir): dir is string => !!dir), env)
      : findGeminiSession(id, session.agentTranscript ?? null, env);
  if (!file) return null;
  const size = fs.statSync(file).size;
  if (size > maxBytes) throw tooBig(`${session.agent === 'claude-code' ? 'Claude Code' : 'Gemini CLI'}'s own session file ${file}`, size, maxBytes);
  try {
    return { agent: session.agent, name: path.basename(file), text: fs.readFileSync(file, 'utf8') };
  } catch {
    return null; // unreadable: the session travels without it (a resume there starts seeded)
  }
}

/** `dir` under `from` moved under `to`; anything else as it is. */
export function rebaseDir(dir: string, from: string, to: string): string {
  if (dir === from) return to;
  return dir.startsWith(from.endsWith(path.sep) ? from : from + path.sep) ? path.join(to, dir.slice(from.length)) : dir;
}

export interface PlacedAgentFile {
  agentSessionId: string;
  agentTranscript: string;
  agentCwd: string;
  /** A file this import created (removed again if the import fails). */
  created: string | null;
}

/**
 * Puts an imported agent session file where the agent (or our resume) finds it on this machine, with
 * its folders rebased from the source workspace to this one. An identical file already there is used
 * as it is; a different one is never overwritten (the copy gets a new session id).
 */
export function placeAgentFile(
  own: AgentFileJson,
  options: { sessionId: string; agentSessionId: string; agentCwd: string | null; source: string; destination: string; stateDir: string; env: NodeJS.ProcessEnv },
): PlacedAgentFile {
  const cwd = options.agentCwd ? rebaseDir(options.agentCwd, options.source, options.destination) : options.destination;
  if (own.agent === 'claude-code') {
    const dir = claudeProjectDir(cwd, options.env);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    let id = options.agentSessionId;
    let text = rebaseClaudeSession(own.text, options.source, options.destination, id);
    let file = path.join(dir, `${id}.jsonl`);
    if (fs.existsSync(file)) {
      if (fs.readFileSync(file, 'utf8') === text) return { agentSessionId: id, agentTranscript: file, agentCwd: cwd, created: null };
      id = randomUUID();
      text = rebaseClaudeSession(own.text, options.source, options.destination, id);
      file = path.join(dir, `${id}.jsonl`);
    }
    fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return { agentSessionId: id, agentTranscript: file, agentCwd: cwd, created: file };
  }
  // Gemini CLI imports a chat file from anywhere (--session-file): ours to keep.
  const dir = path.join(options.stateDir, 'agent-sessions');
  ensurePrivateDir(dir);
  const file = path.join(dir, `${fileSafe(options.sessionId)}.jsonl`);
  fs.writeFileSync(file, own.text, { mode: 0o600 });
  return { agentSessionId: options.agentSessionId, agentTranscript: file, agentCwd: cwd, created: file };
}
