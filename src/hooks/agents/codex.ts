// OpenAI Codex CLI: UserPromptSubmit / Stop command hooks in hooks.json (each must be trusted in
// Codex's /hooks before it runs), and the older `notify` program (turn end only, JSON payload as
// the last argument, `type: "agent-turn-complete"`).
import * as path from 'path';
import { eventName, HookEvent, optionalReply, parseClaudeStyle, Payload, pickString, requireString } from '../payload';
import { AgentSpec, homeOf } from '../spec';

export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME || path.join(homeOf(env), '.codex');
}

export function parseCodex(payload: Payload, _env: NodeJS.ProcessEnv = {}): HookEvent {
  const cwd = pickString(payload, 'cwd');
  if (payload.type === 'agent-turn-complete') {
    return {
      kind: 'end',
      agent: 'codex',
      event: 'agent-turn-complete',
      sessionId: requireString(payload, 'thread id', 'thread-id', 'thread_id'),
      reply: optionalReply(payload, 'last-assistant-message', 'last_assistant_message'),
      transcriptPath: null,
      cwd,
    };
  }
  const event = pickString(payload, 'hook_event_name') ?? eventName(payload) ?? '';
  return parseClaudeStyle('codex', payload, event, ['Stop']);
}

export const codex: AgentSpec = {
  name: 'codex',
  label: 'OpenAI Codex CLI',
  parse: parseCodex,
  configPath(scope, ctx) {
    if (scope === 'user') return path.join(codexHome(ctx.env), 'hooks.json');
    if (scope === 'personal') return null;
    return path.join(ctx.workspace, '.codex', 'hooks.json');
  },
  config: {
    format: 'json',
    layout: 'nested',
    handlers: (command) => ({
      UserPromptSubmit: { type: 'command', command, timeout: 30 },
      Stop: { type: 'command', command, timeout: 30 },
    }),
  },
  notes: [
    'Codex runs a new or changed hook only after you trust it: open /hooks in Codex and trust the two boocode hooks.',
    'Project hooks (.codex/hooks.json) load only in projects you trust in Codex; use --user for ~/.codex/hooks.json.',
  ],
  // Codex reads Stop's stdout as JSON; `{}` means "carry on" under every reading of its docs.
  stdout: (event) => (event === 'Stop' ? '{}\n' : ''),
};
