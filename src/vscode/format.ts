// How checkpoints read to people: labels, times and change counts. Plain functions, no `vscode`,
// shared by the tree, the timeline, the status bar and the quick picks so they all say the same.
import type { CheckpointInfo, FileChange, SessionInfo } from '../core/types';

/** One line, at most `max` characters, cut at a word when possible. */
export function shorten(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** "Before: add a login form", or the manual label. */
export function checkpointLabel(checkpoint: CheckpointInfo, max = 60): string {
  if (checkpoint.kind === 'turn') {
    return checkpoint.prompt ? `Before: ${shorten(checkpoint.prompt, max)}` : 'Before an agent turn';
  }
  if (checkpoint.kind === 'after') return checkpoint.prompt ? `After: ${shorten(checkpoint.prompt, max)}` : 'After an agent turn';
  if (checkpoint.kind === 'safety') return shorten(checkpoint.label ?? 'Before a restore', max);
  return shorten(checkpoint.label ?? 'Manual checkpoint', max);
}

export function sessionLabel(session: SessionInfo): string {
  return session.title ? shorten(session.title, 50) : 'Untitled session';
}

/** "just now", "3 min ago", "2 h ago", "yesterday 14:02", "12 Mar 14:02". */
export function relativeTime(at: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 12) return `${hours} h ago`;
  const date = new Date(at);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return `today ${time}`;
  const yesterday = new Date(now - 86_400_000);
  if (date.toDateString() === yesterday.toDateString()) return `yesterday ${time}`;
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time}`;
}

export function absoluteTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export interface ChangeTotals {
  files: number;
  added: number;
  removed: number;
}

export function totals(changes: readonly FileChange[]): ChangeTotals {
  return changes.reduce(
    (sum, change) => ({ files: sum.files + 1, added: sum.added + (change.added ?? 0), removed: sum.removed + (change.removed ?? 0) }),
    { files: 0, added: 0, removed: 0 },
  );
}

/** "4 files +12 −3", "1 file +2", "no changes". */
export function changeSummary(changes: readonly FileChange[]): string {
  const sum = totals(changes);
  if (sum.files === 0) return 'no changes';
  const lines = [sum.added ? `+${sum.added}` : '', sum.removed ? `−${sum.removed}` : ''].filter(Boolean).join(' ');
  return `${sum.files} ${plural(sum.files, 'file')}${lines ? ` ${lines}` : ''}`;
}

/** "+3 −1" for a file, "binary" when git gives no line counts. */
export function lineCounts(change: FileChange): string {
  if (change.added === null || change.removed === null) return 'binary';
  return [change.added ? `+${change.added}` : '', change.removed ? `−${change.removed}` : ''].filter(Boolean).join(' ') || 'mode';
}

export function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

export function countLabel(count: number, word: string): string {
  return `${count} ${plural(count, word)}`;
}

/** "src/app.ts, README.md and 3 more" for one-line messages. */
export function listFew(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Escapes text for a MarkdownString. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, (char) => `\\${char}`);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
