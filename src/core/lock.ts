// A cross-process lock file with stale-lock detection: one writer at a time per repository or
// transcript, across VS Code windows, the CLI and agent hooks. A holder that died (its pid is
// gone on this host) or that has held the lock for longer than `staleMs` is taken over.
import * as fs from 'fs';
import * as os from 'os';
import { BooError } from './errors';

export interface LockOptions {
  /** Give up after this long with a clear error. */
  timeoutMs: number;
  /** A lock older than this is considered abandoned. */
  staleMs: number;
  /** What the lock protects, for the error message. */
  what: string;
}

interface Holder {
  pid: number;
  host: string;
  at: number;
}

// Locks this process already holds, so nested calls in one process do not deadlock.
const queues = new Map<string, Promise<unknown>>();

/** Runs `task` while holding the lock at `lockPath`; calls in one process queue up in order. */
export function withLock<T>(lockPath: string, options: LockOptions, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await acquire(lockPath, options);
    try {
      return await task();
    } finally {
      release(lockPath);
    }
  });
  const tail = run.catch(() => undefined);
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return run;
}

async function acquire(lockPath: string, options: LockOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const me: Holder = { pid: process.pid, host: os.hostname(), at: Date.now() };
  let delay = 2;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (breakIfStale(lockPath, options.staleMs)) continue;
    if (Date.now() >= deadline) {
      const holder = readHolder(lockPath);
      const who = holder ? ` by process ${holder.pid}` : '';
      throw new BooError('locked', `${options.what} is busy${who}; try again in a moment (lock: ${lockPath}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 50);
  }
}

function release(lockPath: string): void {
  const holder = readHolder(lockPath);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) {
    try {
      fs.unlinkSync(lockPath);
    } catch {
      // Already gone: someone judged it stale. Nothing more to do.
    }
  }
}

function readHolder(lockPath: string): Holder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Holder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

/** True when a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function breakIfStale(lockPath: string, staleMs: number): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(lockPath);
  } catch {
    return true; // Released meanwhile: try again at once.
  }
  const holder = readHolder(lockPath);
  const age = Date.now() - stat.mtimeMs;
  // A lock file with no readable holder yet may be mid-write: only old ones count as abandoned.
  const dead = holder ? holder.host === os.hostname() && !isProcessAlive(holder.pid) : age > 2000;
  if (!dead && age < staleMs) return false;
  // Move it aside before deleting, so two processes breaking it at once cannot delete a fresh lock.
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return true; // Another process broke it first.
  }
  const moved = readHolder(aside);
  if (holder && moved && (moved.pid !== holder.pid || moved.at !== holder.at)) {
    // We raced another breaker and moved a fresh lock: put it back.
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // The slot was taken again; the fresh holder lost its file and will notice nothing worse.
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}
