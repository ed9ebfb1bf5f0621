// Shared shapes of the real-agent tier: a scripted conversation, the mock model server's protocol
// adapters (one per model API), and the per-agent drivers that run a real agent CLI against it.
import type * as http from 'http';
import type { AgentName } from '../../src/hooks/payload';

/** One tool call the mock model asks the agent to make, in the agent's own tool. */
export type ToolStep =
  | { tool: 'write'; path: string; content: string } // the agent's file-write tool, path relative to the repo
  | { tool: 'shell'; command: string }; // the agent's shell tool, run in the repo

/** One turn: the prompt the test sends, the tool calls the model makes (one per model request), then its reply. */
export interface TurnScript {
  prompt: string;
  tools: ToolStep[];
  reply: string;
}

/** Where a conversation stands, as read from one model request. */
export interface ConversationState {
  /** Text of the newest user message that is a real prompt (not a tool result), or null. */
  prompt: string | null;
  /** Tool results that came back after that prompt. */
  toolResults: number;
}

/** What the mock model answers next. */
export type ModelAction =
  | { kind: 'tool'; step: ToolStep; callId: string }
  | { kind: 'reply'; text: string }
  /** A request that is not part of a scripted turn (titles, summaries, warm-ups): a short harmless text. */
  | { kind: 'aside'; text: string };

export interface MockRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** body parsed as JSON, or undefined. */
  json: any;
}

/** One model API spoken by the mock server (Anthropic Messages, OpenAI Responses, Chat Completions, Gemini…). */
export interface MockProtocol {
  name: string;
  /** True when this adapter answers this request (by method and path). */
  matches(request: MockRequest): boolean;
  /** The conversation state the request carries; null for requests that are not model calls (model lists, counts…). */
  stateOf(request: MockRequest): ConversationState | null;
  /** Writes the whole response for an action (streaming when the request asked for it). */
  respond(request: MockRequest, response: http.ServerResponse, action: ModelAction | null): void | Promise<void>;
}

/** A throwaway world for one agent run: its own HOME and XDG folders, a git repository, the mock server. */
export interface Sandbox {
  root: string;
  /** The repository the agent works in (a fresh git repo with one commit). */
  repo: string;
  home: string;
  /** Environment for the agent: HOME, XDG_*, PATH (with our node first), no proxies; add what you need. */
  env: NodeJS.ProcessEnv;
  /** http://127.0.0.1:PORT of the mock model server. */
  baseUrl: string;
  /** The folder the agent's npm package is installed in (.cache/agents/<name>@<version>). */
  installDir: string;
}

export interface AgentInvocation {
  command: string;
  args: string[];
  /** Added to sandbox.env. */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to the agent's stdin, then closed (default: nothing, stdin closed). */
  stdin?: string;
}

export interface TurnOutput {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What `boocode resume --json` prints, as far as the drivers need it. */
export interface ResumePlanJson {
  mode: 'resume' | 'resume-at-turn' | 'fresh' | 'seeded';
  /** The interactive command a person gets (program first); null when there is none. */
  argv: string[] | null;
  cwd: string;
  /** Index in argv of the seeded first message, when seeded. */
  seedArg?: number;
  agentSessionId: string | null;
  checkpointId: string | null;
  note: string;
}

/** How to run one real agent CLI. One file per agent in test/agents/drivers/. */
export interface AgentDriver {
  /** Our name for the agent (`boocode hooks install <agent>`). */
  agent: AgentName;
  /** Key in test/agents/versions.json. */
  packageKey: string;
  protocol: MockProtocol;
  /** Extra arguments to `boocode hooks install <agent>` (e.g. none: the default must work). */
  installArgs?: string[];
  /**
   * Makes the agent usable in the sandbox, as a user would: model provider pointing at baseUrl,
   * the repository trusted, hooks switched on where the agent needs it. Runs after our install.
   */
  prepare(sandbox: Sandbox): void | Promise<void>;
  /** The command for turn `index` (0-based); turn 1 and later resume the session of turn 0. */
  turn(sandbox: Sandbox, prompt: string, index: number, previous: TurnOutput[]): AgentInvocation;
  /** The agent's own session id after the runs (from its output or its files). */
  sessionId(sandbox: Sandbox, outputs: TurnOutput[]): string;
  /**
   * The resume plan's command run headless, with `prompt` as the next message: the same session
   * (or seed) the interactive command continues, in the agent's non-interactive mode.
   */
  resumed?(sandbox: Sandbox, plan: ResumePlanJson, prompt: string): AgentInvocation;
}
