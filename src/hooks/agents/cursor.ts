// Cursor: .cursor/hooks.json (flat entries, no matcher groups). beforeSubmitPrompt must answer
// {"continue":true}; afterAgentResponse carries the reply text; stop ends the turn.
import * as path from 'path';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, requireString, notATurnEvent } from '../payload';
import { AgentSpec, homeOf } from '../spec';

function workspaceRoot(payload: Payload): string | null {
  const roots = payload.workspace_roots;
  if (Array.isArray(roots) && typeof roots[0] === 'string' && roots[0]) return roots[0];
  return pickString(payload, 'cwd');
}

export function parseCursor(payload: Payload, _env: NodeJS.ProcessEnv = {}): HookEvent {
  const event = eventName(payload) ?? '';
  const cwd = workspaceRoot(payload);
  if (event === 'beforeSubmitPrompt') {
    return { kind: 'begin', agent: 'cursor', event, sessionId: requireString(payload, 'conversation id', 'conversation_id'), prompt: requirePrompt(payload, 'prompt'), cwd };
  }
  if (event === 'afterAgentResponse' || event === 'stop') {
    return {
      kind: 'end',
      agent: 'cursor',
      event,
      sessionId: requireString(payload, 'conversation id', 'conversation_id'),
      // stop carries no text: the reply came with afterAgentResponse, and an empty end records nothing.
      reply: event === 'afterAgentResponse' ? optionalReply(payload, 'text') : null,
      transcriptPath: event === 'stop' ? pickString(payload, 'transcript_path') : null,
      cwd,
    };
  }
  return notATurnEvent('cursor', event);
}

export const cursor: AgentSpec = {
  name: 'cursor',
  label: 'Cursor',
  parse: parseCursor,
  configPath(scope, ctx) {
    if (scope === 'user') return path.join(homeOf(ctx.env), '.cursor', 'hooks.json');
    if (scope === 'personal') return null;
    return path.join(ctx.workspace, '.cursor', 'hooks.json');
  },
  config: {
    format: 'json',
    layout: 'flat',
    newFileRoot: { version: 1 },
    handlers: (command, endCommand) => ({
      beforeSubmitPrompt: { command },
      afterAgentResponse: { command: endCommand('afterAgentResponse') },
      stop: { command: endCommand('stop') },
    }),
  },
  notes: ['Cursor runs project hooks only in trusted workspaces; restart Cursor if the hooks do not show in its Hooks settings.'],
  // beforeSubmitPrompt must say the prompt may go on, whatever happened to the checkpoint; when we
  // cannot even tell the event, saying so is harmless for the others.
  stdout: (event) => (event === 'beforeSubmitPrompt' || event === null ? '{"continue":true}\n' : event === 'stop' ? '{}\n' : ''),
};
