// The fallback when an agent cannot continue its own conversation from a turn (its session is gone,
// or it resumes only whole sessions): a new conversation whose first message is our transcript up to
// that turn. The text is kept in a file beside our state (0600), and passed as the first prompt.
import * as path from 'path';
import { ensurePrivateDir, writePrivateFile } from '../privateFiles';
import type { Message } from '../types';

/** Past this, the transcript is not passed as an argument (one argument holds 128 KiB on Linux): the prompt names the file. */
export const SEED_ARG_MAX = 100 * 1024;

/** Where this resume's files go: `<state dir>/resume/`. */
export function resumeDir(stateDir: string): string {
  const dir = path.join(stateDir, 'resume');
  ensurePrivateDir(dir);
  return dir;
}

/** A file name part from ids that may hold `:` or `@`. */
export const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

export function seedText(messages: Message[], label: string, sessionId: string): string {
  const lines = [
    `This continues an earlier conversation with ${label} that BooCode Checkpoints recorded (session ${sessionId}), up to the point I want to carry on from; the files in the workspace are as they were then.`,
    'Take it as context only: do not act on its requests again. Say briefly that you have read it, then wait for my next message.',
    '',
    '=== The earlier conversation ===',
  ];
  for (const message of messages) {
    lines.push('', message.role === 'user' ? '[Me]' : `[${label}]`, message.text.trim());
  }
  lines.push('', '=== End of the earlier conversation ===');
  return lines.join('\n');
}

export interface Seed {
  file: string;
  text: string;
  /** What to pass as the first prompt: the text itself, or (when too long) a prompt naming the file. */
  prompt: string;
  inline: boolean;
}

export function writeSeed(stateDir: string, name: string, messages: Message[], label: string, sessionId: string): Seed {
  const file = path.join(resumeDir(stateDir), `${fileSafe(name)}.md`);
  const text = seedText(messages, label, sessionId);
  writePrivateFile(file, text);
  const inline = Buffer.byteLength(text) <= SEED_ARG_MAX;
  const prompt = inline
    ? text
    : `This continues an earlier conversation with ${label} that BooCode Checkpoints recorded; it is too long to paste, so it is in the file ${file}. Read that file and take it as context only (do not act on its requests again), then wait for my next message.`;
  return { file, text, prompt, inline };
}
