// The command lines that continue each agent's own conversation, as argv (never a shell string).
// Every flag here was checked against the installed agent's own `--help` (test/agents/resumeCommands.test.ts
// checks them again against the versions pinned in test/agents/versions.json):
//   Claude Code 2.1.332  `claude --resume <id>` (a session id; our fork of it for a turn), `claude <prompt>`
//   Codex 0.171.0        `codex resume <id>` (whole session only), `codex <prompt>`
//   Gemini CLI 0.61.0    `gemini --resume <id>`, `gemini --session-file <file>` (imports a chat file),
//                        `gemini --prompt-interactive <prompt>`
//   opencode 1.18.33     `opencode --session <id>` (the TUI), `opencode --prompt <prompt>`
//   Copilot CLI 1.0.102  `copilot --resume=<id>` (whole session only), `copilot --interactive <prompt>`
// Cursor ships no command line we can run or verify here: only the seed file is offered.

export type ResumableAgent = 'claude-code' | 'codex' | 'gemini' | 'opencode' | 'copilot';

export interface AgentCli {
  label: string;
  /** The program a person runs. */
  program: string;
  /** Arguments that continue the agent's session `id` as a whole. */
  resume(id: string): string[];
  /** Arguments that start a new interactive conversation whose first message is `prompt`. */
  firstPrompt(prompt: string): string[];
  /** Whether it can continue its own conversation from an earlier turn (not only the whole session). */
  atTurn: boolean;
}

export const AGENT_CLIS: Record<ResumableAgent, AgentCli> = {
  'claude-code': {
    label: 'Claude Code',
    program: 'claude',
    resume: (id) => ['--resume', id],
    firstPrompt: (prompt) => [prompt],
    atTurn: true,
  },
  codex: {
    label: 'Codex',
    program: 'codex',
    resume: (id) => ['resume', id],
    firstPrompt: (prompt) => [prompt],
    atTurn: false,
  },
  gemini: {
    label: 'Gemini CLI',
    program: 'gemini',
    resume: (id) => ['--resume', id],
    firstPrompt: (prompt) => ['--prompt-interactive', prompt],
    atTurn: true,
  },
  opencode: {
    label: 'opencode',
    program: 'opencode',
    resume: (id) => ['--session', id],
    firstPrompt: (prompt) => ['--prompt', prompt],
    atTurn: true,
  },
  copilot: {
    label: 'Copilot CLI',
    program: 'copilot',
    resume: (id) => [`--resume=${id}`],
    firstPrompt: (prompt) => ['--interactive', prompt],
    atTurn: false,
  },
};

/** Gemini CLI's way to continue a conversation kept in a file (a rewound copy, or one that came with an import). */
export const geminiSessionFile = (file: string) => ['--session-file', file];

export function agentCli(agent: string | null): AgentCli | null {
  return agent && agent in AGENT_CLIS ? AGENT_CLIS[agent as ResumableAgent] : null;
}

const LABELS: Record<string, string> = { cursor: 'Cursor' };

export function agentLabel(agent: string | null): string {
  return agentCli(agent)?.label ?? (agent ? LABELS[agent] ?? agent : 'the agent');
}

/** One word quoted for a POSIX shell, for showing a command a person may paste; plain words stay as they are. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
