// OpenAI Codex CLI: UserPromptSubmit / Stop command hooks in hooks.json (each must be trusted in
// Codex's /hooks before it runs), and the older `notify` program (turn end only, JSON payload as
// the last argument, `type: "agent-turn-complete"`).
import * as path from 'path';
import { capText, eventName, HookEvent, optionalReply, parseClaudeStyle, Payload, pickString, requireString } from '../payload';
import { readText, selfAndParents, tomlKey, tomlTable } from '../agentTrust';
import { AgentSpec, homeOf, PathContext, Scope } from '../spec';

export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME || path.join(homeOf(env), '.codex');
}

export function parseCodex(payload: Payload, _env: NodeJS.ProcessEnv = {}): HookEvent {
  const cwd = pickString(payload, 'cwd');
  if (payload.type === 'agent-turn-complete') {
    // input-messages holds every prompt of the thread so far (the whole thread once resumed): this turn's is the last.
    const inputs = Array.isArray(payload['input-messages']) ? payload['input-messages'].filter((m): m is string => typeof m === 'string') : [];
    return {
      kind: 'end',
      agent: 'codex',
      event: 'agent-turn-complete',
      sessionId: requireString(payload, 'thread id', 'thread-id', 'thread_id'),
      reply: optionalReply(payload, 'last-assistant-message', 'last_assistant_message'),
      transcriptPath: null,
      cwd,
      firedAt: pickString(payload, 'turn-id', 'turn_id'),
      prompt: inputs.length > 0 ? capText(inputs[inputs.length - 1]) : null,
    };
  }
  const event = pickString(payload, 'hook_event_name') ?? eventName(payload) ?? '';
  return parseClaudeStyle('codex', payload, event, ['Stop']);
}

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What keeps Codex from running our hooks: a project it has not been told to trust loads no
 * .codex/ config at all, and a hook nobody trusted (`[hooks.state."<file>:<event>:…"]` in its
 * config.toml) is skipped, silently in `codex exec`.
 */
function codexReadiness(scope: Scope, file: string, ctx: PathContext): string[] {
  const config = readText(path.join(codexHome(ctx.env), 'config.toml')) ?? '';
  const warnings: string[] = [];
  if (scope !== 'user') {
    const trusted = selfAndParents(ctx.workspace).some((dir) => /^\s*trust_level\s*=\s*"trusted"/m.test(tomlTable(config, `projects."${tomlKey(dir)}"`) ?? ''));
    if (!trusted) warnings.push('Codex has not been told to trust this project, so it loads none of its .codex/ hooks: start `codex` here and trust the folder (or run `codex exec --trust` once).');
  }
  const trustedHooks = ['user_prompt_submit', 'stop'].every((event) => new RegExp(`^\\[hooks\\.state\\."${escapeRe(tomlKey(file))}:${event}:`, 'm').test(config));
  if (!trustedHooks) warnings.push('Codex runs a hook only after you trust it and skips it silently until then (in `codex exec` too): start `codex` and trust the two boocode hooks in its review, or in /hooks.');
  return warnings;
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
    handlers: (command, endCommand) => ({
      UserPromptSubmit: { type: 'command', command, timeout: 30 },
      Stop: { type: 'command', command: endCommand('Stop'), timeout: 30 },
    }),
  },
  readiness: codexReadiness,
  notes: [
    'Project hooks (.codex/hooks.json) load only in projects Codex trusts (its folder prompt, or `codex exec --trust`); --user writes ~/.codex/hooks.json, which loads everywhere but needs the same hook trust.',
  ],
  // Codex reads Stop's stdout as JSON; `{}` means "carry on" under every reading of its docs.
  stdout: (event) => (event === 'Stop' ? '{}\n' : ''),
};
