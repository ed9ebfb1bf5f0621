// Identifiers: checkpoint and message ids sort by time and carry a random suffix, so two
// processes in the same millisecond never collide. Every id that comes in is validated.
import { randomBytes } from 'crypto';
import { BooError } from './errors';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomSuffix(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return out;
}

/** `<ms in base36, 9 chars>-<6 random chars>`: sortable as text, 16 characters. */
export function newTimeId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomSuffix(6)}`;
}

const TIME_ID = /^[0-9a-z]{9}-[0-9a-z]{6}$/;

export function isCheckpointId(value: string): boolean {
  return TIME_ID.test(value);
}

/** Throws a clear error for anything that is not a checkpoint id (paths, ref names, options…). */
export function assertCheckpointId(value: unknown): string {
  if (typeof value !== 'string' || !isCheckpointId(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value);
    throw new BooError('invalid-id', `${shown} is not a checkpoint id (ids look like lz9k2m3aa-7fq2xk); run \`boocode list\` to see them.`);
  }
  return value;
}

export function timeOfId(id: string): number {
  return parseInt(id.slice(0, 9), 36);
}

// Agents' own session ids (UUIDs, ses_…, thread ids) are kept as given but must be tame text.
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;

export function assertSessionId(value: unknown): string {
  if (typeof value !== 'string' || !SESSION_ID.test(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value);
    throw new BooError(
      'invalid-session',
      `${shown} is not a valid session id (use letters, digits and . _ : @ + -, at most 128 characters).`,
    );
  }
  return value;
}

/** Readable ids for sessions we start ourselves, e.g. `session-20261121-1942-k3f9qa`. */
export function newSessionId(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
  return `session-${stamp}-${randomSuffix(6)}`;
}

export const newMessageId = newTimeId;
