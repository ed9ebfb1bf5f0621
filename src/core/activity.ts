// What a workspace's checkpointing is doing now, written by whichever process does it (a hook,
// the CLI, the extension) to `<stateDir>/activity.json`, so the status bar in any window can show
// "Checkpointing…" and failures without sharing a process.
import * as fs from 'fs';
import * as path from 'path';
import { isProcessAlive } from './lock';
import { ActivityState } from './types';

export function activityFile(stateDir: string): string {
  return path.join(stateDir, 'activity.json');
}

export function writeActivity(stateDir: string, state: Omit<ActivityState, 'at' | 'pid'>): void {
  const file = activityFile(stateDir);
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(temporary, JSON.stringify({ ...state, at: Date.now(), pid: process.pid }), { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    // Showing progress must never cost the checkpoint itself.
    fs.rmSync(temporary, { force: true });
  }
}

export function readActivity(stateDir: string): ActivityState {
  try {
    const parsed = JSON.parse(fs.readFileSync(activityFile(stateDir), 'utf8')) as ActivityState;
    // A "checkpointing" left behind by a process that died is not shown forever.
    if (parsed.state === 'checkpointing' && parsed.pid && !isProcessAlive(parsed.pid)) return { state: 'idle', at: parsed.at };
    return parsed;
  } catch {
    return { state: 'idle', at: 0 };
  }
}
