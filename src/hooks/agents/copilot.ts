// GitHub Copilot: agent mode in VS Code (which also runs Claude Code's hook files) and Copilot CLI.
// Both read .github/hooks/*.json; VS Code sends snake_case or camelCase keys depending on version,
// Copilot CLI sends camelCase for camelCase event names. We accept every spelling.
import * as path from 'path';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, requireString, notATurnEvent } from '../payload';
import { AgentSpec, homeOf } from '../spec';

const BEGIN = new Set(['UserPromptSubmit', 'userPromptSubmitted']);
const END = new Set(['Stop', 'agentStop']);

export function parseCopilot(payload: Payload, _env: NodeJS.ProcessEnv = {}): HookEvent {
  let event = eventName(payload);
  // Copilot CLI's camelCase payloads carry no event name: a prompt starts a turn, a stop reason ends one.
  if (!event && typeof payload.prompt === 'string') event = 'userPromptSubmitted';
  if (!event && ('stopReason' in payload || 'stop_reason' in payload || 'stop_hook_active' in payload)) event = 'agentStop';
  const cwd = pickString(payload, 'cwd');
  const firedAt = typeof payload.timestamp === 'string' || typeof payload.timestamp === 'number' ? String(payload.timestamp) : null;
  if (event && BEGIN.has(event)) {
    return {
      kind: 'begin',
      agent: 'copilot',
      event,
      sessionId: requireString(payload, 'session id', 'session_id', 'sessionId'),
      prompt: requirePrompt(payload, 'prompt'),
      cwd,
      firedAt,
    };
  }
  if (event && END.has(event)) {
    return {
      kind: 'end',
      agent: 'copilot',
      event,
      sessionId: requireString(payload, 'session id', 'session_id', 'sessionId'),
      reply: optionalReply(payload, 'last_assistant_message', 'lastAssistantMessage'),
      transcriptPath: pickString(payload, 'transcript_path', 'transcriptPath'),
      cwd,
      firedAt,
    };
  }
  return notATurnEvent('copilot', event);
}

export const copilot: AgentSpec = {
  name: 'copilot',
  label: 'GitHub Copilot (VS Code agent mode and Copilot CLI)',
  parse: parseCopilot,
  transcriptWrittenLate: true,
  configPath(scope, ctx) {
    if (scope === 'user') {
      const base = ctx.env.COPILOT_HOME || path.join(homeOf(ctx.env), '.copilot');
      return path.join(base, 'hooks', 'boocode.json');
    }
    if (scope === 'personal') return null;
    return path.join(ctx.workspace, '.github', 'hooks', 'boocode.json');
  },
  config: {
    format: 'json',
    layout: 'flat',
    ownFile: true,
    newFileRoot: { version: 1 },
    // PascalCase event names: VS Code runs them, and Copilot CLI sends VS Code-style payloads for them.
    // `command`/`timeout` are VS Code's keys, `bash`/`timeoutSec` Copilot CLI's.
    handlers: (command) => {
      const handler = { type: 'command', command, bash: command, cwd: '.', timeout: 30, timeoutSec: 30 };
      return { UserPromptSubmit: handler, Stop: handler };
    },
  },
  notes: [
    'Copilot agent mode in VS Code (hooks are a preview there) and Copilot CLI read .github/hooks/*.json; start a new chat session to pick the hooks up.',
    'Copilot cloud agent reads .github/hooks/ from the default branch too: keep this file out of commits unless your team wants it.',
  ],
};
