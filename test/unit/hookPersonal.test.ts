// What a default `boocode hooks install` leaves in a repository, and how the hook then behaves:
// personal files kept out of git, the workspace named in the command (an agent started in a
// subfolder still checkpoints the whole project), the agent's trust state told truthfully, and a
// reply the agent writes after our Stop hook returned still recorded.
import * as assert from 'node:assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { AGENTS, hooksStatus, installHooks, uninstallHooks } from '../../src/hooks/install';
import { cleanupTemps, cli, CLI, git, makeRepo, read, tempDir, write } from './helpers';
import { FIXTURES } from './hookPayload.test';

const CLI_COMMAND = ['/opt/node', '/opt/cli.js'];

async function recorded(root: string, sessionId: string) {
  const checkpoints = await openCheckpoints(root);
  try {
    return { messages: (await checkpoints.transcript(sessionId)).map((m) => [m.role, m.text]), list: await checkpoints.list({ sessionId }) };
  } finally {
    checkpoints.close();
  }
}

describe('hooks install: personal by default', function () {
  this.timeout(120_000);
  after(cleanupTemps);

  it('keeps every agent’s personal file out of git status and out of checkpoints; uninstall takes it all back', async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('boocode-home-'), PATH: '' };
    const excludeBefore = fs.readFileSync(path.join(repo, '.git', 'info', 'exclude'));
    const statusBefore = git(repo, 'status', '--porcelain');
    for (const agent of AGENTS) {
      const result = installHooks(agent, { workspace: repo, env, cliCommand: CLI_COMMAND });
      assert.strictEqual(result.scope, 'personal', agent);
      assert.match(result.command, new RegExp(` hook ${agent} -C ${repo}$`), agent);
    }
    assert.strictEqual(git(repo, 'status', '--porcelain'), statusBefore, 'our files do not show in git status');
    const checkpoints = await openCheckpoints(repo);
    try {
      const checkpoint = await checkpoints.createCheckpoint();
      const files = git(repo, 'ls-tree', '-r', '--name-only', checkpoint.commit).split('\n');
      assert.deepStrictEqual(files.filter((f) => /^\.(claude|codex|gemini|cursor|opencode|github)\//.test(f)), [], 'no hook config in the checkpoint');
    } finally {
      checkpoints.close();
    }
    for (const agent of AGENTS) uninstallHooks(agent, { workspace: repo, env });
    assert.deepStrictEqual(fs.readFileSync(path.join(repo, '.git', 'info', 'exclude')), excludeBefore, 'info/exclude is back byte for byte');
    for (const file of ['.claude/settings.local.json', '.codex/hooks.json', '.gemini/settings.json', '.cursor/hooks.json', '.github/hooks/boocode.json', '.opencode/plugins/boocode.js']) {
      assert.ok(!fs.existsSync(path.join(repo, file)), `${file} is gone`);
    }
  });

  it('install prepares the checkpoint store (not for --user), without a checkpoint and without touching what git owns', async () => {
    const repo = makeRepo();
    const home = tempDir('boocode-home-');
    const index = path.join(repo, '.git', 'index');
    const indexBefore = fs.readFileSync(index);
    const user = cli(['hooks', 'install', 'claude-code', '--user', '-C', repo], { env: { HOME: home } });
    assert.strictEqual(user.code, 0, user.stderr);
    assert.ok(!fs.existsSync(path.join(repo, '.git', 'boocode')), 'a --user install is not about this project');
    const result = cli(['hooks', 'install', 'gemini', '-C', repo], { env: { HOME: home } });
    assert.strictEqual(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /could not be prepared/);
    const state = JSON.parse(read(path.join(repo, '.git', 'boocode'), 'index.state'));
    assert.ok(state.tree, 'the private index holds the tree of the files now');
    assert.ok(fs.existsSync(path.join(repo, '.git', 'boocode', 'transcript.sqlite')), 'the transcript database exists');
    assert.deepStrictEqual(fs.readFileSync(index), indexBefore, "the user's index is untouched");
    const checkpoints = await openCheckpoints(repo);
    try {
      assert.deepStrictEqual(await checkpoints.list(), [], 'no checkpoint was taken');
    } finally {
      checkpoints.close();
    }
  });

  it('a file the person already had keeps showing in git; a committed one is refused as personal and left untouched', () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('boocode-home-'), PATH: process.env.PATH ?? '' };
    write(repo, '.gemini/settings.json', '{\n  "theme": "dark"\n}\n');
    git(repo, 'add', '.gemini/settings.json');
    git(repo, 'commit', '-qm', 'team settings');
    const refused = cli(['hooks', 'install', 'gemini', '-C', repo], { env });
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /^boocode: \.gemini\/settings\.json is committed in this repository, so it is not personal: run with --shared .* or with --user\.\n$/);
    assert.strictEqual(read(repo, '.gemini/settings.json'), '{\n  "theme": "dark"\n}\n');
    const shared = installHooks('gemini', { workspace: repo, env: { ...env, PATH: '' }, scope: 'shared', cliCommand: CLI_COMMAND });
    assert.strictEqual(shared.command, 'boocode hook gemini', 'the committed file holds no path of this machine');
    assert.ok(shared.notes.some((note) => note.includes('not on your PATH')));

    write(repo, '.cursor/hooks.json', '{\n  "version": 1,\n  "hooks": {}\n}\n');
    installHooks('cursor', { workspace: repo, env, cliCommand: CLI_COMMAND });
    assert.match(git(repo, 'status', '--porcelain'), /\?\? \.cursor\//, 'an untracked file of the person stays visible');
  });

  it('an agent started in a subfolder runs the installed command and checkpoints the whole repository', async () => {
    const repo = makeRepo();
    write(repo, 'sub/inner.txt', 'inner\n');
    const env = { HOME: tempDir('boocode-home-'), PATH: process.env.PATH ?? '' };
    // The built CLI by name: under mocha, process.argv[1] is mocha's own cli.js.
    const { command } = installHooks('codex', { workspace: repo, env, cliCommand: [process.execPath, CLI] });
    const payload = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'codex', '0.171.0-user-prompt-submit.json'), 'utf8'));
    payload.cwd = path.join(repo, 'sub');
    // What Codex does: the command line through a shell, in the session's folder, the payload on stdin.
    const run = spawnSync('sh', ['-c', command], { cwd: path.join(repo, 'sub'), input: JSON.stringify(payload), encoding: 'utf8', env: { ...process.env, HOME: env.HOME } });
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(run.stderr, '');
    const { list } = await recorded(repo, payload.session_id);
    assert.strictEqual(list.length, 1, 'listed in the repository itself');
    assert.strictEqual(git(repo, 'show', `${list[0].commit}:src/app.js`), 'console.log(1);', 'files outside the subfolder are in it');
  });

  it('opencode: its worktree is the workspace when the plugin runs from a subfolder', async () => {
    const repo = makeRepo();
    write(repo, 'sub/inner.txt', 'inner\n');
    const payload = { event: 'chat.message', sessionID: 'ses_sub', prompt: 'from a subfolder', cwd: path.join(repo, 'sub'), worktree: repo };
    const result = cli(['hook', 'opencode'], { cwd: path.join(repo, 'sub'), input: JSON.stringify(payload), env: { HOME: tempDir('boocode-home-') } });
    assert.strictEqual(result.code, 0);
    assert.strictEqual(result.stderr, '');
    const { list } = await recorded(repo, 'ses_sub');
    assert.strictEqual(list.length, 1);
    assert.strictEqual(git(repo, 'show', `${list[0].commit}:README.md`), '# demo');
  });

  it('status tells whether Codex will run the hooks: untrusted project and hooks, then trusted', () => {
    const repo = makeRepo();
    const home = tempDir('boocode-home-');
    const env = { HOME: home, PATH: process.env.PATH ?? '' };
    const { file } = installHooks('codex', { workspace: repo, env, cliCommand: [process.execPath, CLI] });
    const before = hooksStatus({ workspace: repo, env }).find((s) => s.agent === 'codex')!;
    assert.strictEqual(before.connected, true);
    assert.strictEqual(before.active, false);
    assert.strictEqual(before.configs[0].blockers.length, 2, before.configs[0].blockers.join('\n'));
    const shown = cli(['hooks', 'status', '-C', repo], { env });
    assert.match(shown.stdout, /not running yet: Codex has not been told to trust this project/);
    // What Codex writes when the person trusts the folder and the hooks (values as Codex 0.171 writes them).
    write(home, '.codex/config.toml', [
      `[projects."${repo}"]`,
      'trust_level = "trusted"',
      '',
      `[hooks.state."${file}:user_prompt_submit:0:0"]`,
      'trusted_hash = "sha256:0f"',
      '',
      `[hooks.state."${file}:stop:0:0"]`,
      'trusted_hash = "sha256:1e"',
      '',
    ].join('\n'));
    const after = hooksStatus({ workspace: repo, env }).find((s) => s.agent === 'codex')!;
    assert.deepStrictEqual(after.configs[0].blockers, []);
    assert.strictEqual(after.active, true);
  });

  it('status tells whether Gemini CLI will run the hooks: an untrusted folder, then trusted through its trustedFolders.json', () => {
    const repo = makeRepo();
    const home = tempDir('boocode-home-');
    const env = { HOME: home, PATH: process.env.PATH ?? '' };
    installHooks('gemini', { workspace: repo, env });
    const gemini = () => hooksStatus({ workspace: repo, env }).find((s) => s.agent === 'gemini')!;
    assert.match(gemini().configs[0].blockers.join('\n'), /runs hooks only in folders you trust/);
    write(home, '.gemini/trustedFolders.json', JSON.stringify({ [path.join(repo, 'sub')]: 'TRUST_PARENT' }));
    assert.deepStrictEqual(gemini().configs[0].blockers, [], 'TRUST_PARENT of a child trusts the folder');
    write(home, '.gemini/trustedFolders.json', JSON.stringify({ [repo]: 'DO_NOT_TRUST', [path.dirname(repo)]: 'TRUST_FOLDER' }));
    assert.match(gemini().configs[0].blockers.join('\n'), /told not to trust this folder/, 'the nearest rule wins');
  });

  it('status tells whether Copilot CLI will run repository hooks: trusted folders in its config.json', () => {
    const repo = makeRepo();
    const home = tempDir('boocode-home-');
    const env = { HOME: home, PATH: process.env.PATH ?? '' };
    installHooks('copilot', { workspace: repo, env });
    const copilot = () => hooksStatus({ workspace: repo, env }).find((s) => s.agent === 'copilot')!;
    assert.match(copilot().configs[0].blockers.join('\n'), /only in folders you trusted/);
    write(home, '.copilot/config.json', JSON.stringify({ trustedFolders: [path.dirname(repo)] }));
    assert.deepStrictEqual(copilot().configs[0].blockers, [], 'a trusted parent folder counts');
  });

  it("a turn's end goes through /bin/sh turn-end.sh: the agent gets its answer at once, and the end is recorded even when the agent kills the hook's process group", async () => {
    const repo = makeRepo();
    const env = { HOME: tempDir('boocode-home-'), PATH: process.env.PATH ?? '' };
    installHooks('codex', { workspace: repo, env, cliCommand: [process.execPath, CLI] });
    const hooks = JSON.parse(read(repo, '.codex/hooks.json')).hooks;
    const begin = hooks.UserPromptSubmit[0].hooks[0].command as string;
    const end = hooks.Stop[0].hooks[0].command as string;
    assert.match(end, /^\/bin\/sh \S+\/dist\/turn-end\.sh --answer '\{\}' \S+ \S+\/dist\/cli\.js hook codex -C /);
    assert.strictEqual(hooksStatus({ workspace: repo, env }).find((s) => s.agent === 'codex')!.configs[0].command, begin, 'status shows what a turn begins with');
    const hookEnv = { ...process.env, HOME: env.HOME, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' };
    const base = { session_id: 'turn-end-1', turn_id: 't1', cwd: repo, model: 'm' };
    const prompt = 'say "$(touch pwned)" and `touch pwned2`; exit 3';
    const began = spawnSync('sh', ['-c', begin], { cwd: repo, input: JSON.stringify({ ...base, hook_event_name: 'UserPromptSubmit', prompt }), encoding: 'utf8', env: hookEnv });
    assert.strictEqual(began.status, 0, began.stderr);
    write(repo, 'src/app.js', 'changed by the turn\n');
    // The agent's shell in a process group of its own, killed whole the moment the hook returns.
    const reply = "done: $(touch pwned3) `touch pwned4` 'quoted' \\ \n second line";
    const child = spawn('sh', ['-c', end], { cwd: repo, env: hookEnv, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(JSON.stringify({ ...base, hook_event_name: 'Stop', last_assistant_message: reply }));
    const code = await new Promise((resolve) => child.on('close', resolve));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // nothing left in the group
    }
    assert.strictEqual(code, 0, stderr);
    assert.strictEqual(stdout, '{}\n', "Codex's Stop gets its JSON answer");
    assert.strictEqual(stderr, '');
    let found = await recorded(repo, 'turn-end-1');
    for (const deadline = Date.now() + 15_000; found.messages.length < 2 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      found = await recorded(repo, 'turn-end-1');
    }
    assert.deepStrictEqual(found.messages, [
      ['user', prompt],
      ['assistant', reply],
    ]);
    const turnEnd = found.list[0].turnEnd;
    assert.ok(turnEnd && !turnEnd.interrupted, 'the turn was closed by its own end');
    assert.strictEqual(git(repo, 'show', `refs/boocode/checkpoints/${turnEnd.id}:src/app.js`), 'changed by the turn');
    for (const name of ['pwned', 'pwned2', 'pwned3', 'pwned4']) assert.ok(!fs.existsSync(path.join(repo, name)), `${name}: no payload text reached a shell`);
    uninstallHooks('codex', { workspace: repo, env });
    assert.ok(!fs.existsSync(path.join(repo, '.codex/hooks.json')), 'uninstall knows both commands as ours');
  });

  it('a reply written to the transcript after the Stop hook returned is recorded, without holding the agent', async () => {
    const repo = makeRepo();
    const home = tempDir('boocode-home-');
    const transcript = path.join(home, 'events.jsonl');
    const fill = (name: string) => fs.readFileSync(path.join(FIXTURES, 'copilot', name), 'utf8').replace(/__WORKSPACE__/g, repo).replace(/__TRANSCRIPT__/g, transcript);
    assert.strictEqual(cli(['hook', 'copilot'], { input: fill('vscode-user-prompt-submit.json'), env: { HOME: home } }).code, 0);
    const started = Date.now();
    const stop = cli(['hook', 'copilot'], { input: fill('vscode-stop.json'), env: { HOME: home, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' } });
    const held = Date.now() - started;
    assert.strictEqual(stop.code, 0);
    assert.strictEqual(stop.stderr, '');
    assert.ok(held < 5000, `the Stop hook returned after ${held} ms`);
    // The agent writes its transcript only now.
    fs.writeFileSync(transcript, fill('vscode-transcript.jsonl'));
    let messages: unknown[][] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      messages = (await recorded(repo, 'vscode-chat-session-5f2b')).messages;
      if (messages.length === 2) break;
    }
    assert.deepStrictEqual(messages, [
      ['user', 'Add a test for the parser'],
      ['assistant', 'I added test/parser.test.js with three cases.'],
    ]);
  });
});
