// Gemini CLI: BeforeAgent / AfterAgent command hooks in .gemini/settings.json (timeouts in
// milliseconds; stdout must be JSON or nothing, so we print nothing).
import * as path from 'path';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, PayloadError, notATurnEvent } from '../payload';
import { AgentSpec, homeOf } from '../spec';

function sessionOf(payload: Payload, env: NodeJS.ProcessEnv): string {
  const id = pickString(payload, 'session_id') ?? (env.GEMINI_SESSION_ID || null);
  if (!id) throw new PayloadError('the payload has no session id (session_id or GEMINI_SESSION_ID)');
  return id;
}

export function parseGemini(payload: Payload, env: NodeJS.ProcessEnv = {}): HookEvent {
  const event = eventName(payload) ?? '';
  const cwd = pickString(payload, 'cwd') ?? (env.GEMINI_PROJECT_DIR || null);
  if (event === 'BeforeAgent') {
    return { kind: 'begin', agent: 'gemini', event, sessionId: sessionOf(payload, env), prompt: requirePrompt(payload, 'prompt'), cwd };
  }
  if (event === 'AfterAgent') {
    return {
      kind: 'end',
      agent: 'gemini',
      event,
      sessionId: sessionOf(payload, env),
      reply: optionalReply(payload, 'prompt_response'),
      transcriptPath: null,
      cwd,
    };
  }
  return notATurnEvent('gemini', event);
}

export const gemini: AgentSpec = {
  name: 'gemini',
  label: 'Gemini CLI',
  parse: parseGemini,
  configPath(scope, ctx) {
    if (scope === 'user') return path.join(homeOf(ctx.env), '.gemini', 'settings.json');
    if (scope === 'personal') return null;
    return path.join(ctx.workspace, '.gemini', 'settings.json');
  },
  config: {
    format: 'json',
    layout: 'nested',
    allowComments: true,
    handlers: (command) => ({
      BeforeAgent: { name: 'boocode-checkpoint', type: 'command', command, timeout: 30000, description: 'BooCode: record the prompt and checkpoint the workspace' },
      AfterAgent: { name: 'boocode-reply', type: 'command', command, timeout: 30000, description: "BooCode: record the agent's reply" },
    }),
  },
  notes: ["Gemini CLI runs hooks only when its hooks system is on: /settings → Advanced → Enable Hooks System (tools.enableHooks), then restart Gemini."],
};
