// OpenAI Codex CLI (@openai/codex: a node wrapper, bin/codex.js, that runs the native binary from
// @openai/codex-linux-x64/vendor/<triple>/bin/codex). Turn 0 is `codex exec`, later turns
// `codex exec resume <thread id>`; `--json` prints `{"type":"thread.started","thread_id":…}` first.
//
// What a user does by hand, done here the same way:
// - a model provider in $CODEX_HOME/config.toml pointing at the mock (wire_api = "responses");
// - the repository trusted (`[projects."<repo>"] trust_level = "trusted"`, what `codex exec --trust`
//   or the TUI's folder prompt writes): untrusted projects load no .codex/ config or hooks at all;
// - our two hooks trusted (what the TUI's /hooks "Trust" writes: `[hooks.state."<key>"]
//   trusted_hash`, with the key and hash Codex itself reports through `codex app-server`'s
//   hooks/list). Codex 0.171 silently skips untrusted hooks, in `codex exec` too.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openaiResponsesProtocol } from '../mock/openaiResponses';
import type { AgentDriver, Sandbox, TurnOutput } from '../types';

/**
 * A model slug Codex knows: its bundled metadata gives it the apply_patch tool; an unknown slug
 * falls back to metadata without apply_patch and prints an error item.
 */
const MODEL = 'gpt-5.5';
const APP_SERVER_TIMEOUT_MS = 30_000;

const codexHome = (sandbox: Sandbox) => path.join(sandbox.home, '.codex');
const codexBin = (sandbox: Sandbox) => path.join(sandbox.installDir, 'node_modules', '.bin', 'codex');
const codexEnv = (sandbox: Sandbox): NodeJS.ProcessEnv => ({ ...sandbox.env, CODEX_HOME: codexHome(sandbox) });
const tomlString = (text: string) => JSON.stringify(text); // a JSON string is a valid TOML basic string

interface ListedHook {
  key: string;
  command?: string;
  currentHash: string;
  trustStatus: string;
}

/** Asks Codex (`codex app-server`, JSON-RPC lines on stdio) which hooks apply to `cwd`, as /hooks lists them. */
function listHooks(sandbox: Sandbox, cwd: string): Promise<ListedHook[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(codexBin(sandbox), ['app-server'], { cwd, env: codexEnv(sandbox), stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let done = false;
    const finish = (error: Error | null, hooks: ListedHook[] = []) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdin.end(); // the app server exits when its stdin closes
      if (error) reject(error);
      else resolve(hooks);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`codex app-server gave no hooks/list answer in ${APP_SERVER_TIMEOUT_MS} ms: ${stderr.slice(-500)}`));
    }, APP_SERVER_TIMEOUT_MS);
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    child.stderr.on('data', (data) => (stderr += data));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => finish(error));
    child.on('close', (status) => finish(new Error(`codex app-server exited (${status}) before answering: ${stderr.slice(-500)}`)));
    child.stdout.on('data', (data) => {
      buffer += data;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          continue; // not a JSON-RPC line
        }
        if (message.id === 1) {
          send({ method: 'initialized', params: {} });
          send({ id: 2, method: 'hooks/list', params: { cwds: [cwd] } });
        } else if (message.id === 2) {
          if (message.error) return finish(new Error(`hooks/list failed: ${JSON.stringify(message.error)}`));
          const entries: { hooks?: ListedHook[] }[] = message.result?.data ?? [];
          finish(null, entries.flatMap((entry) => entry.hooks ?? []));
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'boocode-agents-tier', version: '1' } } });
  });
}

/** The thread id `codex exec --json` announces first. */
function threadIdOf(output: TurnOutput | undefined): string | null {
  for (const line of (output?.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line);
      if (event.type === 'thread.started' && typeof event.thread_id === 'string') return event.thread_id;
    } catch {
      // not an event line
    }
  }
  return null;
}

export const codexDriver: AgentDriver = {
  agent: 'codex',
  packageKey: 'codex',
  protocol: openaiResponsesProtocol,
  async prepare(sandbox) {
    const home = codexHome(sandbox);
    fs.mkdirSync(home, { recursive: true });
    const config = [
      `model = ${tomlString(MODEL)}`,
      'model_provider = "boocode_mock"',
      '',
      '[model_providers.boocode_mock]',
      'name = "Mock model"',
      `base_url = ${tomlString(`${sandbox.baseUrl}/v1`)}`,
      'wire_api = "responses"',
      '',
      `[projects.${tomlString(sandbox.repo)}]`,
      'trust_level = "trusted"',
      '',
    ];
    fs.writeFileSync(path.join(home, 'config.toml'), config.join('\n'));
    // Trust exactly the hooks `boocode hooks install codex` wrote, as /hooks → Trust would.
    const ours = (await listHooks(sandbox, sandbox.repo)).filter((hook) => / hook codex\b/.test(hook.command ?? ''));
    const trust = ours.flatMap((hook) => ['', `[hooks.state.${tomlString(hook.key)}]`, `trusted_hash = ${tomlString(hook.currentHash)}`]);
    if (trust.length) fs.appendFileSync(path.join(home, 'config.toml'), `${trust.join('\n')}\n`);
  },
  turn(sandbox, prompt, index, previous) {
    const common = ['--json', '--dangerously-bypass-approvals-and-sandbox'];
    if (index === 0) return { command: codexBin(sandbox), args: ['exec', ...common, prompt], env: { CODEX_HOME: codexHome(sandbox) } };
    const thread = threadIdOf(previous[0]);
    if (!thread) throw new Error(`codex: no thread.started event in turn 0's output:\n${previous[0]?.stdout ?? ''}`);
    return { command: codexBin(sandbox), args: ['exec', 'resume', ...common, thread, prompt], env: { CODEX_HOME: codexHome(sandbox) } };
  },
  resumed(sandbox, plan, prompt) {
    // `codex resume <id>` as `codex exec resume <id> PROMPT`; a seeded `codex "<text>"` as `codex exec "<text> PROMPT"`.
    const common = ['--json', '--dangerously-bypass-approvals-and-sandbox'];
    const rest = (plan.argv ?? []).slice(1);
    const env = { CODEX_HOME: codexHome(sandbox) };
    if (plan.seedArg !== undefined) return { command: codexBin(sandbox), args: ['exec', ...common, `${rest[plan.seedArg - 1]}\n\n${prompt}`], env, cwd: plan.cwd };
    if (rest[0] === 'resume') return { command: codexBin(sandbox), args: ['exec', 'resume', ...common, rest[1], prompt], env, cwd: plan.cwd };
    return { command: codexBin(sandbox), args: ['exec', ...common, prompt], env, cwd: plan.cwd };
  },
  sessionId(_sandbox, outputs) {
    const thread = threadIdOf(outputs[0]);
    if (!thread) throw new Error(`codex: no thread.started event in turn 0's output:\n${outputs[0]?.stdout ?? ''}`);
    return thread;
  },
};
