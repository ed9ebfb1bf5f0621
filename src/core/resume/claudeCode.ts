// Claude Code's own sessions: where it keeps them, and a fork of one that ends before a given turn.
//
// Read from the installed CLI's source (2.1.332, the bundled JS of bin/claude.exe):
// - sessions live in `<config dir>/projects/<project>/<session id>.jsonl`, the config dir being
//   $CLAUDE_CONFIG_DIR or ~/.claude, and <project> the folder Claude Code was started in with every
//   character but [a-zA-Z0-9] replaced by `-` (past 200 characters: the first 200, `-`, and a hash);
// - `claude --resume <id>` looks the id up in the project folder of the current directory, and
//   `/resume` hides a session whose recorded `cwd` is another folder with the same slug;
// - each line is one JSON entry; a prompt is a `type: "user"` entry with the prompt as text, and
//   since 2.1.196 it carries `promptId`, the `prompt_id` its UserPromptSubmit hook receives (the tool
//   results of that turn carry it too, after it);
// - its hidden `--resume-session-at <message id>` works in print mode (-p) only, so for an
//   interactive resume at a turn we write what `--fork-session` writes: a copy of the session under
//   a new id, here ending before that turn's prompt.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ResumeCut } from '../types';
import { parseJsonLine } from './jsonLines';

export function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
}

/** Java's String.hashCode, as Claude Code hashes long folder names. */
function hashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0;
  return hash;
}

/** The folder name Claude Code keeps a project's sessions under. */
export function claudeProjectSlug(cwd: string): string {
  const slug = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  return slug.length <= 200 ? slug : `${slug.slice(0, 200)}-${Math.abs(hashCode(cwd)).toString(36)}`;
}

export function claudeProjectDir(cwd: string, env: NodeJS.ProcessEnv): string {
  return path.join(claudeConfigDir(env), 'projects', claudeProjectSlug(cwd));
}

const isFile = (file: string | null | undefined): file is string => {
  try {
    return !!file && fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The session's JSONL: where the hook said, else where Claude Code would keep it, else any project folder holding it. */
export function findClaudeSession(sessionId: string, recorded: string | null, cwds: string[], env: NodeJS.ProcessEnv): string | null {
  if (isFile(recorded)) return recorded;
  const name = `${sessionId}.jsonl`;
  for (const cwd of cwds) {
    const candidate = path.join(claudeProjectDir(cwd, env), name);
    if (isFile(candidate)) return candidate;
  }
  const projects = path.join(claudeConfigDir(env), 'projects');
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(projects);
  } catch {
    return null;
  }
  for (const dir of dirs) {
    const candidate = path.join(projects, dir, name);
    if (isFile(candidate)) return candidate;
  }
  return null;
}

type Entry = Record<string, any>;

const parse = parseJsonLine;

/** The prompt text of an entry that is a person's prompt (not a tool result, meta or sidechain line), else null. */
export function claudePromptText(entry: Entry): string | null {
  if (entry.type !== 'user' || entry.isMeta || entry.isSidechain || !entry.message || typeof entry.message !== 'object') return null;
  const content = entry.message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.some((block) => block?.type === 'tool_result')) return null;
  const texts = content.filter((block) => block?.type === 'text' && typeof block.text === 'string').map((block) => block.text as string);
  return texts.length ? texts.join('\n') : null;
}

const sameText = (a: string, b: string) => a.trim().slice(0, 4096) === b.trim().slice(0, 4096);

/** The line index of the cut's prompt entry: by its promptId, else the ordinal-th prompt with its text. */
export function findClaudeCut(lines: string[], cut: ResumeCut): number {
  const entries = lines.map(parse);
  if (cut.agentRef) {
    const index = entries.findIndex((entry) => entry?.promptId === cut.agentRef && claudePromptText(entry) !== null);
    if (index >= 0) return index;
  }
  let seen = 0;
  for (const [index, entry] of entries.entries()) {
    const text = entry ? claudePromptText(entry) : null;
    if (text !== null && sameText(text, cut.text) && ++seen === cut.ordinal) return index;
  }
  return -1;
}

export interface ClaudeFork {
  sessionId: string;
  file: string;
  /** Prompts the fork keeps. */
  prompts: number;
}

/**
 * Writes a copy of the session ending before the cut's prompt, under a new session id, beside the
 * original (the same project folder, so `claude --resume <new id>` finds it there). Null when the
 * prompt is not in the file.
 */
export function forkClaudeSession(file: string, cut: ResumeCut, newId: string = randomUUID()): ClaudeFork | null {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = findClaudeCut(lines, cut);
  if (index < 0) return null;
  const cutUuid = parse(lines[index])?.uuid;
  const kept = lines.slice(0, index).filter((line) => line.trim() !== '');
  // What belongs to the dropped prompt (its queue entries, a snapshot taken for it) goes with it.
  while (kept.length) {
    const last = parse(kept[kept.length - 1]);
    if (!last || last.type === 'queue-operation' || (cutUuid && last.messageId === cutUuid)) kept.pop();
    else break;
  }
  let prompts = 0;
  const out = kept.map((line) => {
    const entry = parse(line);
    if (!entry) return line;
    if (claudePromptText(entry) !== null) prompts++;
    if (typeof entry.sessionId !== 'string') return line;
    entry.sessionId = newId;
    return JSON.stringify(entry);
  });
  const target = path.join(path.dirname(file), `${newId}.jsonl`);
  fs.writeFileSync(target, out.length ? `${out.join('\n')}\n` : '', { mode: 0o600, flag: 'wx' });
  return { sessionId: newId, file: target, prompts };
}

/**
 * The folder to start Claude Code in so that it finds sessions of `file`'s project folder: the first
 * of `candidates` (and of the cwds the file records) whose slug names that folder and that exists.
 */
export function claudeLaunchDir(file: string, candidates: (string | null)[]): string | null {
  const slug = path.basename(path.dirname(file));
  const recorded: string[] = [];
  try {
    const text = fs.readFileSync(file, 'utf8');
    for (const line of text.split('\n', 200)) {
      const cwd = parse(line)?.cwd;
      if (typeof cwd === 'string' && !recorded.includes(cwd)) recorded.push(cwd);
    }
  } catch {
    // unreadable: the candidates alone
  }
  const exists = (dir: string) => {
    try {
      return fs.statSync(dir).isDirectory();
    } catch {
      return false;
    }
  };
  for (const dir of [...candidates, ...recorded]) if (dir && claudeProjectSlug(dir) === slug && exists(dir)) return dir;
  return null;
}

/**
 * A session file moved to another machine or folder: every `cwd` under `from` now under `to`, every
 * `sessionId` `sessionId`. Lines that are not JSON are kept as they are.
 */
export function rebaseClaudeSession(text: string, from: string, to: string, sessionId: string): string {
  const rebase = (dir: string) => (dir === from ? to : dir.startsWith(from + '/') ? to + dir.slice(from.length) : dir);
  return text
    .split('\n')
    .map((line) => {
      const entry = line.trim() ? parse(line) : null;
      if (!entry) return line;
      let changed = false;
      if (typeof entry.cwd === 'string' && rebase(entry.cwd) !== entry.cwd) {
        entry.cwd = rebase(entry.cwd);
        changed = true;
      }
      if (typeof entry.sessionId === 'string' && entry.sessionId !== sessionId) {
        entry.sessionId = sessionId;
        changed = true;
      }
      return changed ? JSON.stringify(entry) : line;
    })
    .join('\n');
}
