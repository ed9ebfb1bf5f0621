// Agent payloads → turn starts and ends, as pure functions: every agent's documented shapes (the
// fixtures), Copilot told apart from Claude Code, transcripts, workspace choice, command quoting.
import * as assert from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { AGENT_SPECS } from '../../src/hooks/agents';
import { looksLikeCopilot } from '../../src/hooks/agents/claudeCode';
import { commandTargetMissing, hookCommandLine, isOurCommand, shellQuote, shellWords, splitEnv } from '../../src/hooks/command';
import { AgentName, capText, HookEvent, MAX_STORED_TEXT, parseJsonPayload, PayloadError } from '../../src/hooks/payload';
import { chooseWorkspace } from '../../src/hooks/run';
import { lastTurnFromTranscriptText } from '../../src/hooks/transcriptFile';
import { cleanupTemps, tempDir } from './helpers';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/agents');

export function fixtureText(agent: string, name: string, vars: Record<string, string> = {}): string {
  let text = fs.readFileSync(path.join(FIXTURES, agent, name), 'utf8');
  for (const [key, value] of Object.entries({ __WORKSPACE__: '/work/project', __TRANSCRIPT__: '/nowhere.jsonl', ...vars })) {
    text = text.split(key).join(JSON.stringify(value).slice(1, -1));
  }
  return text;
}

const parse = (agent: AgentName, file: string, env: NodeJS.ProcessEnv = {}): HookEvent => AGENT_SPECS[agent].parse(parseJsonPayload(fixtureText(agent, file)), env);

describe('hook payloads', () => {
  after(cleanupTemps);

  it('Claude Code: UserPromptSubmit begins a turn, Stop ends it with last_assistant_message', () => {
    assert.deepStrictEqual(parse('claude-code', 'user-prompt-submit.json'), {
      kind: 'begin',
      agent: 'claude-code',
      event: 'UserPromptSubmit',
      sessionId: '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
      prompt: 'Rename the greeting in src/app.js to say hello',
      cwd: '/work/project',
      // Kept for a resume: Claude Code's prompt_id (none in this older payload) and its transcript file.
      agentRef: null,
      transcriptPath: '/nowhere.jsonl',
    });
    const current = parse('claude-code', '2.1.332-user-prompt-submit.json');
    assert.ok(current.kind === 'begin' && current.agentRef === 'da8fcca8-1e9d-4fe5-a74c-17b1ee079d54' && current.transcriptPath?.endsWith('/a469d249-dbb5-4838-a9be-cf3a65f30a3c.jsonl'));
    const end = parse('claude-code', 'stop.json');
    assert.strictEqual(end.kind, 'end');
    assert.strictEqual(end.kind === 'end' && end.reply, 'I renamed the greeting in src/app.js; it now prints hello.');
    const bare = parse('claude-code', 'stop-without-message.json');
    assert.ok(bare.kind === 'end' && bare.reply === null && bare.transcriptPath === '/nowhere.jsonl');
    assert.strictEqual(parse('claude-code', 'session-start.json').kind, 'ignore');
  });

  it("Copilot's payloads in Claude Code's hook files are recorded as copilot", () => {
    // VS Code runs Claude Code's hook files for Copilot: Copilot's payloads reach `hook claude-code`.
    const viaClaudeHook = (file: string) => AGENT_SPECS['claude-code'].parse(parseJsonPayload(fixtureText('copilot', file)), {});
    for (const file of ['vscode-user-prompt-submit.json', 'vscode-camelcase-user-prompt-submit.json']) {
      const event = viaClaudeHook(file);
      assert.strictEqual(event.agent, 'copilot', file);
      assert.strictEqual(event.kind, 'begin');
    }
    const camel = viaClaudeHook('vscode-camelcase-user-prompt-submit.json');
    assert.ok(camel.kind === 'begin' && camel.sessionId === 'vscode-chat-session-77aa' && camel.prompt === 'Explain the build');
    assert.strictEqual(looksLikeCopilot(parseJsonPayload(fixtureText('claude-code', 'stop.json'))), false);
  });

  it('Copilot CLI camelCase payloads carry no event name and still parse', () => {
    const begin = parse('copilot', 'cli-user-prompt-submitted.json');
    assert.ok(begin.kind === 'begin' && begin.sessionId === '01HW2X3Y4Z5ABCDEF' && begin.prompt === 'Fix the failing lint');
    const end = parse('copilot', 'cli-agent-stop.json');
    assert.ok(end.kind === 'end' && end.reply === null && end.transcriptPath!.endsWith('events.jsonl'));
    const vscodeEnd = parse('copilot', 'vscode-stop.json');
    assert.ok(vscodeEnd.kind === 'end' && vscodeEnd.sessionId === 'vscode-chat-session-5f2b');
  });

  it('Codex: hooks and the notify payload', () => {
    const begin = parse('codex', 'user-prompt-submit.json');
    assert.ok(begin.kind === 'begin' && begin.prompt === 'Make the tests pass' && begin.sessionId === '019a6b1c-2d3e-7f40-8a9b-0c1d2e3f4a5b');
    const end = parse('codex', 'stop.json');
    assert.ok(end.kind === 'end' && end.reply === 'All tests pass now.');
    const notify = parse('codex', 'notify.json');
    assert.ok(notify.kind === 'end' && notify.event === 'agent-turn-complete' && notify.sessionId === '019a6b1c-2d3e-7f40-8a9b-0c1d2e3f4a5b');
    assert.strictEqual(notify.kind === 'end' && notify.reply, 'Added the changelog entry.');
    assert.strictEqual(AGENT_SPECS.codex.stdout!('Stop'), '{}\n');
    assert.strictEqual(AGENT_SPECS.codex.stdout!('UserPromptSubmit'), '');
  });

  it('Gemini: BeforeAgent and AfterAgent, session from the environment when missing', () => {
    const begin = parse('gemini', 'before-agent.json');
    assert.ok(begin.kind === 'begin' && begin.prompt === 'Fix the authentication bug' && begin.sessionId === 'gemini-3f9c1e2a');
    const end = parse('gemini', 'after-agent.json');
    assert.ok(end.kind === 'end' && end.reply === 'The token check now compares expiry in UTC.');
    const noSession = AGENT_SPECS.gemini.parse({ hook_event_name: 'BeforeAgent', prompt: 'x' }, { GEMINI_SESSION_ID: 'from-env' });
    assert.ok(noSession.kind === 'begin' && noSession.sessionId === 'from-env');
    assert.strictEqual(AGENT_SPECS.gemini.stdout, undefined, 'Gemini stdout must stay empty');
  });

  it('Cursor: workspace_roots, reply from afterAgentResponse, and the required stdout', () => {
    const begin = parse('cursor', 'before-submit-prompt.json');
    assert.ok(begin.kind === 'begin' && begin.cwd === '/work/project' && begin.sessionId === 'c0ffee00-1111-2222-3333-444455556666');
    const response = parse('cursor', 'after-agent-response.json');
    assert.ok(response.kind === 'end' && response.reply === 'I added validation for the email and age fields.');
    const stop = parse('cursor', 'stop.json');
    assert.ok(stop.kind === 'end' && stop.reply === null);
    assert.strictEqual(AGENT_SPECS.cursor.stdout!('beforeSubmitPrompt'), '{"continue":true}\n');
    assert.strictEqual(AGENT_SPECS.cursor.stdout!(null), '{"continue":true}\n', 'unreadable payloads still let the prompt go on');
  });

  it('opencode: the plugin payloads', () => {
    const begin = parse('opencode', 'chat-message.json');
    assert.ok(begin.kind === 'begin' && begin.sessionId === 'ses_5a1b2c3d4e5fXyZ' && begin.prompt === 'Refactor the config loader');
    const end = parse('opencode', 'session-idle.json');
    assert.ok(end.kind === 'end' && end.reply === 'The config loader now reads one file and validates it.');
  });

  it('rejects malformed payloads with a PayloadError', () => {
    assert.throws(() => parseJsonPayload(''), PayloadError);
    assert.throws(() => parseJsonPayload('{"session_id": '), /not valid JSON/);
    assert.throws(() => parseJsonPayload('[1,2]'), /not a JSON object/);
    assert.throws(() => AGENT_SPECS['claude-code'].parse({ hook_event_name: 'UserPromptSubmit', session_id: 's', permission_mode: 'default' }, {}), /no prompt/);
    assert.throws(() => AGENT_SPECS['claude-code'].parse({ hook_event_name: 'Stop', permission_mode: 'default' }, {}), /no session id/);
    assert.throws(() => AGENT_SPECS.cursor.parse({ hook_event_name: 'beforeSubmitPrompt', prompt: 'x' }, {}), /conversation id/);
  });

  it('caps huge prompts with a marker, on a character boundary', () => {
    const huge = 'é'.repeat(MAX_STORED_TEXT);
    const capped = capText(huge);
    assert.ok(Buffer.byteLength(capped) < MAX_STORED_TEXT + 200);
    assert.match(capped, /\[… cut by BooCode hook: the text was 204800 bytes\]$/);
    assert.ok(!capped.includes('\uFFFD'));
    assert.strictEqual(capText('short'), 'short');
    const event = AGENT_SPECS['claude-code'].parse({ hook_event_name: 'UserPromptSubmit', session_id: 's', permission_mode: 'default', prompt: 'x'.repeat(300_000) }, {});
    assert.ok(event.kind === 'begin' && Buffer.byteLength(event.prompt) < MAX_STORED_TEXT + 200);
  });
});

describe('agent transcripts', () => {
  it("reads the reply after the last real prompt of a Claude Code transcript (tool results are not prompts)", () => {
    const turn = lastTurnFromTranscriptText(fixtureText('claude-code', 'transcript.jsonl'));
    assert.strictEqual(turn.prompt, 'Rename the greeting in src/app.js to say hello');
    assert.strictEqual(turn.reply, 'Let me look at the file.\n\nDone: src/app.js now prints hello.');
  });

  it('reads a Copilot transcript and skips broken lines', () => {
    const text = fixtureText('copilot', 'vscode-transcript.jsonl') + '{"type":"assistant.mess\n';
    const turn = lastTurnFromTranscriptText(text);
    assert.strictEqual(turn.prompt, 'Add a test for the parser');
    assert.strictEqual(turn.reply, 'I added test/parser.test.js with three cases.');
  });

  it('has no reply while the turn has none', () => {
    const turn = lastTurnFromTranscriptText('{"type":"user","message":{"role":"user","content":"hi"}}\n');
    assert.deepStrictEqual(turn, { prompt: 'hi', reply: null });
  });
});

describe('hook workspace', () => {
  after(cleanupTemps);

  it('uses the payload cwd, the project folder above it, or -C, and refuses the rest', () => {
    const home = tempDir('boocode-home-');
    const project = tempDir('boocode-proj-');
    const sub = path.join(project, 'src');
    fs.mkdirSync(sub);
    const base = { flagDir: null, payloadCwd: null, projectDir: null, processCwd: project, home };
    assert.strictEqual(chooseWorkspace({ ...base, payloadCwd: sub }), sub);
    assert.strictEqual(chooseWorkspace({ ...base, payloadCwd: sub, projectDir: project }), project);
    assert.strictEqual(chooseWorkspace({ ...base, flagDir: project, payloadCwd: sub }), project);
    assert.strictEqual(chooseWorkspace(base), project);
    const elsewhere = tempDir('boocode-other-');
    assert.throws(() => chooseWorkspace({ ...base, flagDir: project, payloadCwd: elsewhere }), /outside the workspace/);
    assert.throws(() => chooseWorkspace({ ...base, payloadCwd: path.join(project, 'missing') }), /does not exist/);
    assert.throws(() => chooseWorkspace({ ...base, payloadCwd: 'relative/dir' }), /not an absolute path/);
    assert.throws(() => chooseWorkspace({ ...base, payloadCwd: home }), /home folder/);
    assert.throws(() => chooseWorkspace({ ...base, payloadCwd: '/' }), /filesystem root/);
  });
});

describe('hook command lines', () => {
  it('quotes paths with spaces and quotes for a POSIX shell', () => {
    assert.strictEqual(shellQuote('/usr/bin/node'), '/usr/bin/node');
    assert.strictEqual(shellQuote('/Applications/My Tools/cli.js'), "'/Applications/My Tools/cli.js'");
    assert.strictEqual(shellQuote("it's"), "'it'\\''s'");
    const line = hookCommandLine(['ELECTRON_RUN_AS_NODE=1', '/opt/VS Code/code', '/home/me/ext dir/dist/cli.js'], 'claude-code');
    assert.strictEqual(line, "ELECTRON_RUN_AS_NODE=1 '/opt/VS Code/code' '/home/me/ext dir/dist/cli.js' hook claude-code");
    assert.deepStrictEqual(shellWords(line), ['ELECTRON_RUN_AS_NODE=1', '/opt/VS Code/code', '/home/me/ext dir/dist/cli.js', 'hook', 'claude-code']);
    assert.strictEqual(shellWords("'it'\\''s' x").join('|'), "it's|x");
    assert.strictEqual(commandTargetMissing(line), true, 'neither path exists here');
    assert.strictEqual(commandTargetMissing(`${process.execPath} ${__filename} hook claude-code`), false);
    assert.deepStrictEqual(splitEnv(['A=1', 'prog', 'B=2']), { env: { A: '1' }, argv: ['prog', 'B=2'] });
  });

  it('recognises our own commands only', () => {
    assert.ok(isOurCommand("'/usr/bin/node' '/x/dist/cli.js' hook codex", 'codex'));
    assert.ok(isOurCommand('/usr/local/bin/boocode hook claude-code', 'claude-code'));
    assert.ok(!isOurCommand('/usr/local/bin/boocode hook claude-code', 'codex'));
    assert.ok(!isOurCommand('boocode hook claude-codex', 'claude-code'));
    assert.ok(!isOurCommand('echo hook claude-code', 'claude-code'));
    assert.ok(!isOurCommand(42, 'claude-code'));
  });
});
