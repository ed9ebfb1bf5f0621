// opencode (opencode-ai: a postinstall links node_modules/.bin/opencode to the native Bun binary).
// Turn 0 is `opencode run --format json`, later turns `opencode run --session <id>`; every JSON
// line it prints carries the session id (`{"type":"step_start","sessionID":"ses_…",…}`).
//
// What a user does by hand, done here the same way:
// - a custom provider in ~/.config/opencode/opencode.json with the openai-compatible SDK (bundled in
//   the binary: nothing is downloaded) pointing at the mock, and edit/bash permissions allowed.
// Nothing else: opencode loads .opencode/plugins/*.js at start, with no trust step.
//
// Quirks this driver works around:
// - The prompt goes on stdin: `opencode run "two words"` sends the model `"two words"` with the
//   quotes (it re-quotes positional words that hold a space).
// - opencode takes its project folder from $PWD, not from the process cwd: PWD is set to the cwd.
// - On its first start in a folder with a .opencode/ directory (our plugin's), opencode npm-installs
//   @opencode-ai/plugin into .opencode/node_modules (and writes a self-ignoring .opencode/.gitignore)
//   before it loads plugins: ~12-16 s and the npm registry, once per repository.
import * as fs from 'fs';
import * as path from 'path';
import { openaiChatProtocol } from '../mock/openaiChat';
import type { AgentDriver, Sandbox, TurnOutput } from '../types';

const PROVIDER = 'mock';
const MODEL = 'mock-model';

const opencodeBin = (sandbox: Sandbox) => path.join(sandbox.installDir, 'node_modules', '.bin', 'opencode');

/** The session id of the first JSON event line opencode printed. */
function sessionIdOf(output: TurnOutput | undefined): string | null {
  for (const line of (output?.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line);
      if (typeof event.sessionID === 'string') return event.sessionID;
    } catch {
      // not an event line
    }
  }
  return null;
}

export const opencodeDriver: AgentDriver = {
  agent: 'opencode',
  packageKey: 'opencode',
  protocol: openaiChatProtocol,
  prepare(sandbox) {
    // The user's global config, so the repository holds nothing of ours but the plugin.
    const dir = path.join(sandbox.env.XDG_CONFIG_HOME ?? path.join(sandbox.home, '.config'), 'opencode');
    fs.mkdirSync(dir, { recursive: true });
    const config = {
      $schema: 'https://opencode.ai/config.json',
      provider: {
        [PROVIDER]: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Mock model',
          options: { baseURL: `${sandbox.baseUrl}/v1`, apiKey: 'mock' },
          models: { [MODEL]: { name: 'Mock model' } },
        },
      },
      model: `${PROVIDER}/${MODEL}`,
      permission: { edit: 'allow', bash: 'allow' },
      autoupdate: false,
      share: 'disabled',
    };
    fs.writeFileSync(path.join(dir, 'opencode.json'), `${JSON.stringify(config, null, 2)}\n`);
  },
  turn(sandbox, prompt, index, previous) {
    const args = ['run', '--model', `${PROVIDER}/${MODEL}`, '--format', 'json'];
    if (index > 0) {
      const session = sessionIdOf(previous[0]);
      if (!session) throw new Error(`opencode: no sessionID in turn 0's output:\n${previous[0]?.stdout ?? ''}`);
      args.push('--session', session);
    }
    return { command: opencodeBin(sandbox), args, cwd: sandbox.repo, env: { PWD: sandbox.repo }, stdin: prompt };
  },
  resumed(sandbox, plan, prompt) {
    // The TUI's `opencode --session <id>` (or `--prompt <seed>`) as `opencode run`, the prompt on stdin.
    const argv = plan.argv ?? [];
    const at = argv.indexOf('--session');
    const session = at >= 0 ? ['--session', argv[at + 1]] : [];
    const stdin = plan.seedArg !== undefined ? `${argv[plan.seedArg]}\n\n${prompt}` : prompt;
    return { command: opencodeBin(sandbox), args: ['run', '--model', `${PROVIDER}/${MODEL}`, '--format', 'json', ...session], cwd: plan.cwd, env: { PWD: plan.cwd }, stdin };
  },
  sessionId(_sandbox, outputs) {
    const session = sessionIdOf(outputs[0]);
    if (!session) throw new Error(`opencode: no sessionID in turn 0's output:\n${outputs[0]?.stdout ?? ''}`);
    return session;
  },
};
