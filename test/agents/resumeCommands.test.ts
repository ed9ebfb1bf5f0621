// Every command `boocode resume` builds uses flags and subcommands the installed agent has: each form
// (resume a session, a fork of one, a chat file, a seeded first prompt) checked against the `--help`
// of the version pinned in versions.json, as installed under .cache/agents/.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AGENT_CLIS, geminiSessionFile, ResumableAgent } from '../../src/core/resume/commands';
import { DRIVERS } from './drivers';
import { installDirOf, pinOf } from './sandbox';

/** `<agent> <args…> --help` in a throwaway HOME, as text. */
function help(bin: string, args: string[], home: string): string {
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    CODEX_HOME: path.join(home, '.codex'),
    COPILOT_HOME: path.join(home, '.copilot'),
    NO_COLOR: '1',
    CI: '1',
  };
  fs.mkdirSync(env.CODEX_HOME as string, { recursive: true });
  const result = spawnSync(bin, [...args, '--help'], { env, cwd: home, encoding: 'utf8', timeout: 120_000 });
  return `${result.stdout}\n${result.stderr}`;
}

/** The options a form uses (`--resume=<id>` counts as `--resume`), and its leading subcommand words. */
function optionsOf(args: string[]): string[] {
  return args.filter((word) => word.startsWith('-')).map((word) => word.split('=')[0]);
}

/** Whether `text` (a --help page) lists option `flag` as an option (not just mentions it). */
function listsOption(text: string, flag: string): boolean {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,])${escaped}(?![\\w-])`, 'm').test(text);
}

describe('resume commands match each installed agent CLI', function () {
  this.timeout(5 * 60 * 1000);
  let home: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-agent-help-'));
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  for (const driver of DRIVERS) {
    const cli = AGENT_CLIS[driver.agent as ResumableAgent];
    if (!cli) continue;
    it(`${driver.agent} ${pinOf(driver).version}: ${cli.program} has every flag and subcommand we build`, function () {
      const bin = path.join(installDirOf(driver), 'node_modules', '.bin', pinOf(driver).bin);
      const top = help(bin, [], home);
      const forms = [cli.resume('SESSION'), cli.firstPrompt('PROMPT'), ...(driver.agent === 'gemini' ? [geminiSessionFile('FILE')] : [])];
      for (const form of forms) {
        // A subcommand (codex resume) has its own help page, which must take the session id.
        const sub = form[0] && !form[0].startsWith('-') && form[0] !== 'PROMPT' ? form[0] : null;
        const page = sub ? help(bin, [sub], home) : top;
        if (sub) {
          assert.ok(new RegExp(`^\\s+${sub}\\s`, 'm').test(top), `${cli.program} --help lists no ${sub} command:\n${top}`);
          assert.match(page, new RegExp(`Usage: ${cli.program} ${sub} .*\\[SESSION_ID\\]`), `${cli.program} ${sub} takes a session id`);
        }
        for (const flag of optionsOf(form)) assert.ok(listsOption(page, flag), `${cli.program}${sub ? ` ${sub}` : ''} --help has no ${flag}:\n${page}`);
        // A first prompt given as a bare word must be a positional prompt the CLI takes.
        if (form.length === 1 && form[0] === 'PROMPT') assert.match(top, /\[?prompt\]?|\[PROMPT\]/i, `${cli.program} takes a prompt argument`);
      }
      // What the at-turn resume relies on, beyond flags.
      if (driver.agent === 'claude-code') {
        assert.match(top, /-r, --resume \[value\]\s+Resume a conversation by session ID/);
        assert.match(top, /^Arguments:\s*\n\s+prompt\s+Your prompt/m, 'an interactive session starts with a prompt argument');
      }
      if (driver.agent === 'opencode') assert.match(top, /-s, --session\s+session id to continue/);
      if (driver.agent === 'gemini') assert.match(top, /--session-file\s+Load a session from a JSON file/);
    });
  }
});
