// Gemini CLI run headless (`gemini -p`) against the mock Gemini API. What a user must set up by
// hand, done here in the sandbox's HOME: an API-key auth type (with only GOOGLE_GEMINI_BASE_URL set,
// 0.61 picks its "gateway" auth and refuses to start), and the repository trusted in
// ~/.gemini/trustedFolders.json (headless runs in an untrusted folder exit 55, and project hooks in
// .gemini/settings.json only load in trusted folders). Hooks themselves are on by default.
import * as fs from 'fs';
import * as path from 'path';
import { geminiProtocol } from '../mock/gemini';
import type { AgentDriver, Sandbox, TurnOutput } from '../types';

/** Merges `patch` into a JSON settings file (the user-level one may already hold our hooks after `--user`). */
function mergeJson(file: string, patch: Record<string, unknown>): void {
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...current, ...patch }, null, 2) + '\n');
}

/** `-o json` prints one JSON object on stdout; its session_id is Gemini's own session id (a UUID). */
function sessionIdOf(output: TurnOutput | undefined): string {
  const text = output?.stdout.trim() ?? '';
  const start = text.indexOf('{');
  if (start < 0) throw new Error(`gemini driver: no JSON on stdout: ${text.slice(0, 200)}`);
  const id = (JSON.parse(text.slice(start)) as { session_id?: unknown }).session_id;
  if (typeof id !== 'string' || !id) throw new Error('gemini driver: no session_id in the JSON output');
  return id;
}

export const geminiDriver: AgentDriver = {
  agent: 'gemini',
  packageKey: 'gemini',
  protocol: geminiProtocol,
  prepare(sandbox: Sandbox) {
    const dir = path.join(sandbox.home, '.gemini');
    mergeJson(path.join(dir, 'settings.json'), {
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    });
    // What "Trust folder" in Gemini's interactive trust dialog writes.
    mergeJson(path.join(dir, 'trustedFolders.json'), { [sandbox.repo]: 'TRUST_FOLDER' });
  },
  turn(sandbox, prompt, index, previous) {
    // Turn 1 and later resume turn 0's session by its id (0.61 also takes `latest` or an index).
    const resume = index === 0 ? [] : ['--resume', sessionIdOf(previous[0])];
    return {
      command: path.join(sandbox.installDir, 'node_modules', '.bin', 'gemini'),
      args: [...resume, '-p', prompt, '--approval-mode', 'yolo', '-o', 'json'],
      env: {
        GEMINI_API_KEY: 'mock-key',
        GOOGLE_GEMINI_BASE_URL: sandbox.baseUrl,
        GEMINI_TELEMETRY_ENABLED: 'false',
      },
      cwd: sandbox.repo,
    };
  },
  sessionId(_sandbox, outputs) {
    return sessionIdOf(outputs[0]);
  },
  resumed(sandbox, plan, prompt) {
    // `gemini --session-file F` / `--resume <id>` run headless with -p; a seeded first message gets the prompt after it.
    const rest = (plan.argv ?? []).slice(1);
    const [args, text] = plan.seedArg !== undefined ? [[], `${rest[plan.seedArg - 1]}\n\n${prompt}`] : [rest, prompt];
    const turn = geminiDriver.turn(sandbox, text, 0, []);
    return { ...turn, args: [...args, ...turn.args], cwd: plan.cwd };
  },
};
