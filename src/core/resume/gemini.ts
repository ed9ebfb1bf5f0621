// Gemini CLI's own sessions. Read from the installed CLI's source (0.61.0, bundle/):
// - a session is a JSONL chat file, `~/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl`, the
//   `transcript_path` of its hook payloads: a metadata line, then message records (`id`, `type`
//   "user" | "gemini", `content`), records updating one (same id), `$set` metadata updates, and
//   `{"$rewindTo": id}`, which drops that message and everything after it (its own /rewind);
// - `gemini --resume <id>` finds a session of the current project by id; `gemini --session-file FILE`
//   imports a chat file from anywhere as a new session of the current project (user and model
//   messages, tool calls and results included).
// So a resume at a turn is a copy of the chat file with a `$rewindTo` of that turn's prompt,
// imported with --session-file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ResumeCut } from '../types';
import { parseJsonLine } from './jsonLines';

type Record_ = Record<string, any>;

const parse = parseJsonLine;

/** The text a person typed in a user record (tool results come back as user records too: not prompts). */
function promptText(record: Record_): string | null {
  if (record.type !== 'user') return null;
  const content = record.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.some((part) => part && typeof part === 'object' && ('functionResponse' in part || 'functionCall' in part))) return null;
  const texts = content.filter((part) => typeof part?.text === 'string').map((part) => part.text as string);
  return texts.length ? texts.join('') : null;
}

const sameText = (a: string, b: string) => a.trim().slice(0, 4096) === b.trim().slice(0, 4096);

/** The conversation as Gemini CLI reads the file: message ids in order, rewinds applied. */
function messageOrder(text: string): { ids: string[]; records: Map<string, Record_> } {
  const ids: string[] = [];
  const records = new Map<string, Record_>();
  for (const line of text.split('\n')) {
    const record = line.trim() ? parse(line) : null;
    if (!record) continue;
    if (typeof record.$rewindTo === 'string') {
      const at = ids.indexOf(record.$rewindTo);
      for (const id of at >= 0 ? ids.splice(at) : ids.splice(0)) records.delete(id);
    } else if (typeof record.id === 'string') {
      if (!records.has(record.id)) ids.push(record.id);
      records.set(record.id, record);
    }
  }
  return { ids, records };
}

/** The id of the cut's prompt in the chat file (the ordinal-th prompt with its text), or null. */
export function findGeminiCut(text: string, cut: ResumeCut): { id: string; prompts: number } | null {
  const { ids, records } = messageOrder(text);
  let seen = 0;
  let prompts = 0;
  for (const id of ids) {
    const prompt = promptText(records.get(id) as Record_);
    if (prompt === null) continue;
    if (sameText(prompt, cut.text) && ++seen === cut.ordinal) return { id, prompts };
    prompts++;
  }
  return null;
}

/** Writes `target`: the chat file rewound to before the cut's prompt. Null when the prompt is not in it. */
export function rewindGeminiSession(file: string, cut: ResumeCut, target: string): { file: string; prompts: number } | null {
  const text = fs.readFileSync(file, 'utf8');
  const found = findGeminiCut(text, cut);
  if (!found) return null;
  fs.writeFileSync(target, `${text.replace(/\n*$/, '\n')}${JSON.stringify({ $rewindTo: found.id })}\n`, { mode: 0o600 });
  return { file: target, prompts: found.prompts };
}

/** Whether `file` is one of Gemini CLI's own chat files (so `--resume <id>` finds it), not a copy of ours. */
export function inGeminiHome(file: string, env: NodeJS.ProcessEnv): boolean {
  const home = path.join(env.HOME || os.homedir(), '.gemini', 'tmp') + path.sep;
  return file.startsWith(home);
}

export function findGeminiSession(sessionId: string, recorded: string | null, env: NodeJS.ProcessEnv): string | null {
  const exists = (file: string) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (recorded && exists(recorded)) return recorded;
  // Chat files are named session-<time>-<first 8 characters of the id>.jsonl.
  const tmp = path.join(env.HOME || os.homedir(), '.gemini', 'tmp');
  let projects: string[] = [];
  try {
    projects = fs.readdirSync(tmp);
  } catch {
    return null;
  }
  for (const project of projects) {
    const chats = path.join(tmp, project, 'chats');
    let names: string[] = [];
    try {
      names = fs.readdirSync(chats).filter((name) => name.endsWith(`-${sessionId.slice(0, 8)}.jsonl`));
    } catch {
      continue;
    }
    for (const name of names) {
      const first = fs.readFileSync(path.join(chats, name), 'utf8').split('\n', 1)[0];
      if (parse(first)?.sessionId === sessionId) return path.join(chats, name);
    }
  }
  return null;
}
