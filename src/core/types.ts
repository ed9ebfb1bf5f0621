// Plain data shapes shared by the engine, the transcript store, the CLI, hooks and the extension.
// Nothing here imports `vscode`.

/** Why a checkpoint was taken: before a turn, at a turn's end ('after'), by hand, or before a restore. */
export type CheckpointKind = 'turn' | 'after' | 'manual' | 'safety';

/**
 * Why a file is left out of a checkpoint: bigger than the limit, inside a repository of its own,
 * not readable (a file, or a whole folder), not a file at all (a FIFO, socket or device), or
 * rewritten while it was being read (twice in a row).
 */
export type SkipReason = 'too-large' | 'nested-repository' | 'unreadable' | 'special-file' | 'changing';

/** A file (or folder) left out of a checkpoint, always reported, never dropped silently. */
export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** Size in bytes, for `too-large`. */
  size?: number;
}

/** What a checkpoint is, as recorded in its commit (so it survives a lost transcript). */
export interface CheckpointMeta {
  id: string;
  /** Commit the ref points at. */
  commit: string;
  /** Full ref name, `refs/boocode/checkpoints/<id>`. */
  ref: string;
  /** Unix milliseconds. */
  createdAt: number;
  kind: CheckpointKind;
  label: string | null;
  /** Agent session (conversation) the checkpoint belongs to, or null for manual and safety ones. */
  sessionId: string | null;
  /** Transcript message the checkpoint was taken before (the user's prompt), if any. */
  anchorMessageId: string | null;
  /** HEAD when the checkpoint was taken (null on an unborn branch or in a plain folder). */
  head: string | null;
  /** Files left out of this checkpoint. */
  skipped: SkippedFile[];
  /** The prompt a turn checkpoint was taken before, as recorded with it (shortened to 2,000 characters). */
  prompt: string | null;
  /**
   * The turn (its before-checkpoint id) this checkpoint ends: an 'after' checkpoint ends its turn;
   * a 'turn' checkpoint may also end the session's previous turn, interrupted (it never ended).
   */
  endsTurn: string | null;
}

/** How a turn ended: its after-checkpoint, or the next turn's before-checkpoint when it was interrupted. */
export interface TurnEnd {
  id: string;
  interrupted: boolean;
}

/** A checkpoint as listed to people: its metadata plus the prompt it was taken before. */
export interface CheckpointInfo extends CheckpointMeta {
  /** The anchored user prompt, when the transcript has it. */
  prompt: string | null;
  /** Agent name of the session, when known. */
  agent: string | null;
  /** For a turn's before-checkpoint: how the turn ended (null while it runs, or for other kinds). */
  turnEnd: TurnEnd | null;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'typechange';

/** One file that differs between two states. Line counts are null for binary files. */
export interface FileChange {
  path: string;
  status: ChangeStatus;
  added: number | null;
  removed: number | null;
}

/**
 * Why a restore leaves a path as it is: ignored now (by any of git's sources) or by the restored
 * checkpoint's own rules, inside a repository of its own, outside the sparse-checkout cone, left
 * out of the checkpoint, not backed up by the safety checkpoint, changed by someone while the
 * restore ran, in a folder that cannot be written, a name too long for the filesystem, or a file or
 * folder in the way.
 */
export type KeptCode =
  | 'ignored'
  | 'ignored-by-checkpoint'
  | 'nested-repository'
  | 'outside-sparse-cone'
  | 'not-in-checkpoint'
  | 'not-backed-up'
  | 'changed-during-restore'
  | 'unwritable'
  | 'name-too-long'
  | 'in-the-way'
  | 'conflict'
  | 'changed-since-turn'
  | 'path-taken';

export interface KeptFile {
  path: string;
  code: KeptCode;
  /** The reason in words, for people. */
  reason: string;
}

/** What a restore would do, computed before anything changes. */
export interface RestorePlan {
  checkpoint: CheckpointMeta;
  /** Files whose contents or mode go back. */
  modified: string[];
  /** Files that exist in the checkpoint and not now: written back. */
  recreated: string[];
  /** Files created since the checkpoint (not ignored): deleted by the restore. */
  deleted: string[];
  /** Files whose permission bits go back (contents unchanged). */
  modeChanged: string[];
  /** Files the restore leaves alone, with why (ignored now, too large, in a nested repository, …). */
  kept: KeptFile[];
}

export type RestoreMode = 'all' | 'files' | 'transcript';

/** Result of a restore of files and/or transcript. */
export interface RestoreOutcome {
  restored: string;
  mode: RestoreMode;
  /** Null for a transcript-only restore, which changes no file. */
  safetyCheckpoint: string | null;
  filesChanged: number;
  modified: string[];
  recreated: string[];
  deleted: string[];
  modeChanged: string[];
  kept: KeptFile[];
  messagesDeleted: number;
  checkpointsDropped: number;
  /** Set when the agent's own memory of the conversation no longer matches the transcript. */
  agentContextStale: boolean;
  /** A sentence for people about what to do with the agent, when stale. */
  agentAdvice: string | null;
}

/** A restore (or undo) that a killed or failed process left half-done: the next command finishes it. */
export interface PendingRestore {
  kind: 'restore' | 'undo';
  /** The checkpoint being restored. */
  checkpoint: string;
  /** Holds everything as it was before: restoring it (or `undo` once finished) gets it back. */
  safetyCheckpoint: string;
  startedAt: number;
  /** Whether any file may already have changed (false: it stopped before touching anything). */
  started: boolean;
}

/** What finishing (or rolling back) an interrupted restore did. */
export interface RecoveryOutcome {
  pending: PendingRestore;
  action: 'finished' | 'rolled-back' | 'discarded';
  filesChanged: number;
  kept: KeptFile[];
}

/** Result of reverting one turn: its own changes undone by a 3-way merge, everything else kept. */
export interface RevertOutcome extends Omit<RestoreOutcome, 'mode' | 'messagesDeleted' | 'checkpointsDropped'> {
  /** The turn's before-checkpoint. */
  reverted: string;
  /** The checkpoint the turn ended at (its after-checkpoint, or the next turn's before when interrupted). */
  turnEnd: TurnEnd;
  /** Files whose merge conflicts: left exactly as they are now. */
  conflicts: string[];
}

/** What reverting a turn would do now; nothing changes. */
export interface RevertPlan extends Omit<RestorePlan, 'checkpoint'> {
  checkpoint: CheckpointMeta;
  turnEnd: TurnEnd;
  conflicts: string[];
}

export interface UndoOutcome {
  undone: string;
  /** Checkpoint of the state just before the undo (the undo itself can be undone by restoring it). */
  safetyCheckpoint: string | null;
  filesChanged: number;
  kept: KeptFile[];
  messagesRestored: number;
  checkpointsRestored: number;
}

export interface SessionInfo {
  id: string;
  agent: string | null;
  workspace: string;
  /** First user prompt, for display. */
  title: string | null;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
  /** When the session's agent context went stale (a restore trimmed it), or null. */
  staleAt: number | null;
}

export type Role = 'user' | 'assistant';

export interface Message {
  id: string;
  sessionId: string;
  role: Role;
  text: string;
  createdAt: number;
}

/** The prompt a resumed conversation starts without: the turn it resumes before. */
export interface ResumeCut {
  /** Our message id of that prompt. */
  messageId: string;
  text: string;
  createdAt: number;
  /** Its anchor in the agent's own history (e.g. Claude Code's promptId), when recorded. */
  agentRef: string | null;
  /** 1 for the first prompt of the session with this text, 2 for the second…: finds it in the agent's history by text. */
  ordinal: number;
}

/** Where to resume an agent's conversation: the session, what the agent needs, and the turn to resume before. */
export interface ResumeTarget {
  sessionId: string;
  agent: string | null;
  /** The agent's own session id. */
  agentSessionId: string;
  /** The agent's own transcript file, when recorded. */
  agentTranscript: string | null;
  /** The folder the agent ran in, when recorded. */
  agentCwd: string | null;
  workspace: string;
  /** Our own files for this workspace (resume files go under it). */
  stateDir: string;
  /** The checkpoint resumed at, or null for the session as it stands. */
  checkpointId: string | null;
  /** The first prompt the resumed conversation leaves out; null: the whole session. */
  cut: ResumeCut | null;
  /** Our transcript up to the cut (all of it without one): what a fresh conversation is seeded with. */
  kept: Message[];
  /** How the point was chosen, for people (e.g. "the restore to checkpoint …"). */
  why: string;
}

export interface TurnBeginResult {
  sessionId: string;
  messageId: string;
  /** Null when the checkpoint failed; the turn goes on regardless. */
  checkpoint: CheckpointMeta | null;
  /** Why the checkpoint failed, when it did. */
  warning: string | null;
}

export interface TurnEndResult {
  sessionId: string;
  /** The reply recorded, or null when none was: no reply, or the same reply already recorded for the turn. */
  messageId: string | null;
  /** The turn's after-checkpoint (null when no turn of the session was open, or the capture failed). */
  checkpoint: CheckpointMeta | null;
  /** Why no after-checkpoint was taken, when the capture failed. */
  warning: string | null;
}

export interface StoreInfo {
  workspace: string;
  kind: 'git' | 'shadow';
  gitDir: string;
  /** Path of the transcript database. */
  store: string;
  checkpoints: number;
  /** Bytes held only by checkpoints (objects no branch or tag reaches) plus our own files. */
  diskBytes: number;
}

/** What the status bar shows about work in other processes (hooks, CLI). */
export interface ActivityState {
  state: 'idle' | 'checkpointing' | 'failed';
  /** Unix ms of the change. */
  at: number;
  pid?: number;
  sessionId?: string | null;
  /** For `failed`: one line saying why and what to do. */
  error?: string;
  /** Id of the latest checkpoint stored, for `idle`. */
  checkpointId?: string;
}
