// GitHub Copilot CLI (@github/copilot: npm-loader.js runs the native binary from
// @github/copilot-linux-x64, which unpacks its JavaScript into $COPILOT_PKG_CACHE_HOME/pkg once).
// Turn 0 is `copilot -p PROMPT --session-id <uuid>` (a new session with our id), later turns
// `copilot -p PROMPT --resume=<uuid>`.
//
// What a user does by hand, done here the same way:
// - bring-your-own-model mode, no GitHub login: COPILOT_PROVIDER_BASE_URL (+ COPILOT_MODEL) in the
//   environment (`copilot help providers`); the default wire API is Chat Completions.
//   COPILOT_OFFLINE=true keeps it from calling GitHub at all.
// - the repository trusted: `trustedFolders` in $COPILOT_HOME/config.json, the list the "trust this
//   folder" prompt keeps (a parent folder counts too). Untrusted, Copilot CLI silently skips the
//   repository's .github/hooks/*.json (user-level hooks in $COPILOT_HOME/hooks still run).
//   `copilot --trust-folder` trusts for one session only.
// - tools allowed: `--allow-all-tools` (required with -p).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { openaiChatProtocol } from '../mock/openaiChat';
import type { AgentDriver, Sandbox } from '../types';

const MODEL = 'mock-model';

const copilotHome = (sandbox: Sandbox) => path.join(sandbox.home, '.copilot');
const copilotBin = (sandbox: Sandbox) => path.join(sandbox.installDir, 'node_modules', '.bin', 'copilot');

/** One session id per sandbox, so turn 0 can name the session and later turns resume it. */
function sessionUuid(sandbox: Sandbox): string {
  const hex = createHash('sha256').update(sandbox.root).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function copilotEnv(sandbox: Sandbox, cwd: string): Record<string, string> {
  return {
    COPILOT_HOME: copilotHome(sandbox),
    COPILOT_PROVIDER_BASE_URL: `${sandbox.baseUrl}/v1`,
    COPILOT_MODEL: MODEL,
    COPILOT_OFFLINE: 'true',
    // The binary's unpacked JavaScript (235 MB), shared between sandboxes as it is between a user's runs.
    COPILOT_PKG_CACHE_HOME: path.join(sandbox.installDir, '.copilot-cache'),
    PWD: cwd,
  };
}

export const copilotDriver: AgentDriver = {
  agent: 'copilot',
  packageKey: 'copilot',
  protocol: openaiChatProtocol,
  prepare(sandbox) {
    const home = copilotHome(sandbox);
    fs.mkdirSync(home, { recursive: true });
    const file = path.join(home, 'config.json');
    // config.json starts with // comments once Copilot has written it; here it does not exist yet.
    fs.writeFileSync(file, `${JSON.stringify({ trustedFolders: [sandbox.repo] }, null, 2)}\n`);
  },
  turn(sandbox, prompt, index) {
    const session = index === 0 ? ['--session-id', sessionUuid(sandbox)] : [`--resume=${sessionUuid(sandbox)}`];
    return {
      command: copilotBin(sandbox),
      args: ['-p', prompt, '--allow-all-tools', ...session],
      cwd: sandbox.repo,
      env: copilotEnv(sandbox, sandbox.repo),
    };
  },
  sessionId(sandbox) {
    return sessionUuid(sandbox);
  },
  resumed(sandbox, plan, prompt) {
    // `copilot --resume=<id>` / a seeded `copilot --interactive "<text>"` run with -p.
    const rest = (plan.argv ?? []).slice(1);
    const [args, text] = plan.seedArg !== undefined ? [[], `${rest[plan.seedArg - 1]}\n\n${prompt}`] : [rest, prompt];
    return { command: copilotBin(sandbox), args: ['-p', text, '--allow-all-tools', ...args], cwd: plan.cwd, env: copilotEnv(sandbox, plan.cwd) };
  },
};
