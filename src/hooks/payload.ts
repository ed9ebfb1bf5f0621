// What an agent's hook payload means for us, as plain data: the start of a turn (the prompt), the
// end of one (the reply), or something we ignore. Parsing is pure, so every agent's payload shapes
// can be tested without a repository. No `vscode` import.

export const AGENTS = ['claude-code', 'copilot', 'codex', 'gemini', 'opencode', 'cursor'] as const;
export type AgentName = (typeof AGENTS)[number];

export function isAgentName(value: unknown): value is AgentName {
  return typeof value === 'string' && (AGENTS as readonly string[]).includes(value);
}

export interface TurnBegin {
  kind: 'begin';
  /** The agent that really sent the payload (Copilot in VS Code also runs Claude Code's hooks). */
  agent: AgentName;
  /** The agent's event name, for logs. */
  event: string;
  sessionId: string;
  prompt: string;
  /** Folder the agent works in, when the payload says. */
  cwd: string | null;
  /** The agent's project top when the payload says (opencode's worktree): checkpointed when cwd is inside it. */
  projectDir?: string | null;
  /**
   * When the agent says the event fired (Copilot's `timestamp`): two hook processes carrying the
   * same one are one event seen twice, not two turns.
   */
  firedAt?: string | null;
  /**
   * The prompt's anchor in the agent's own history, for resuming there later: Claude Code's
   * `prompt_id` (the `promptId` of its JSONL entries), Codex's `turn_id`, opencode's message id.
   */
  agentRef?: string | null;
  /** The agent's own transcript file, when the payload names it. */
  transcriptPath?: string | null;
}

export interface TurnEnd {
  kind: 'end';
  agent: AgentName;
  event: string;
  sessionId: string;
  /** The final reply, when the payload carries it. */
  reply: string | null;
  /** A transcript file the reply can be read from when `reply` is null. */
  transcriptPath: string | null;
  cwd: string | null;
  projectDir?: string | null;
  firedAt?: string | null;
  /**
   * The turn's prompt, from an end-only channel (Codex `notify`): recorded before the reply when the
   * transcript does not have it yet (no checkpoint can be taken after the fact).
   */
  prompt?: string | null;
}

export interface Ignored {
  kind: 'ignore';
  agent: AgentName;
  event: string;
  reason: string;
}

export type HookEvent = TurnBegin | TurnEnd | Ignored;

/** Claude Code's hook shape, which Codex's hooks follow too: `UserPromptSubmit` begins a turn, `endEvents` end it. */
export function parseClaudeStyle(agent: AgentName, payload: Payload, event: string, endEvents: string[]): HookEvent {
  const cwd = pickString(payload, 'cwd');
  if (event === 'UserPromptSubmit') {
    return {
      kind: 'begin',
      agent,
      event,
      sessionId: requireString(payload, 'session id', 'session_id'),
      prompt: requirePrompt(payload, 'prompt'),
      cwd,
      agentRef: pickString(payload, 'prompt_id', 'turn_id'),
      transcriptPath: pickString(payload, 'transcript_path'),
    };
  }
  if (endEvents.includes(event)) {
    return {
      kind: 'end',
      agent,
      event,
      sessionId: requireString(payload, 'session id', 'session_id'),
      reply: optionalReply(payload, 'last_assistant_message'),
      transcriptPath: pickString(payload, 'transcript_path'),
      cwd,
      // One turn's end reported twice (Codex: its Stop hook and `notify`) is recorded once.
      firedAt: pickString(payload, 'turn_id'),
    };
  }
  return notATurnEvent(agent, event);
}

/** An event that neither starts nor ends a turn (agents send many): skipped, with why. */
export function notATurnEvent(agent: AgentName, event: string | null | undefined): Ignored {
  const name = event || '(none)';
  return { kind: 'ignore', agent, event: name, reason: `event ${name} is not a turn start or end` };
}

/** A payload we cannot use; the hook logs it and lets the agent go on. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export type Payload = Record<string, unknown>;

/** Largest prompt or reply we store; longer text is cut with a marker. */
export const MAX_STORED_TEXT = 100 * 1024;

/** Cuts text to `max` UTF-8 bytes (on a character boundary) and says so. */
export function capText(text: string, max = MAX_STORED_TEXT): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return text;
  let cut = Buffer.from(text).subarray(0, max).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}\n[… cut by BooCode hook: the text was ${bytes} bytes]`;
}

/** Parses a payload given as text; anything but a JSON object is a PayloadError. */
export function parseJsonPayload(text: string): Payload {
  const trimmed = text.trim();
  if (!trimmed) throw new PayloadError('the hook got no payload (expected JSON on stdin)');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new PayloadError(`the payload is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadError('the payload is not a JSON object');
  }
  return value as Payload;
}

/** The first of `keys` that holds a string (empty strings count as missing). */
export function pickString(payload: Payload, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = payload[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

export function requireString(payload: Payload, what: string, ...keys: string[]): string {
  const value = pickString(payload, ...keys);
  if (value === null) throw new PayloadError(`the payload has no ${what} (${keys.join(' or ')})`);
  return value;
}

/** The prompt may legitimately be empty (e.g. only attachments), but it must be a string. */
export function requirePrompt(payload: Payload, ...keys: string[]): string {
  for (const key of keys) {
    if (typeof payload[key] === 'string') return capText(payload[key] as string);
  }
  throw new PayloadError(`the payload has no prompt text (${keys.join(' or ')})`);
}

export function optionalReply(payload: Payload, ...keys: string[]): string | null {
  const value = pickString(payload, ...keys);
  return value === null ? null : capText(value);
}

export function eventName(payload: Payload): string | null {
  return pickString(payload, 'hook_event_name', 'hookEventName', 'event', 'type');
}
