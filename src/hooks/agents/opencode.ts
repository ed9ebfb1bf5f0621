// opencode: a plugin file in .opencode/plugins/ (older: .opencode/plugin/) that runs
// `boocode hook opencode` with a JSON payload on stdin on `chat.message` (turn start) and on the
// `session.idle` event (turn end). User text never goes through a shell.
import * as fs from 'fs';
import * as path from 'path';
import { splitEnv } from '../command';
import { ENDED_AT_FLAG, FOLLOW_UP_FLAG, WAIT_FOR_FOLLOW_UP_ENV } from '../followUp';
import { eventName, HookEvent, optionalReply, Payload, pickString, requirePrompt, requireString, notATurnEvent } from '../payload';
import { AgentSpec, homeOf, PathContext, Scope } from '../spec';

export const OPENCODE_MARKER = 'boocode-checkpoints opencode plugin';

/** opencode's project top (its git work tree); opencode says `/` for a folder outside git. */
function worktreeOf(payload: Payload): string | null {
  const worktree = pickString(payload, 'worktree');
  return worktree && path.isAbsolute(worktree) && path.parse(worktree).root !== worktree ? worktree : null;
}

export function parseOpencode(payload: Payload, _env: NodeJS.ProcessEnv = {}): HookEvent {
  const event = eventName(payload) ?? '';
  const cwd = pickString(payload, 'cwd', 'directory');
  const projectDir = worktreeOf(payload);
  if (event === 'chat.message') {
    return {
      kind: 'begin',
      agent: 'opencode',
      event,
      sessionId: requireString(payload, 'session id', 'sessionID', 'session_id'),
      prompt: requirePrompt(payload, 'prompt'),
      cwd,
      projectDir,
      // The user message's id: opencode forks a session at a message (resume at a turn).
      agentRef: pickString(payload, 'messageID', 'message_id'),
    };
  }
  if (event === 'session.idle') {
    return {
      kind: 'end',
      agent: 'opencode',
      event,
      sessionId: requireString(payload, 'session id', 'sessionID', 'session_id'),
      reply: optionalReply(payload, 'reply'),
      transcriptPath: null,
      cwd,
      projectDir,
    };
  }
  return notATurnEvent('opencode', event);
}

function configBase(scope: Scope, ctx: PathContext): string {
  if (scope === 'user') return path.join(ctx.env.XDG_CONFIG_HOME || path.join(homeOf(ctx.env), '.config'), 'opencode');
  return path.join(ctx.workspace, '.opencode');
}

export function renderOpencodePlugin(cliCommand: string[], workspace: string | null = null): string {
  const { env, argv } = splitEnv(cliCommand);
  const hookArgs = ['hook', 'opencode', ...(workspace ? ['-C', workspace] : [])];
  return `// ${OPENCODE_MARKER}: written by \`boocode hooks install opencode\`; \`boocode hooks uninstall opencode\` removes it.
// Before each prompt it checkpoints the workspace and records the prompt; when the session goes idle
// it records the reply. Payloads go to the CLI as JSON on stdin, never through a shell.
import { spawn } from "node:child_process";

const COMMAND = ${JSON.stringify(argv)};
const HOOK_ARGS = ${JSON.stringify(hookArgs)};
const ENV = ${JSON.stringify(env)};

// A prompt waits for its checkpoint; a turn's end is handed to a detached follow-up at once.
function run(payload, { turnEnd = false } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      const args = turnEnd ? [...HOOK_ARGS, ${JSON.stringify(FOLLOW_UP_FLAG)}, ${JSON.stringify(ENDED_AT_FLAG)}, String(Date.now())] : HOOK_ARGS;
      child = spawn(COMMAND[0], [...COMMAND.slice(1), ...args], {
        stdio: ["pipe", "ignore", "ignore"],
        env: { ...process.env, ...ENV },
        detached: turnEnd,
      });
    } catch {
      return resolve();
    }
    const timer = setTimeout(resolve, 30000);
    const done = () => { clearTimeout(timer); resolve(); };
    child.on("error", done);
    child.stdin.on("error", () => {});
    if (turnEnd && process.env.${WAIT_FOR_FOLLOW_UP_ENV} !== "1") {
      child.stdin.end(JSON.stringify(payload), () => { child.unref(); done(); });
    } else {
      child.on("close", done);
      child.stdin.end(JSON.stringify(payload));
    }
  });
}

function textOf(parts) {
  return (Array.isArray(parts) ? parts : [])
    .filter((part) => part && part.type === "text" && typeof part.text === "string" && !part.synthetic && !part.ignored)
    .map((part) => part.text)
    .join("\\n");
}

async function lastReply(client, sessionID) {
  try {
    const result = await client.session.messages({ path: { id: sessionID } });
    const messages = Array.isArray(result) ? result : result && Array.isArray(result.data) ? result.data : [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const info = messages[i] && messages[i].info;
      if (info && info.role === "user") return null;
      if (info && info.role === "assistant") {
        const text = textOf(messages[i].parts);
        if (text) return text;
      }
    }
  } catch {}
  return null;
}

export const BoocodeCheckpoints = async ({ client, directory, worktree }) => ({
  "chat.message": async (input, output) => {
    const messageID = (output && output.message && output.message.id) || (input && input.messageID);
    await run({ event: "chat.message", sessionID: input && input.sessionID, messageID, prompt: textOf(output && output.parts), cwd: directory, worktree });
  },
  event: async ({ event }) => {
    if (!event || event.type !== "session.idle") return;
    const sessionID = event.properties && event.properties.sessionID;
    await run({ event: "session.idle", sessionID, reply: await lastReply(client, sessionID), cwd: directory, worktree }, { turnEnd: true });
  },
});
`;
}

export const opencode: AgentSpec = {
  name: 'opencode',
  label: 'opencode',
  parse: parseOpencode,
  configPath(scope, ctx) {
    if (scope === 'personal') return null;
    const base = configBase(scope, ctx);
    // Older opencode versions (and many repositories) use the singular folder.
    const dir = fs.existsSync(path.join(base, 'plugin')) && !fs.existsSync(path.join(base, 'plugins')) ? 'plugin' : 'plugins';
    return path.join(base, dir, 'boocode.js');
  },
  otherPaths(scope, ctx) {
    if (scope === 'personal') return [];
    const base = configBase(scope, ctx);
    return [path.join(base, 'plugins', 'boocode.js'), path.join(base, 'plugin', 'boocode.js')];
  },
  config: { format: 'plugin', render: renderOpencodePlugin },
  notes: ['opencode loads plugins when it starts: restart opencode to pick the plugin up.'],
};
