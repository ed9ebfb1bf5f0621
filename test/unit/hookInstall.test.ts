// `boocode hooks install|uninstall|status`: merging into agents' configs without touching anything
// else, idempotence, clean removal, malformed configs left alone, and the command that gets written.
import * as assert from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { AGENTS, hooksStatus, installHooks, uninstallHooks } from '../../src/hooks/install';
import { parse, ParseError } from 'jsonc-parser';
import { cleanupTemps, cli, CLI, read, tempDir, write } from './helpers';

const CLI_COMMAND = ['/opt/Boo Code/node', '/opt/Boo Code/dist/cli.js'];

function setup(): { workspace: string; home: string; env: NodeJS.ProcessEnv } {
  const workspace = tempDir('boocode-ws-');
  const home = tempDir('boocode-home-');
  return { workspace, home, env: { HOME: home, PATH: '' } };
}

const EXISTING = `{
\t"model": "opus",
\t"permissions": { "allow": ["Bash(npm test)"] },
\t"hooks": {
\t\t"PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "echo pre" } ] } ],
\t\t"Stop": [
\t\t\t{
\t\t\t\t"hooks": [ { "type": "command", "command": "notify-send done" } ]
\t\t\t}
\t\t]
\t}
}
`;

describe('hooks install', () => {
  after(cleanupTemps);

  it('merges into an existing Claude Code file: other keys and hooks kept byte for byte, tabs kept, second run a no-op, uninstall restores the file', () => {
    const { workspace, env } = setup();
    write(workspace, '.claude/settings.local.json', EXISTING);
    const first = installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND });
    assert.strictEqual(first.file, path.join(workspace, '.claude', 'settings.local.json'));
    assert.strictEqual(first.scope, 'personal');
    assert.ok(first.changed);
    assert.strictEqual(first.command, `'/opt/Boo Code/node' '/opt/Boo Code/dist/cli.js' hook claude-code -C ${workspace}`, 'a project file names its workspace');
    const merged = read(workspace, '.claude/settings.local.json');
    const value = JSON.parse(merged);
    assert.strictEqual(value.model, 'opus');
    assert.deepStrictEqual(value.permissions, { allow: ['Bash(npm test)'] });
    assert.deepStrictEqual(value.hooks.PreToolUse, [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo pre' }] }]);
    assert.deepStrictEqual(value.hooks.Stop[0], { hooks: [{ type: 'command', command: 'notify-send done' }] });
    assert.deepStrictEqual(value.hooks.Stop[1], { hooks: [{ type: 'command', command: first.command, timeout: 30 }] });
    assert.deepStrictEqual(value.hooks.UserPromptSubmit, [{ hooks: [{ type: 'command', command: first.command, timeout: 30 }] }]);
    // Untouched text is byte-identical: everything up to the old Stop entry's end is the same.
    const prefix = EXISTING.slice(0, EXISTING.indexOf('notify-send done'));
    assert.ok(merged.startsWith(prefix), 'the text before our additions is unchanged');
    assert.match(merged, /\n\t\t"UserPromptSubmit": \[\n\t\t\t\{\n\t\t\t\t"hooks": \[/, 'added text uses the file\'s tabs');
    assert.ok(!/\n {2}"/.test(merged), 'no space indentation crept in');

    const again = installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND });
    assert.strictEqual(again.changed, false);
    assert.strictEqual(read(workspace, '.claude/settings.local.json'), merged, 'second install leaves the file byte-identical');

    const removed = uninstallHooks('claude-code', { workspace, env });
    assert.deepStrictEqual(removed.files, [path.join(workspace, '.claude', 'settings.local.json')]);
    assert.strictEqual(read(workspace, '.claude/settings.local.json'), EXISTING, 'uninstall gives back the original bytes');
    assert.deepStrictEqual(uninstallHooks('claude-code', { workspace, env }).files, [], 'a second uninstall changes nothing');
  });

  it('updates our entry in place when the CLI moved, without duplicating it', () => {
    const { workspace, env } = setup();
    installHooks('claude-code', { workspace, env, cliCommand: ['/old/node', '/old/cli.js'] });
    const result = installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND });
    assert.ok(result.changed);
    const value = JSON.parse(read(workspace, '.claude/settings.local.json'));
    assert.strictEqual(value.hooks.Stop.length, 1);
    assert.strictEqual(value.hooks.Stop[0].hooks[0].command, result.command);
  });

  it('--shared and --user write the committed and the user-level files (HOME respected)', () => {
    const { workspace, home, env } = setup();
    assert.strictEqual(installHooks('claude-code', { workspace, env, scope: 'shared', cliCommand: CLI_COMMAND }).file, path.join(workspace, '.claude', 'settings.json'));
    assert.strictEqual(installHooks('claude-code', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.claude', 'settings.json'));
    assert.strictEqual(installHooks('codex', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.codex', 'hooks.json'));
    assert.strictEqual(installHooks('codex', { workspace, env: { ...env, CODEX_HOME: path.join(home, 'cx') }, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, 'cx', 'hooks.json'));
    assert.strictEqual(installHooks('gemini', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.gemini', 'settings.json'));
    assert.strictEqual(installHooks('cursor', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.cursor', 'hooks.json'));
    assert.strictEqual(installHooks('copilot', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.copilot', 'hooks', 'boocode.json'));
    assert.strictEqual(installHooks('opencode', { workspace, env, scope: 'user', cliCommand: CLI_COMMAND }).file, path.join(home, '.config', 'opencode', 'plugins', 'boocode.js'));
    const status = hooksStatus({ workspace, env });
    const claude = status.find((s) => s.agent === 'claude-code')!;
    assert.deepStrictEqual(claude.configs.map((c) => c.scope), ['shared', 'user']);
    assert.ok(status.every((s) => s.connected), 'every agent shows as connected');
    assert.strictEqual(claude.configs[0].command, 'boocode hook claude-code', 'a committed file runs the boocode on each teammate\'s PATH');
    assert.ok(claude.configs[1].stale, 'a command whose program is missing is reported stale');
  });

  it('writes each agent\'s documented config shape', () => {
    const { workspace, env } = setup();
    const command = "'/opt/Boo Code/node' '/opt/Boo Code/dist/cli.js' hook";
    for (const agent of AGENTS) installHooks(agent, { workspace, env, cliCommand: CLI_COMMAND });
    const json = (file: string) => JSON.parse(read(workspace, file));
    assert.deepStrictEqual(json('.codex/hooks.json').hooks.UserPromptSubmit, [{ hooks: [{ type: 'command', command: `${command} codex -C ${workspace}`, timeout: 30 }] }]);
    const gemini = json('.gemini/settings.json').hooks;
    assert.strictEqual(gemini.BeforeAgent[0].hooks[0].timeout, 30000, 'Gemini timeouts are milliseconds');
    assert.strictEqual(gemini.AfterAgent[0].hooks[0].command, `${command} gemini -C ${workspace}`);
    const cursor = json('.cursor/hooks.json');
    assert.strictEqual(cursor.version, 1);
    assert.deepStrictEqual(cursor.hooks.beforeSubmitPrompt, [{ command: `${command} cursor -C ${workspace}` }], 'Cursor entries are flat');
    assert.deepStrictEqual(Object.keys(cursor.hooks), ['beforeSubmitPrompt', 'afterAgentResponse', 'stop']);
    const copilot = json('.github/hooks/boocode.json');
    assert.strictEqual(copilot.version, 1);
    assert.deepStrictEqual(copilot.hooks.Stop, [{ type: 'command', command: `${command} copilot -C ${workspace}`, bash: `${command} copilot -C ${workspace}`, cwd: '.', timeout: 30, timeoutSec: 30 }]);
    const plugin = read(workspace, '.opencode/plugins/boocode.js');
    assert.ok(plugin.includes('const COMMAND = ["/opt/Boo Code/node","/opt/Boo Code/dist/cli.js"];'));
    assert.ok(plugin.includes(`const HOOK_ARGS = ["hook","opencode","-C",${JSON.stringify(workspace)}];`));
    assert.ok(!/exec\(|shell:\s*true/.test(plugin), 'the plugin never runs a shell');
    const status = hooksStatus({ workspace, env });
    assert.deepStrictEqual(status.filter((s) => s.connected).map((s) => s.agent), [...AGENTS]);
    assert.deepStrictEqual(status.find((s) => s.agent === 'claude-code')!.configs[0].events, ['UserPromptSubmit', 'Stop']);
  });

  it('uninstall deletes files that were only ours and keeps files that hold other settings', () => {
    const { workspace, env } = setup();
    write(workspace, '.cursor/hooks.json', '{\n  "version": 1,\n  "hooks": {\n    "afterFileEdit": [{ "command": "./format.sh" }]\n  }\n}\n');
    const before = read(workspace, '.cursor/hooks.json');
    installHooks('cursor', { workspace, env, cliCommand: CLI_COMMAND });
    installHooks('copilot', { workspace, env, cliCommand: CLI_COMMAND });
    installHooks('opencode', { workspace, env, cliCommand: CLI_COMMAND });
    assert.strictEqual(uninstallHooks('cursor', { workspace, env }).deleted.length, 0);
    assert.strictEqual(read(workspace, '.cursor/hooks.json'), before);
    assert.deepStrictEqual(uninstallHooks('copilot', { workspace, env }).deleted, [path.join(workspace, '.github', 'hooks', 'boocode.json')]);
    assert.ok(!fs.existsSync(path.join(workspace, '.github', 'hooks', 'boocode.json')));
    assert.strictEqual(uninstallHooks('opencode', { workspace, env }).deleted.length, 1);
    assert.ok(hooksStatus({ workspace, env }).every((s) => !s.connected));
  });

  it('uses the older .opencode/plugin/ folder when only that one exists, and never overwrites a plugin that is not ours', () => {
    const { workspace, env } = setup();
    write(workspace, '.opencode/plugin/other.js', 'export const Other = async () => ({});\n');
    assert.strictEqual(installHooks('opencode', { workspace, env, cliCommand: CLI_COMMAND }).file, path.join(workspace, '.opencode', 'plugin', 'boocode.js'));
    const other = setup();
    write(other.workspace, '.opencode/plugins/boocode.js', '// mine\n');
    assert.throws(() => installHooks('opencode', { workspace: other.workspace, env: other.env, cliCommand: CLI_COMMAND }), /not our plugin/);
    assert.strictEqual(read(other.workspace, '.opencode/plugins/boocode.js'), '// mine\n');
  });

  it('adds to JSONC configs (Gemini) and keeps their comments', () => {
    const { workspace, env } = setup();
    const text = '{\n  // my settings\n  "tools": { "enableHooks": true }, /* on */\n}\n';
    write(workspace, '.gemini/settings.json', text);
    installHooks('gemini', { workspace, env, cliCommand: CLI_COMMAND });
    const merged = read(workspace, '.gemini/settings.json');
    assert.ok(merged.includes('// my settings') && merged.includes('/* on */'));
    const errors: ParseError[] = [];
    assert.ok(parse(merged, errors, { allowTrailingComma: true }).hooks.BeforeAgent);
    assert.deepStrictEqual(errors, [], 'still valid JSONC');
    uninstallHooks('gemini', { workspace, env });
    assert.strictEqual(read(workspace, '.gemini/settings.json'), text);
  });

  it('leaves a malformed config untouched with a one-line error (exit 1)', () => {
    const { workspace, env } = setup();
    const broken = '{\n  "model": "opus",\n  "hooks": {\n';
    write(workspace, '.claude/settings.local.json', broken);
    assert.throws(() => installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND }), /is not valid JSON .* at line 4\); fix it by hand, it was left untouched\./);
    write(workspace, '.codex/hooks.json', '{"hooks": {"Stop": {"command": "x"}}}');
    assert.throws(() => installHooks('codex', { workspace, env, cliCommand: CLI_COMMAND }), /"hooks.Stop" .* is not a list/);
    write(workspace, '.cursor/hooks.json', '[]');
    assert.throws(() => uninstallHooks('cursor', { workspace, env }), /does not hold a JSON object/);
    assert.strictEqual(read(workspace, '.claude/settings.local.json'), broken);

    assert.ok(fs.existsSync(CLI), 'run `npm run build` first');
    const result = cli(['hooks', 'install', 'claude-code', '-C', workspace], { env });
    assert.strictEqual(result.code, 1);
    assert.strictEqual(result.stdout, '');
    assert.strictEqual(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^boocode: .*settings\.local\.json is not valid JSON/);
    assert.strictEqual(read(workspace, '.claude/settings.local.json'), broken);
  });

  it('through the CLI: install runs node and dist/cli.js by absolute path, status --json reports it, usage errors exit 2', () => {
    const { workspace, env } = setup();
    const install = cli(['hooks', 'install', 'claude-code', '-C', workspace], { env });
    assert.strictEqual(install.code, 0, install.stderr);
    assert.match(install.stdout, /Connected Claude Code: hooks written to .*settings\.local\.json/);
    const command = JSON.parse(read(workspace, '.claude/settings.local.json')).hooks.UserPromptSubmit[0].hooks[0].command as string;
    assert.strictEqual(command, `${process.execPath} ${CLI} hook claude-code -C ${workspace}`);
    const status = JSON.parse(cli(['hooks', 'status', '-C', workspace, '--json'], { env }).stdout);
    const claude = status.agents.find((a: any) => a.agent === 'claude-code');
    assert.strictEqual(claude.connected, true);
    assert.strictEqual(claude.configs[0].file, path.join(workspace, '.claude', 'settings.local.json'));
    assert.strictEqual(claude.configs[0].stale, false);
    assert.strictEqual(cli(['hooks', 'install', 'vim', '-C', workspace], { env }).code, 2);
    assert.strictEqual(cli(['hooks', 'install', 'codex', '--user', '--shared', '-C', workspace], { env }).code, 2);
    const uninstall = cli(['hooks', 'uninstall', 'claude-code', '-C', workspace], { env });
    assert.strictEqual(uninstall.code, 0);
    assert.match(uninstall.stdout, /Disconnected Claude Code/);
  });

  it('prefers the boocode on PATH when it is this installation', () => {
    const { workspace, env } = setup();
    const bin = tempDir('boocode-bin-');
    fs.symlinkSync(CLI, path.join(bin, 'boocode'));
    const result = cli(['hooks', 'install', 'cursor', '-C', workspace, '--json'], { env: { ...env, PATH: `${bin}:${process.env.PATH}` } });
    assert.strictEqual(result.code, 0, result.stderr);
    assert.strictEqual(JSON.parse(result.stdout).command, `${path.join(bin, 'boocode')} hook cursor -C ${workspace}`);
  });
});

describe('hooks install: editing the config text', () => {
  after(cleanupTemps);
  const FILE = '.claude/settings.local.json';

  /** Installs into `text`, checks a second install and an uninstall (back to `text`, or `after`), and gives the merged text. */
  function roundTrip(text: string, after = text): { merged: string; command: string } {
    const { workspace, env } = setup();
    write(workspace, FILE, text);
    const { command } = installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND });
    const merged = read(workspace, FILE);
    assert.strictEqual(installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND }).changed, false, 'second install is a no-op');
    uninstallHooks('claude-code', { workspace, env });
    assert.strictEqual(read(workspace, FILE), after, 'uninstall gives back the original bytes');
    return { merged, command };
  }

  it('follows the file\'s indentation and line ends (4 spaces, CRLF), and writes strict JSON', () => {
    const text = '{\r\n    "model": "opus",\r\n    "hooks": {\r\n        "Stop": [\r\n            { "hooks": [ { "type": "command", "command": "notify-send done" } ] }\r\n        ]\r\n    }\r\n}\r\n';
    const { merged } = roundTrip(text);
    assert.ok(merged.startsWith(text.slice(0, text.indexOf('notify-send done'))));
    assert.ok(!/[^\r]\n/.test(merged), 'every line ends in CRLF');
    assert.ok(merged.split('\r\n').every((line) => /^( {4})*(?! )/.test(line) && !line.includes('\t')), 'indented by 4 spaces');
    assert.match(merged, /\r\n {8}"UserPromptSubmit": \[\r\n {12}\{\r\n {16}"hooks": \[\r\n {20}\{\r\n {24}"type": "command",/);
    assert.doesNotThrow(() => JSON.parse(merged), 'strict JSON: no trailing comma, no comment');
  });

  it('opens an empty object onto lines in the file\'s tabs (uninstall then drops the `hooks` only we filled)', () => {
    const { merged } = roundTrip('{\n\t"model": "opus",\n\t"hooks": {},\n\t"env": {}\n}\n', '{\n\t"model": "opus",\n\t"env": {}\n}\n');
    assert.match(merged, /\n\t"hooks": \{\n\t\t"UserPromptSubmit": \[\n\t\t\t\{\n\t\t\t\t"hooks": \[\n/);
    assert.match(merged, /\n\t\t\]\n\t\},\n\t"env": \{\}\n\}\n$/);
  });

  it('keeps a list written on one line on one line', () => {
    const text = '{\n  "hooks": {\n    "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ]\n  }\n}\n';
    const { merged, command } = roundTrip(text);
    const stop = merged.split('\n').find((line) => line.includes('"Stop"'))!;
    assert.ok(stop.includes('notify-send done') && stop.includes(JSON.stringify(command)), stop);
    assert.ok(stop.startsWith('    "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] }, { "hooks": [ {'), stop);
    assert.doesNotThrow(() => JSON.parse(merged));
  });

  it('keeps a byte order mark', () => {
    const { merged } = roundTrip('\uFEFF{\n  "model": "opus"\n}\n');
    assert.ok(merged.startsWith('\uFEFF{\n  "model": "opus",\n  "hooks": {\n'));
  });

  it('refuses comments, trailing commas and duplicated hook keys where the agent reads strict JSON, touching nothing', () => {
    const cases: [string, RegExp][] = [
      ['{\n  // mine\n  "model": "opus"\n}\n', /is not valid JSON \(comments are not allowed in this file at line 2\); fix it by hand, it was left untouched\.$/],
      ['{\n  "model": "opus",\n}\n', /is not valid JSON \(trailing comma at line 3\); fix it by hand/],
      ['{\n  "hooks": { "Stop": [] },\n  "hooks": {}\n}\n', /"hooks" appears twice in .*; fix it by hand, it was left untouched\.$/],
      ['{ "hooks": { "Stop": [], "Stop": [] } }', /"hooks\.Stop" appears twice/],
    ];
    for (const [text, error] of cases) {
      const { workspace, env } = setup();
      write(workspace, FILE, text);
      assert.throws(() => installHooks('claude-code', { workspace, env, cliCommand: CLI_COMMAND }), error);
      assert.throws(() => uninstallHooks('claude-code', { workspace, env }), error);
      assert.strictEqual(read(workspace, FILE), text);
    }
  });
});
