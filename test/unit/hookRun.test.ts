// `boocode hook <agent>` end to end: each agent's real payload shapes (the fixtures) fed to the
// built CLI against a real temporary git repository, then the transcript and checkpoints checked.
import * as assert from 'node:assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, cli, CLI, CliResult, git, makeRepo, read, tempDir, write } from './helpers';
import { FIXTURES } from './hookPayload.test';

function fixture(agent: string, name: string, vars: Record<string, string>): string {
  let text = fs.readFileSync(path.join(FIXTURES, agent, name), 'utf8');
  for (const [key, value] of Object.entries(vars)) text = text.split(key).join(JSON.stringify(value).slice(1, -1));
  return text;
}

interface Run {
  root: string;
  home: string;
  hook(agent: string, input: string, extra?: string[], env?: NodeJS.ProcessEnv): CliResult;
  feed(agent: string, name: string, extra?: string[], env?: NodeJS.ProcessEnv): CliResult;
  vars: Record<string, string>;
}

function setup(): Run {
  const root = makeRepo();
  const home = tempDir('boocode-home-');
  const vars = { __WORKSPACE__: root, __TRANSCRIPT__: path.join(home, 'transcript.jsonl') };
  const hook = (agent: string, input: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    cli(['hook', agent, ...extra], { cwd: home, input, env: { HOME: home, CLAUDE_PROJECT_DIR: '', GEMINI_PROJECT_DIR: '', GEMINI_SESSION_ID: '', ...env } });
  return { root, home, vars, hook, feed: (agent, name, extra, env) => hook(agent, fixture(agent, name, vars), extra, env) };
}

async function recorded(root: string, sessionId: string) {
  const checkpoints = await openCheckpoints(root);
  try {
    const messages = await checkpoints.transcript(sessionId);
    const list = await checkpoints.list({ sessionId });
    return { messages: messages.map((m) => [m.role, m.text]), list, checkpoints: list.length };
  } finally {
    checkpoints.close();
  }
}

function quiet(result: CliResult, stdout = ''): void {
  assert.strictEqual(result.code, 0, result.stderr);
  assert.strictEqual(result.stdout, stdout);
}

describe('boocode hook (end to end)', function () {
  this.timeout(120_000);
  before(() => assert.ok(fs.existsSync(CLI), 'run `npm run build` first'));
  after(cleanupTemps);

  it('Claude Code: the prompt, a checkpoint of the files before the turn, and the reply; nothing on stdout', async () => {
    const run = setup();
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    write(run.root, 'src/app.js', "console.log('hello');\n");
    quiet(run.feed('claude-code', 'stop.json'));
    quiet(run.feed('claude-code', 'session-start.json'));
    const session = '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d';
    const { messages, list } = await recorded(run.root, session);
    assert.deepStrictEqual(messages, [
      ['user', 'Rename the greeting in src/app.js to say hello'],
      ['assistant', 'I renamed the greeting in src/app.js; it now prints hello.'],
    ]);
    assert.strictEqual(list.length, 1);
    assert.strictEqual(list[0].agent, 'claude-code');
    assert.strictEqual(list[0].prompt, 'Rename the greeting in src/app.js to say hello');
    assert.strictEqual(git(run.root, 'show', `${list[0].commit}:src/app.js`), 'console.log(1);', 'the checkpoint holds the files from before the turn');
    assert.strictEqual(git(run.root, 'rev-parse', '--verify', '-q', list[0].ref), list[0].commit);
  });

  it('Claude Code: a Stop reported three times, in turn or at once, records the reply once; the same prompt sent again gets its own', async () => {
    const run = setup();
    const session = '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d';
    const stop = fixture('claude-code', 'stop.json', run.vars);
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    for (let i = 0; i < 3; i++) quiet(run.hook('claude-code', stop));
    // Again, at once: three hook processes racing for the transcript.
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    const racing = Array.from({ length: 3 }, () =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'hook', 'claude-code'], { cwd: run.home, env: { ...process.env, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '1', HOME: run.home, CLAUDE_PROJECT_DIR: '' }, stdio: ['pipe', 'ignore', 'ignore'] });
        child.stdin.end(stop);
        child.on('close', (code) => resolve(code ?? -1));
      }),
    );
    assert.deepStrictEqual(await Promise.all(racing), [0, 0, 0]);
    const { messages } = await recorded(run.root, session);
    const prompt = 'Rename the greeting in src/app.js to say hello';
    const reply = 'I renamed the greeting in src/app.js; it now prints hello.';
    assert.deepStrictEqual(messages, [['user', prompt], ['assistant', reply], ['user', prompt], ['assistant', reply]]);
  });

  it('Claude Code: takes the reply from the transcript JSONL when Stop has no last_assistant_message', async () => {
    const run = setup();
    fs.writeFileSync(run.vars.__TRANSCRIPT__, fixture('claude-code', 'transcript.jsonl', run.vars));
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    quiet(run.feed('claude-code', 'stop-without-message.json'));
    const { messages } = await recorded(run.root, '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d');
    assert.deepStrictEqual(messages[1], ['assistant', 'Let me look at the file.\n\nDone: src/app.js now prints hello.']);
  });

  it("does not take a reply from a transcript that does not end with the recorded prompt (written late)", async () => {
    const run = setup();
    const transcript = fixture('claude-code', 'transcript.jsonl', run.vars).split('\n').slice(0, 3).join('\n') + '\n';
    fs.writeFileSync(run.vars.__TRANSCRIPT__, transcript);
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    const stop = run.feed('claude-code', 'stop-without-message.json', [], { BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' });
    quiet(stop);
    assert.strictEqual(stop.stderr, '', 'the wait for the real reply is handed to a follow-up process');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { messages } = await recorded(run.root, '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d');
    assert.strictEqual(messages.length, 1, "the previous turn's reply is never taken for this one");
    // The agent then writes the whole transcript: the follow-up records this turn's own reply, and ends.
    fs.writeFileSync(run.vars.__TRANSCRIPT__, fixture('claude-code', 'transcript.jsonl', run.vars));
    let replied: unknown[][] = [];
    for (const deadline = Date.now() + 15_000; replied.length < 2 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      replied = (await recorded(run.root, '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d')).messages;
    }
    assert.deepStrictEqual(replied[1], ['assistant', 'Let me look at the file.\n\nDone: src/app.js now prints hello.']);
  });

  it('Copilot in VS Code through Claude Code\'s hook files is recorded as copilot, once even when both hooks run', async () => {
    const run = setup();
    const prompt = fixture('copilot', 'vscode-user-prompt-submit.json', run.vars);
    quiet(run.hook('claude-code', prompt));
    quiet(run.hook('copilot', prompt));
    fs.writeFileSync(run.vars.__TRANSCRIPT__, fixture('copilot', 'vscode-transcript.jsonl', run.vars));
    const stop = fixture('copilot', 'vscode-stop.json', run.vars);
    quiet(run.hook('claude-code', stop));
    quiet(run.hook('copilot', stop));
    const { messages, list } = await recorded(run.root, 'vscode-chat-session-5f2b');
    assert.deepStrictEqual(messages, [
      ['user', 'Add a test for the parser'],
      ['assistant', 'I added test/parser.test.js with three cases.'],
    ]);
    assert.strictEqual(list.length, 1);
    assert.strictEqual(list[0].agent, 'copilot');
  });

  it('Copilot CLI camelCase payloads', async () => {
    const run = setup();
    quiet(run.feed('copilot', 'cli-user-prompt-submitted.json'));
    // No transcript: the follow-up looks for a reply written late, in the background.
    quiet(run.feed('copilot', 'cli-agent-stop.json', [], { BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' }));
    const { messages, checkpoints } = await recorded(run.root, '01HW2X3Y4Z5ABCDEF');
    assert.deepStrictEqual(messages, [['user', 'Fix the failing lint']]);
    assert.strictEqual(checkpoints, 1);
  });

  it('Codex: hooks (Stop prints {}), and notify with the payload as the last argument', async () => {
    const run = setup();
    quiet(run.feed('codex', 'user-prompt-submit.json'));
    quiet(run.feed('codex', 'stop.json'), '{}\n');
    const notify = cli(['hook', 'codex', fixture('codex', 'notify.json', run.vars)], { cwd: run.home, env: { HOME: run.home } });
    quiet(notify);
    const { messages, checkpoints } = await recorded(run.root, '019a6b1c-2d3e-7f40-8a9b-0c1d2e3f4a5b');
    // notify knows the turn's prompt too (input-messages): recorded before its reply, without a checkpoint.
    assert.deepStrictEqual(messages, [
      ['user', 'Make the tests pass'],
      ['assistant', 'All tests pass now.'],
      ['user', 'Now add a changelog entry'],
      ['assistant', 'Added the changelog entry.'],
    ]);
    assert.strictEqual(checkpoints, 1);
    assert.strictEqual((await recorded(run.root, '019a6b1c-2d3e-7f40-8a9b-0c1d2e3f4a5b')).list[0].agent, 'codex');
  });

  it('Codex 0.171: real hook payloads, and notify after Stop for the same turn records the turn once', async () => {
    const run = setup();
    const real = (name: string) => fs.readFileSync(path.join(FIXTURES, 'codex', name), 'utf8').replace(/"cwd":"[^"]*"/, JSON.stringify({ cwd: run.root }).slice(1, -1));
    quiet(run.hook('codex', real('0.171.0-user-prompt-submit.json')));
    quiet(run.hook('codex', real('0.171.0-stop.json')), '{}\n');
    const notify = JSON.parse(real('0.171.0-notify.json'));
    quiet(cli(['hook', 'codex', JSON.stringify(notify)], { cwd: run.home, env: { HOME: run.home } }));
    const session = JSON.parse(real('0.171.0-stop.json')).session_id;
    const { messages, checkpoints } = await recorded(run.root, session);
    assert.deepStrictEqual(messages.map(([role]) => role), ['user', 'assistant']);
    assert.strictEqual(checkpoints, 1);
  });

  it('Gemini: BeforeAgent and AfterAgent, stdout empty', async () => {
    const run = setup();
    quiet(run.feed('gemini', 'before-agent.json'));
    quiet(run.feed('gemini', 'after-agent.json'));
    const { messages, list } = await recorded(run.root, 'gemini-3f9c1e2a');
    assert.deepStrictEqual(messages, [
      ['user', 'Fix the authentication bug'],
      ['assistant', 'The token check now compares expiry in UTC.'],
    ]);
    assert.strictEqual(list[0].agent, 'gemini');
  });

  it('Cursor: {"continue":true} on beforeSubmitPrompt, reply from afterAgentResponse, workspace from workspace_roots', async () => {
    const run = setup();
    quiet(run.feed('cursor', 'before-submit-prompt.json'), '{"continue":true}\n');
    quiet(run.feed('cursor', 'after-agent-response.json'));
    quiet(run.feed('cursor', 'stop.json'), '{}\n');
    const { messages, checkpoints } = await recorded(run.root, 'c0ffee00-1111-2222-3333-444455556666');
    assert.deepStrictEqual(messages, [
      ['user', 'Add input validation to the form'],
      ['assistant', 'I added validation for the email and age fields.'],
    ]);
    assert.strictEqual(checkpoints, 1);
  });

  it('Cursor still answers {"continue":true} when the payload is garbage', () => {
    const run = setup();
    const result = run.hook('cursor', 'not json at all');
    quiet(result, '{"continue":true}\n');
    assert.match(result.stderr, /^boocode hook cursor: skipped: the payload is not valid JSON/);
  });

  it('opencode: the plugin payloads on stdin', async () => {
    const run = setup();
    quiet(run.feed('opencode', 'chat-message.json'));
    quiet(run.feed('opencode', 'session-idle.json'));
    const { messages, list } = await recorded(run.root, 'ses_5a1b2c3d4e5fXyZ');
    assert.strictEqual(messages.length, 2);
    assert.strictEqual(list[0].agent, 'opencode');
  });

  it('the installed opencode plugin runs the CLI with the payload on stdin', async () => {
    const run = setup();
    const result = cli(['hooks', 'install', 'opencode', '-C', run.root], { env: { HOME: run.home } });
    assert.strictEqual(result.code, 0, result.stderr);
    const pluginFile = path.join(run.root, '.opencode', 'plugins', 'boocode.js');
    const copy = path.join(run.home, 'plugin.mjs');
    fs.copyFileSync(pluginFile, copy);
    const plugin = await import(copy);
    const client = { session: { messages: async () => ({ data: [{ info: { role: 'user' }, parts: [] }, { info: { role: 'assistant' }, parts: [{ type: 'text', text: 'Plugin reply.' }] }] }) } };
    const hooks = await plugin.BoocodeCheckpoints({ client, directory: run.root });
    const prompt = "Quote 'this' and $(rm -rf ~) `too`";
    await hooks['chat.message']({ sessionID: 'ses_plugin1' }, { parts: [{ type: 'text', text: prompt }, { type: 'text', text: 'file body', synthetic: true }] });
    await hooks.event({ event: { type: 'session.idle', properties: { sessionID: 'ses_plugin1' } } });
    // The reply is recorded by the hook's detached follow-up.
    let { messages, checkpoints } = await recorded(run.root, 'ses_plugin1');
    for (const deadline = Date.now() + 10_000; messages.length < 2 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      ({ messages, checkpoints } = await recorded(run.root, 'ses_plugin1'));
    }
    assert.deepStrictEqual(messages, [
      ['user', prompt],
      ['assistant', 'Plugin reply.'],
    ]);
    assert.strictEqual(checkpoints, 1);
  });

  it('logs and skips malformed input (exit 0, one stderr line, a line in the hook log) and changes nothing', async () => {
    const run = setup();
    quiet(run.feed('claude-code', 'user-prompt-submit.json'));
    const cases: [string, RegExp][] = [
      ['{"hook_event_name": "UserPromptSubmit", "session_id": "s1", "permission_mode": "default"', /not valid JSON/],
      ['{"hook_event_name": "UserPromptSubmit", "permission_mode": "default", "prompt": "x", "cwd": "/"}', /no session id/],
      [JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's1', permission_mode: 'default', prompt: 'x', cwd: path.join(run.root, 'nope') }), /does not exist/],
      [JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'bad id with spaces', permission_mode: 'default', prompt: 'x', cwd: run.root }), /not a valid session id/],
    ];
    for (const [input, why] of cases) {
      const result = run.hook('claude-code', input, ['-C', run.root]);
      quiet(result);
      assert.strictEqual(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, why);
    }
    const home = run.hook('claude-code', JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's1', permission_mode: 'default', prompt: 'x', cwd: run.home }));
    quiet(home);
    assert.match(home.stderr, /not checkpointing .*: it is your home folder/);
    const outside = tempDir('boocode-outside-');
    const result = run.hook('claude-code', JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 's1', permission_mode: 'default', prompt: 'x', cwd: outside }), ['-C', run.root]);
    quiet(result);
    assert.match(result.stderr, /outside the workspace/);
    const log = read(path.join(run.root, '.git', 'boocode'), 'hooks.log');
    assert.strictEqual(log.trim().split('\n').length, cases.length + 1);
    assert.match(log, /claude-code skipped: the payload is not valid JSON/);
    const checkpoints = await openCheckpoints(run.root);
    try {
      assert.deepStrictEqual((await checkpoints.sessions()).map((s) => s.id), ['8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d']);
    } finally {
      checkpoints.close();
    }
  });

  it('stores a huge prompt cut at 100 KB with a marker', async () => {
    const run = setup();
    const prompt = 'word '.repeat(100_000);
    quiet(run.hook('claude-code', JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'huge-1', permission_mode: 'default', prompt, cwd: run.root })));
    const { messages, checkpoints } = await recorded(run.root, 'huge-1');
    const text = messages[0][1];
    assert.ok(Buffer.byteLength(text) < 100 * 1024 + 100);
    assert.match(text, /\[… cut by BooCode hook: the text was 500000 bytes\]$/);
    assert.strictEqual(checkpoints, 1);
  });

  it('gives up on a held lock after the bounded wait (10 s), with a warning, and still exits 0', async () => {
    const run = setup();
    quiet(run.feed('gemini', 'before-agent.json'));
    // Another live process (this one) holds the checkpoint store's lock.
    const lock = path.join(run.root, '.git', 'boocode', 'git.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    const started = Date.now();
    const result = run.hook('claude-code', JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'locked-1', permission_mode: 'default', prompt: 'while locked', cwd: run.root }));
    const elapsed = Date.now() - started;
    fs.unlinkSync(lock);
    quiet(result);
    assert.match(result.stderr, /No checkpoint was taken for this turn/);
    assert.ok(elapsed >= 9_000 && elapsed < 20_000, `waited ${elapsed} ms`);
    const { messages, checkpoints } = await recorded(run.root, 'locked-1');
    assert.deepStrictEqual(messages, [['user', 'while locked']], 'the prompt is still recorded');
    assert.strictEqual(checkpoints, 0);
  });

  it("a turn's end holds nothing up: the reply is recorded by a detached follow-up, at the time the agent reported it", async () => {
    const run = setup();
    const noWait = { BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' };
    const prompt = (text: string) => JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'later-1', permission_mode: 'default', prompt: text, cwd: run.root });
    quiet(run.hook('claude-code', prompt('first')));
    // Another live process (this one) holds the transcript's lock: recording the reply must wait.
    const lock = path.join(run.root, '.git', 'boocode', 'transcript.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    let released = false;
    try {
      const started = Date.now();
      const stop = run.hook('claude-code', JSON.stringify({ hook_event_name: 'Stop', session_id: 'later-1', permission_mode: 'default', cwd: run.root, last_assistant_message: 'first reply' }), [], noWait);
      const held = Date.now() - started;
      quiet(stop);
      assert.strictEqual(stop.stderr, '');
      assert.ok(held < 2_000, `the Stop hook returned after ${held} ms with the transcript locked`);
      fs.unlinkSync(lock);
      released = true;
    } finally {
      if (!released) fs.rmSync(lock, { force: true });
    }
    // The next turn begins before the follow-up has written the reply; the reply still sorts first.
    quiet(run.hook('claude-code', prompt('second')));
    let messages: unknown[][] = [];
    for (const deadline = Date.now() + 15_000; messages.length < 3 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      messages = (await recorded(run.root, 'later-1')).messages;
    }
    assert.deepStrictEqual(messages, [
      ['user', 'first'],
      ['assistant', 'first reply'],
      ['user', 'second'],
    ]);
  });

  it('a turn end the follow-up could not record is logged, and `hooks status` shows it', () => {
    const run = setup();
    const before = cli(['hooks', 'status', '-C', run.root, '--json'], { env: { HOME: run.home } });
    assert.strictEqual(JSON.parse(before.stdout).agents.find((a: { agent: string }) => a.agent === 'claude-code').lastProblem, null);
    // Parsed fine by the entry, refused by the engine in the follow-up: nobody sees that process's stderr.
    const stop = run.hook('claude-code', JSON.stringify({ hook_event_name: 'Stop', session_id: 'bad id with spaces', permission_mode: 'default', cwd: run.root, last_assistant_message: 'done' }));
    quiet(stop);
    assert.strictEqual(stop.stderr, '', 'the hook itself handed the end over and said nothing');
    const status = cli(['hooks', 'status', '-C', run.root, '--json'], { env: { HOME: run.home } });
    const problem = JSON.parse(status.stdout).agents.find((a: { agent: string }) => a.agent === 'claude-code').lastProblem;
    assert.match(problem.text, /not a valid session id/);
    assert.ok(Math.abs(problem.at - Date.now()) < 60_000);
    const text = cli(['hooks', 'status', '-C', run.root], { env: { HOME: run.home } });
    assert.match(text.stdout, /last problem \(.* UTC, \.git\/boocode\/hooks\.log\): nothing recorded: .*not a valid session id/);
  });

  it('never blocks on an unknown agent or an empty payload', () => {
    const run = setup();
    const unknown = run.hook('vim', '{}');
    quiet(unknown);
    assert.match(unknown.stderr, /unknown agent "vim"/);
    const empty = run.hook('gemini', '');
    quiet(empty);
    assert.match(empty.stderr, /no payload/);
  });

  it('records into the project folder when the agent cd-ed into a subfolder (CLAUDE_PROJECT_DIR)', async () => {
    const run = setup();
    const input = JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'sub-1', permission_mode: 'default', prompt: 'in a subfolder', cwd: path.join(run.root, 'src') });
    quiet(run.hook('claude-code', input, [], { CLAUDE_PROJECT_DIR: run.root }));
    const { list } = await recorded(run.root, 'sub-1');
    assert.strictEqual(list.length, 1);
    assert.strictEqual(git(run.root, 'show', `${list[0].commit}:README.md`), '# demo', 'the whole project was checkpointed, not only src/');
  });

  describe('before/after pairs from every agent', () => {
    const agents: [string, string, string[], string][] = [
      ['claude-code', 'user-prompt-submit.json', ['stop.json'], '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d'],
      ['codex', 'user-prompt-submit.json', ['stop.json'], '019a6b1c-2d3e-7f40-8a9b-0c1d2e3f4a5b'],
      ['gemini', 'before-agent.json', ['after-agent.json'], 'gemini-3f9c1e2a'],
      ['cursor', 'before-submit-prompt.json', ['after-agent-response.json', 'stop.json'], 'c0ffee00-1111-2222-3333-444455556666'],
      ['opencode', 'chat-message.json', ['session-idle.json'], 'ses_5a1b2c3d4e5fXyZ'],
      ['copilot', 'cli-user-prompt-submitted.json', ['cli-agent-stop.json'], '01HW2X3Y4Z5ABCDEF'],
    ];
    for (const [agent, begin, ends, session] of agents) {
      it(`${agent}: the turn's end is a checkpoint of the files as the turn left them, paired with its before`, async () => {
        const run = setup();
        assert.strictEqual(run.feed(agent, begin).code, 0);
        write(run.root, 'src/app.js', 'changed by the turn\n');
        for (const end of ends) assert.strictEqual(run.feed(agent, end).code, 0);
        write(run.root, 'src/app.js', 'changed after the turn\n');
        const { list } = await recorded(run.root, session);
        assert.strictEqual(list.length, 1, 'the pair is listed once');
        assert.ok(list[0].turnEnd, 'the turn has an end');
        assert.strictEqual(list[0].turnEnd.interrupted, false);
        const checkpoints = await openCheckpoints(run.root);
        try {
          const end = await checkpoints.get(list[0].turnEnd.id);
          assert.strictEqual(end.kind, 'after');
          assert.strictEqual(end.endsTurn, list[0].id);
          assert.strictEqual(git(run.root, 'show', `${list[0].commit}:src/app.js`), 'console.log(1);');
          assert.strictEqual(git(run.root, 'show', `${end.commit}:src/app.js`), 'changed by the turn');
          assert.deepStrictEqual((await checkpoints.diff(list[0].id, end.id)).map((change) => change.path), ['src/app.js'], "the turn's own diff");
        } finally {
          checkpoints.close();
        }
      });
    }

    it('Claude Code: a prompt sent again before Stop closes the first turn, marked interrupted', async () => {
      const run = setup();
      quiet(run.feed('claude-code', 'user-prompt-submit.json'));
      write(run.root, 'src/app.js', 'changed by the interrupted turn\n');
      quiet(run.feed('claude-code', 'user-prompt-submit.json'));
      quiet(run.feed('claude-code', 'stop.json'));
      const { list } = await recorded(run.root, '8a1f2c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d');
      assert.strictEqual(list.length, 2);
      const [second, first] = list;
      assert.deepStrictEqual(first.turnEnd, { id: second.id, interrupted: true });
      assert.strictEqual(second.turnEnd?.interrupted, false);
    });

    it('a follow-up that records a turn end after the next turn began leaves the new turn open', async () => {
      const run = setup();
      const session = 'late-end-1';
      const prompt = (text: string) => JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: session, permission_mode: 'default', prompt: text, cwd: run.root });
      quiet(run.hook('claude-code', prompt('first')));
      write(run.root, 'src/app.js', 'by the first turn\n');
      const endedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      quiet(run.hook('claude-code', prompt('second')));
      write(run.root, 'src/app.js', 'by the second turn, still running\n');
      // The first turn's follow-up, as if it ran only now (the agent reported the end at endedAt).
      const stop = JSON.stringify({ hook_event_name: 'Stop', session_id: session, permission_mode: 'default', cwd: run.root, last_assistant_message: 'first reply' });
      quiet(run.hook('claude-code', stop, ['--follow-up', '--ended-at', String(endedAt)]));
      const { list, messages } = await recorded(run.root, session);
      const [second, first] = list;
      assert.deepStrictEqual(first.turnEnd, { id: second.id, interrupted: true }, 'the first turn ended where the second began');
      assert.strictEqual(second.turnEnd, null, 'the running turn is not closed by the late end of the one before');
      assert.deepStrictEqual(messages, [
        ['user', 'first'],
        ['assistant', 'first reply'],
        ['user', 'second'],
      ]);
    });
  });
});
