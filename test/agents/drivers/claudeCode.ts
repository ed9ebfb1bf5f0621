// Claude Code (@anthropic-ai/claude-code: since 2.1.x a native binary, bin/claude.exe, which its
// postinstall copies from @anthropic-ai/claude-code-<platform>; no Node needed at run time). Turn 0
// is `claude -p PROMPT --output-format json`, later turns add `--resume <session_id>` from turn 0's
// JSON result.
//
// What a user does by hand, done here the same way:
// - the model endpoint and key: ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY (in -p mode a key from the
//   environment is used without the interactive "use this API key?" question);
// - the tools the turn needs allowed with --allowedTools (no bypass mode: as root, Claude Code refuses
//   --dangerously-skip-permissions / bypassPermissions unless IS_SANDBOX=1).
// Nothing else: -p skips the folder-trust dialog and onboarding, and still loads the project's
// .claude/settings.local.json hooks that `boocode hooks install claude-code` writes.
import * as fs from 'fs';
import * as path from 'path';
import { anthropicProtocol } from '../mock/anthropic';
import type { AgentDriver, Sandbox, TurnOutput } from '../types';

/** Smaller than this, bin/claude.exe is still the placeholder its postinstall replaces. */
const PLACEHOLDER_MAX_BYTES = 1024 * 1024;

/** The `claude` a user runs, or the platform package's binary when the postinstall did not run. */
function claudeBin(sandbox: Sandbox): string {
  const modules = path.join(sandbox.installDir, 'node_modules');
  const bin = path.join(modules, '.bin', 'claude');
  try {
    if (fs.statSync(bin).size >= PLACEHOLDER_MAX_BYTES) return bin;
  } catch {
    // no bin link: fall through to the platform package
  }
  const native = path.join(modules, '@anthropic-ai', `claude-code-${process.platform}-${process.arch}`, 'claude');
  if (fs.existsSync(native)) return native;
  throw new Error(`claude-code: neither ${bin} (the native binary) nor ${native} exists`);
}

function env(sandbox: Sandbox): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: sandbox.baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-boocode-mock',
    // No update checks, telemetry, error reports or other calls that are not the turn itself.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}

/** `session_id` from `--output-format json`'s one result object. */
function sessionIdOf(output: TurnOutput | undefined): string {
  try {
    const result = JSON.parse(output?.stdout ?? '');
    if (typeof result.session_id === 'string') return result.session_id;
  } catch {
    // not the JSON result: reported below
  }
  throw new Error(`claude-code: no session_id in turn 0's JSON result:\n${output?.stdout ?? ''}\n${output?.stderr ?? ''}`);
}

export const claudeCodeDriver: AgentDriver = {
  agent: 'claude-code',
  packageKey: 'claude-code',
  protocol: anthropicProtocol,
  prepare() {
    // Nothing: see the header. Our install's .claude/settings.local.json is all Claude Code needs.
  },
  turn(sandbox, prompt, index, previous) {
    const args = ['-p', prompt, '--output-format', 'json', '--allowedTools', 'Write,Bash'];
    if (index > 0) args.push('--resume', sessionIdOf(previous[0]));
    return { command: claudeBin(sandbox), args, env: env(sandbox) };
  },
  sessionId(_sandbox, outputs) {
    return sessionIdOf(outputs[0]);
  },
  resumed(sandbox, plan, prompt) {
    // `claude --resume <id>` becomes `claude -p --resume <id> PROMPT`; a seeded first message gets the prompt after it.
    const rest = (plan.argv ?? []).slice(1);
    const words = plan.seedArg !== undefined ? [`${rest[plan.seedArg - 1]}\n\n${prompt}`] : [...rest, prompt];
    return { command: claudeBin(sandbox), args: ['-p', ...words, '--output-format', 'json', '--allowedTools', 'Write,Bash'], env: env(sandbox), cwd: plan.cwd };
  },
};
