// Gemini CLI: BeforeAgent / AfterAgent command hooks in .gemini/settings.json (timeouts in
// milliseconds; stdout must be JSON or nothing, so we print nothing).
import * as path from 'path';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, PayloadError, notATurnEvent } from '../payload';
import { readJson, selfAndParents } from '../agentTrust';
import { AgentSpec, homeOf, PathContext, Scope } from '../spec';

function sessionOf(payload: Payload, env: NodeJS.ProcessEnv): string {
  const id = pickString(payload, 'session_id') ?? (env.GEMINI_SESSION_ID || null);
  if (!id) throw new PayloadError('the payload has no session id (session_id or GEMINI_SESSION_ID)');
  return id;
}

export function parseGemini(payload: Payload, env: NodeJS.ProcessEnv = {}): HookEvent {
  const event = eventName(payload) ?? '';
  const cwd = pickString(payload, 'cwd') ?? (env.GEMINI_PROJECT_DIR || null);
  if (event === 'BeforeAgent') {
    return { kind: 'begin', agent: 'gemini', event, sessionId: sessionOf(payload, env), prompt: requirePrompt(payload, 'prompt'), cwd, transcriptPath: pickString(payload, 'transcript_path') };
  }
  if (event === 'AfterAgent') {
    return {
      kind: 'end',
      agent: 'gemini',
      event,
      sessionId: sessionOf(payload, env),
      reply: optionalReply(payload, 'prompt_response'),
      transcriptPath: pickString(payload, 'transcript_path'),
      cwd,
    };
  }
  return notATurnEvent('gemini', event);
}

/**
 * Gemini CLI runs no hooks at all in a folder it has not been told to trust (and headless runs
 * there exit with an error): ~/.gemini/trustedFolders.json, written by its trust dialog and
 * /permissions. TRUST_PARENT trusts the folder's parent; the nearest rule wins.
 */
function geminiReadiness(_scope: Scope, _file: string, ctx: PathContext): string[] {
  const home = path.join(homeOf(ctx.env), '.gemini');
  const settings = readJson(path.join(home, 'settings.json')) as { security?: { folderTrust?: { enabled?: boolean } } } | undefined;
  if (settings?.security?.folderTrust?.enabled === false || ctx.env.GEMINI_CLI_TRUST_WORKSPACE === 'true') return [];
  const rules = readJson(path.join(home, 'trustedFolders.json'));
  const entries = rules && typeof rules === 'object' ? Object.entries(rules as Record<string, unknown>) : [];
  for (const dir of selfAndParents(ctx.workspace)) {
    for (const [rulePath, level] of entries) {
      const covered = level === 'TRUST_PARENT' ? path.dirname(path.resolve(rulePath)) : path.resolve(rulePath);
      if (covered !== dir) continue;
      if (level === 'TRUST_FOLDER' || level === 'TRUST_PARENT') return [];
      if (level === 'DO_NOT_TRUST') return ['Gemini CLI is told not to trust this folder and runs no hooks in it: trust it with /permissions in Gemini.'];
    }
  }
  return ['Gemini CLI runs hooks only in folders you trust: start `gemini` here and trust the folder (or use /permissions).'];
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
    handlers: (command, endCommand) => ({
      BeforeAgent: { name: 'boocode-checkpoint', type: 'command', command, timeout: 30000, description: 'BooCode: record the prompt and checkpoint the workspace' },
      AfterAgent: { name: 'boocode-reply', type: 'command', command: endCommand('AfterAgent'), timeout: 30000, description: "BooCode: record the agent's reply" },
    }),
  },
  readiness: geminiReadiness,
  notes: [
    'Gemini CLI runs hooks only in trusted folders; the first run after an install warns once that it found the project hooks boocode-checkpoint and boocode-reply, then runs them.',
    "Gemini shows a hook's stderr as a system message: when a checkpoint cannot be taken, you see why there.",
  ],
};
