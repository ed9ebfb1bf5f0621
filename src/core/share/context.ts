// What export, import and sharing work on: a workspace's engine (refs, objects, the git lock) and
// its transcript store, opened with the same settings every other command uses.
import { CheckpointEngine } from '../engine';
import { readSettings } from '../settings';
import { TranscriptStore } from '../store/transcriptStore';
import { resolveWorkspace, Workspace } from '../workspace';

export interface ShareContext {
  ws: Workspace;
  engine: CheckpointEngine;
  store: TranscriptStore;
  notice: (line: string) => void;
  close(): void;
}

export interface ShareOpenOptions {
  stateHome?: string;
  lockTimeoutMs?: number;
  onNotice?: (line: string) => void;
}

export async function openShareContext(dir: string, options: ShareOpenOptions = {}): Promise<ShareContext> {
  const ws = await resolveWorkspace(dir, { stateHome: options.stateHome });
  const settings = readSettings(ws.stateDir);
  const notice = options.onNotice ?? ((line: string) => process.stderr.write(`boocode: ${line}\n`));
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  const engine = new CheckpointEngine(ws, { maxFileBytes: settings.maxFileBytes, exclude: settings.exclude, lockTimeoutMs, notice });
  const store = new TranscriptStore(ws.stateDir, { lockTimeoutMs, onNotice: notice });
  return { ws, engine, store, notice, close: () => store.close() };
}

/** Opens, runs `task`, closes. */
export async function withShareContext<T>(dir: string, options: ShareOpenOptions, task: (context: ShareContext) => Promise<T>): Promise<T> {
  const context = await openShareContext(dir, options);
  try {
    return await task(context);
  } finally {
    context.close();
  }
}
