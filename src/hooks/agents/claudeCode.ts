// Claude Code: command hooks in .claude/settings(.local).json or ~/.claude/settings.json.
// UserPromptSubmit starts a turn (its stdout would reach the model: we print nothing), Stop ends it.
import * as path from 'path';
import { eventName, HookEvent, parseClaudeStyle, Payload, pickString } from '../payload';
import { AgentSpec, homeOf } from '../spec';
import { parseCopilot } from './copilot';

/**
 * Copilot agent mode in VS Code runs Claude Code's hook files too. Its payloads carry a
 * `timestamp` and camelCase keys and its transcripts live in VS Code's storage; Claude Code's carry
 * `permission_mode` and point into ~/.claude/projects.
 */
export function looksLikeCopilot(payload: Payload): boolean {
  const transcript = pickString(payload, 'transcript_path', 'transcriptPath') ?? '';
  if ('permission_mode' in payload || /[\\/]\.claude[\\/]projects[\\/]/.test(transcript)) return false;
  if ('sessionId' in payload || 'hookEventName' in payload || 'transcriptPath' in payload) return true;
  if (/copilot/i.test(transcript)) return true;
  return 'timestamp' in payload;
}

export function parseClaudeCode(payload: Payload, env: NodeJS.ProcessEnv = {}): HookEvent {
  if (looksLikeCopilot(payload)) return parseCopilot(payload, env);
  return parseClaudeStyle('claude-code', payload, eventName(payload) ?? '', ['Stop', 'StopFailure']);
}

export const claudeCode: AgentSpec = {
  name: 'claude-code',
  label: 'Claude Code',
  parse: parseClaudeCode,
  transcriptWrittenLate: true,
  configPath(scope, ctx) {
    if (scope === 'user') return path.join(homeOf(ctx.env), '.claude', 'settings.json');
    return path.join(ctx.workspace, '.claude', scope === 'personal' ? 'settings.local.json' : 'settings.json');
  },
  config: {
    format: 'json',
    layout: 'nested',
    handlers: (command, endCommand) => ({
      UserPromptSubmit: { type: 'command', command, timeout: 30 },
      Stop: { type: 'command', command: endCommand('Stop'), timeout: 30 },
    }),
  },
  notes: ['Copilot agent mode in VS Code reads these files too; its turns are recorded as copilot.'],
};
