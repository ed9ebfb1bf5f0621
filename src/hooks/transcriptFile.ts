// The final reply of a turn read from an agent's JSONL transcript, for Stop payloads that do not
// carry it. Formats (all undocumented, so read defensively):
// - Claude Code: {type:"user"|"assistant", message:{content}}; a real prompt has string content (or
//   text blocks), tool results come back as user lines holding only tool_result blocks.
// - Copilot (VS Code and CLI): {type:"user.message"|"assistant.message", data:{content}}.
// - Codex rollouts: {type:"event_msg", payload:{type:"user_message"|"agent_message", message}}.
import * as fs from 'fs';

/** Transcripts past this size are read from their tail only. */
const MAX_READ = 8 * 1024 * 1024;

type Line = Record<string, any>;

function readTail(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - MAX_READ);
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    // A cut first line is not JSON; drop it.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    fs.closeSync(fd);
  }
}

function textBlocks(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content
    .filter((block) => block && (block.type === 'text' || block.type === 'output_text') && typeof block.text === 'string')
    .map((block) => block.text as string);
}

/** What a line is: a real user prompt, assistant text, or neither. */
function classify(line: Line): { role: 'user' | 'assistant'; texts: string[] } | null {
  if ((line.type === 'user' || line.type === 'assistant') && line.message && typeof line.message === 'object') {
    if (line.isMeta || line.isSidechain) return null;
    const content = line.message.content;
    if (line.type === 'user') {
      const texts = textBlocks(content);
      return texts.length > 0 ? { role: 'user', texts } : null; // only tool results: not a prompt
    }
    return { role: 'assistant', texts: textBlocks(content) };
  }
  if (line.type === 'user.message' && line.data) return { role: 'user', texts: [String(line.data.content ?? '')] };
  if (line.type === 'assistant.message' && line.data) {
    return { role: 'assistant', texts: typeof line.data.content === 'string' ? [line.data.content] : [] };
  }
  if (line.type === 'event_msg' && line.payload) {
    if (line.payload.type === 'user_message') return { role: 'user', texts: [String(line.payload.message ?? '')] };
    if (line.payload.type === 'agent_message' && typeof line.payload.message === 'string') return { role: 'assistant', texts: [line.payload.message] };
  }
  return null;
}

export interface TranscriptTurn {
  /** The last real user prompt, or null when the transcript has none. */
  prompt: string | null;
  /** The assistant's text after it, or null when there is none yet. */
  reply: string | null;
}

/** The last turn of a JSONL transcript: the last real user prompt and the assistant's text after it. */
export function lastTurnFromTranscriptText(text: string): TranscriptTurn {
  let texts: string[] = [];
  let prompt: string | null = null;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: Line;
    try {
      line = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!line || typeof line !== 'object') continue;
    const kind = classify(line);
    if (!kind) continue;
    if (kind.role === 'user') {
      texts = [];
      prompt = kind.texts.join('\n');
    } else {
      texts.push(...kind.texts.map((t) => t.trim()).filter(Boolean));
    }
  }
  return { prompt, reply: texts.length > 0 ? texts.join('\n\n') : null };
}

/** Reads the last turn from a transcript file; null when the file cannot be read. */
export function lastTurnFromTranscript(file: string): TranscriptTurn | null {
  try {
    return lastTurnFromTranscriptText(readTail(file));
  } catch {
    return null;
  }
}
