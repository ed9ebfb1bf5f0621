// GitHub Copilot: agent mode in VS Code (which also runs Claude Code's hook files) and Copilot CLI.
// Both read .github/hooks/*.json; VS Code sends snake_case or camelCase keys depending on version,
// Copilot CLI sends camelCase for camelCase event names. We accept every spelling.
import * as path from 'path';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, requireString, notATurnEvent } from '../payload';
import { readJson, selfAndParents } from '../agentTrust';
import { AgentSpec, homeOf, PathContext, Scope } from '../spec';

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
      transcriptPath: pickString(payload, 'transcript_path', 'transcriptPath'),
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

const copilotHome = (env: NodeJS.ProcessEnv) => env.COPILOT_HOME || path.join(homeOf(env), '.copilot');

/**
 * Copilot CLI skips a repository's .github/hooks silently unless the folder (or a parent) is in the
 * `trustedFolders` of its config.json, written when you answer its trust prompt. VS Code's agent
 * mode has its own workspace trust, which we cannot see from here.
 */
function copilotReadiness(scope: Scope, _file: string, ctx: PathContext): string[] {
  if (scope === 'user') return [];
  const config = readJson(path.join(copilotHome(ctx.env), 'config.json')) as { trustedFolders?: unknown } | undefined;
  const listed = (Array.isArray(config?.trustedFolders) ? config.trustedFolders : []).filter((v): v is string => typeof v === 'string');
  const trusted = new Set(listed.map((dir) => path.resolve(dir)));
  if (selfAndParents(ctx.workspace).some((dir) => trusted.has(dir))) return [];
  return ['Copilot CLI runs repository hooks only in folders you trusted: start `copilot` here and trust the folder (VS Code agent mode is not affected).'];
}

export const copilot: AgentSpec = {
  name: 'copilot',
  label: 'GitHub Copilot (VS Code agent mode and Copilot CLI)',
  parse: parseCopilot,
  transcriptWrittenLate: true,
  readiness: copilotReadiness,
  configPath(scope, ctx) {
    if (scope === 'user') return path.join(copilotHome(ctx.env), 'hooks', 'boocode.json');
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
    handlers: (command, endCommand) => {
      const handler = (line: string) => ({ type: 'command', command: line, bash: line, cwd: '.', timeout: 30, timeoutSec: 30 });
      return { UserPromptSubmit: handler(command), Stop: handler(endCommand('Stop')) };
    },
  },
  notes: [
    'Copilot agent mode in VS Code (hooks are a preview there) and Copilot CLI read .github/hooks/*.json; start a new chat session to pick the hooks up.',
    'Copilot CLI loads repository hooks only in a folder you trusted when it asked; --user hooks fire everywhere.',
  ],
};
