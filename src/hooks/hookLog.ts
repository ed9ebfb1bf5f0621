// The hook log, `<state dir>/hooks.log`: what went wrong in a hook call, one line each
// (`<ISO time> <agent> <what>`). A turn's end is recorded by a detached follow-up that nobody
// watches, so `hooks status` reads the log back.
import * as fs from 'fs';
import * as path from 'path';

export const HOOK_LOG_FILE = 'hooks.log';

/** How far back `hooks status` looks for a problem. */
const RECENT_MS = 24 * 3600 * 1000;

/** The last line an agent's hooks logged in this state folder within a day, or null. */
export function lastHookProblem(stateDir: string, agent: string, now = Date.now()): { at: number; text: string } | null {
  let text: string;
  try {
    const file = path.join(stateDir, HOOK_LOG_FILE);
    // The tail is enough: lines are short, and the log is rotated at 1 MB.
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const lines = text.split('\n').filter(Boolean).reverse();
  for (const line of lines) {
    const [stamp, who, ...rest] = line.split(' ');
    const at = Date.parse(stamp);
    if (who !== agent || Number.isNaN(at)) continue;
    return now - at <= RECENT_MS ? { at, text: rest.join(' ') } : null;
  }
  return null;
}
