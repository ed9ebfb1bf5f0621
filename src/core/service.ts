// The one entry point the CLI, the hooks and the extension use: a workspace's checkpoints and
// transcript together. Plain Node, no `vscode`.
import {
  ActivityState,
  CheckpointInfo,
  CheckpointMeta,
  FileChange,
  Message,
  PendingRestore,
  RecoveryOutcome,
  RestoreMode,
  RestoreOutcome,
  RestorePlan,
  ResumeTarget,
  RevertOutcome,
  RevertPlan,
  SessionInfo,
  StoreInfo,
  TurnBeginResult,
  TurnEndResult,
  UndoOutcome,
} from './types';

export interface OpenOptions {
  /** Where shadow repositories for plain folders live; default `$XDG_STATE_HOME/boocode` or `~/.local/state/boocode`. */
  stateHome?: string;
  /** How long to wait for another process's lock before giving up with a clear error. */
  lockTimeoutMs?: number;
  /** Files larger than this are left out of checkpoints (and reported). Default 50 MB. */
  maxFileBytes?: number;
  /** Checkpoints kept per session; older ones are dropped as new ones are taken. Default 100. */
  keepPerSession?: number;
  /** Gitignore-like patterns never captured nor restored, on top of .gitignore. Default: none. */
  exclude?: readonly string[];
  /** One-line notices for people (e.g. a corrupt transcript moved aside). Default: stderr. */
  onNotice?: (line: string) => void;
  /**
   * A restore a killed process left half-done: 'finish' it on open (the default: every CLI and
   * hook command does), or 'leave' it for the caller to offer (the extension asks: Finish or Roll Back).
   */
  interruptedRestore?: 'finish' | 'leave';
}

export interface TurnBeginInput {
  sessionId?: string;
  prompt: string;
  agent?: string | null;
  /** The prompt's anchor in the agent's own history (Claude Code's prompt_id, opencode's message id, Codex's turn id). */
  agentRef?: string | null;
  /** The agent's own transcript file, when the payload names it. */
  agentTranscript?: string | null;
  /** The folder the agent runs in. */
  agentCwd?: string | null;
}

export interface TurnEndInput {
  sessionId: string;
  reply?: string | null;
  prompt?: string | null;
  agent?: string | null;
  at?: number;
  closeTurn?: boolean;
  agentTranscript?: string | null;
  agentCwd?: string | null;
}

export interface Checkpoints {
  /** Real path of the workspace folder. */
  readonly root: string;
  readonly kind: 'git' | 'shadow';
  /** Our own files for this workspace: transcript, journal, private index, activity. Watch it for changes. */
  readonly stateDir: string;
  /** Path of the transcript database. */
  readonly storePath: string;

  beginTurn(input: TurnBeginInput): Promise<TurnBeginResult>;
  /**
   * Ends the session's open turn: a checkpoint of the files at its end (paired with the turn's
   * before-checkpoint; `closeTurn: false` skips it), then the reply, if any. `at` is when the agent
   * reported the end (a detached follow-up records it later): a turn begun after it is left open.
   */
  endTurn(input: TurnEndInput): Promise<TurnEndResult>;
  /**
   * Gets the store ready for the first turn (private repository, index seeded, the files' objects
   * written, the transcript database created) without taking a checkpoint, so that turn costs what
   * later ones do.
   */
  prepare(): Promise<void>;
  createCheckpoint(input?: { label?: string | null; sessionId?: string | null }): Promise<CheckpointMeta>;
  /** Newest first. */
  list(filter?: { sessionId?: string }): Promise<CheckpointInfo[]>;
  get(id: string): Promise<CheckpointInfo>;
  sessions(): Promise<SessionInfo[]>;
  transcript(sessionId: string): Promise<Message[]>;
  /** The session's last prompt recorded at or before `upTo` (cheap: hooks ask it after every turn); null when none. */
  lastPrompt(sessionId: string, upTo?: number): Promise<string | null>;
  /** Files changed from checkpoint `id` to checkpoint `to`, or to the current files when `to` is omitted. */
  diff(id: string, to?: string): Promise<FileChange[]>;
  /** A file's bytes at a checkpoint; throws a BooError when the file is not in it. */
  fileAt(id: string, path: string): Promise<Buffer>;
  /** `paths`: only those files and folders (workspace-relative), files only. */
  planRestore(id: string, options?: { sessionId?: string; paths?: string[] }): Promise<RestorePlan>;
  restore(id: string, options?: { sessionId?: string; mode?: RestoreMode; paths?: string[] }): Promise<RestoreOutcome>;
  /** What reverting the turn of before-checkpoint `id` would do now; nothing changes. */
  planRevert(id: string, options?: { sessionId?: string }): Promise<RevertPlan>;
  /** Reverts one turn onto the files as they are now (3-way merge per file); undo with `undo`. */
  revert(id: string, options?: { sessionId?: string }): Promise<RevertOutcome>;
  /** A conflicting file of a revert merged with conflict markers, to show (never written to the file). */
  revertConflict(id: string, path: string, options?: { sessionId?: string }): Promise<string>;
  undo(): Promise<UndoOutcome>;
  /** A restore or undo that a killed or failed process left half-done, if any. */
  pendingRestore(): PendingRestore | null;
  /** Finishes it, or finishes and undoes it ('roll-back'); null when there was none. */
  recoverRestore(action?: 'finish' | 'roll-back'): Promise<RecoveryOutcome | null>;
  delete(id: string): Promise<void>;
  prune(options: { keep?: number; olderThanDays?: number }): Promise<{ deleted: string[] }>;
  info(): Promise<StoreInfo>;
  /**
   * Where to resume the agent for `ref`: a checkpoint (the conversation before its turn) or a session
   * (as it stands; after a restore, before the restored turn).
   */
  resumeTarget(ref: string): Promise<ResumeTarget>;
  /** What hooks and other processes are doing now (read from `stateDir/activity.json`). */
  activity(): ActivityState;
  close(): void;
}

export { openCheckpoints } from './checkpoints';
