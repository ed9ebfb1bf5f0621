// Resume the agent at a turn: what hooks keep for it, the plan built per agent (its own conversation
// forked before the turn, the whole session, or a seeded new one when it cannot), and the agent's own
// session file travelling with an export. Real repositories, a temporary HOME per test; the agent
// session files are the ones Claude Code 2.1.332 and Gemini CLI 0.61.0 wrote in the agents tier
// (test/fixtures/agents/*/<version>-session.jsonl / -chat.jsonl; long attachment texts cut).
import * as assert from 'node:assert/strict';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { openCheckpoints } from '../../src/core/service';
import { claudeProjectSlug } from '../../src/core/resume/claudeCode';
import { AGENT_CLIS } from '../../src/core/resume/commands';
import { commandLine, prepareResume } from '../../src/core/resume/plan';
import { renderOpencodePlugin } from '../../src/hooks/agents/opencode';
import { migrate } from '../../src/core/store/schema';
import { cleanupTemps, cli, cliJson, git, makeRepo, tempDir, write } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const initSqlJs = require('sql.js') as (config?: object) => Promise<import('sql.js').SqlJsStatic>;

const fixtures = path.resolve(__dirname, '../../../test/fixtures/agents');
const PROMPTS = ['BOOCODE-TURN-ONE: write notes.txt and bump src/app.txt', 'BOOCODE-TURN-TWO: add the guide and another note'];
const REPLIES = ['Turn one done: notes.txt written, src/app.txt bumped.', 'Turn two done: docs/guide.md added, notes.txt extended.'];
/** The prompt_id Claude Code gave each prompt in the recorded session (its JSONL entries' promptId). */
const PROMPT_IDS = ['b65c1862-283b-4c94-88e9-a3338df7a370', '97f11294-f071-46fd-9269-6f168ca9ee8b'];

interface World {
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

function world(root = makeRepo()): World {
  const home = tempDir('boocode-home-');
  return { root, home, env: { HOME: home, CLAUDE_CONFIG_DIR: '', CODEX_HOME: '', COPILOT_HOME: '' } };
}

function hook(w: World, agent: string, payload: Record<string, unknown>): void {
  const result = cli(['hook', agent, '-C', w.root], { input: JSON.stringify(payload), env: w.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', 'the hook had nothing to complain about');
}

/** Claude Code's session file of the recorded run, as if Claude Code had run in `w.root`. */
function claudeSessionFile(w: World, sessionId: string): string {
  const file = path.join(w.home, '.claude', 'projects', claudeProjectSlug(w.root), `${sessionId}.jsonl`);
  const text = fs.readFileSync(path.join(fixtures, 'claude-code', '2.1.332-session.jsonl'), 'utf8');
  write(path.dirname(file), path.basename(file), text.replaceAll('__CWD__', w.root).replaceAll('__ROOT__', path.dirname(w.root)).replaceAll('__SESSION__', sessionId));
  return file;
}

/** Two Claude Code turns through our hook, as Claude Code 2.1.332 sends them; the turns' checkpoints, oldest first. */
function claudeTurns(w: World): { sessionId: string; file: string; checkpoints: string[] } {
  const sessionId = randomUUID();
  const file = claudeSessionFile(w, sessionId);
  for (const [i, prompt] of PROMPTS.entries()) {
    const common = { session_id: sessionId, transcript_path: file, cwd: w.root, prompt_id: PROMPT_IDS[i], permission_mode: 'default' };
    hook(w, 'claude-code', { ...common, hook_event_name: 'UserPromptSubmit', prompt });
    write(w.root, `turn-${i + 1}.txt`, `turn ${i + 1}\n`);
    hook(w, 'claude-code', { ...common, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: REPLIES[i] });
  }
  const checkpoints = cliJson(['list', '-C', w.root], { env: w.env })
    .filter((c: { kind: string }) => c.kind === 'turn')
    .map((c: { id: string }) => c.id)
    .reverse();
  return { sessionId, file, checkpoints };
}

const entries = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

const promptsIn = (file: string) => entries(file).filter((e) => e.type === 'user' && typeof e.message?.content === 'string').map((e) => e.message.content as string);

describe('resume the agent at a turn', () => {
  afterEach(cleanupTemps);

  it("Claude Code: the hook keeps its session, transcript, folder and each prompt's promptId; a resume forks its own session before the turn", async () => {
    const w = world();
    const { sessionId, file, checkpoints } = claudeTurns(w);
    const store = await openCheckpoints(w.root);
    const target = await store.resumeTarget(checkpoints[1]);
    store.close();
    assert.equal(target.agent, 'claude-code');
    assert.equal(target.agentSessionId, sessionId);
    assert.equal(target.agentTranscript, file);
    assert.equal(target.agentCwd, w.root);
    assert.equal(target.cut?.text, PROMPTS[1]);
    assert.equal(target.cut?.agentRef, PROMPT_IDS[1], 'the anchor in its own history, kept at hook time without reading the JSONL');
    assert.deepEqual(target.kept.map((m) => m.text), [PROMPTS[0], REPLIES[0]]);

    const plan = cliJson(['resume', checkpoints[1], '-C', w.root], { env: w.env });
    assert.equal(plan.mode, 'resume-at-turn');
    assert.notEqual(plan.agentSessionId, sessionId, 'a new session: the original is kept');
    assert.deepEqual(plan.argv, ['claude', '--resume', plan.agentSessionId]);
    assert.equal(plan.cwd, w.root);
    assert.equal(plan.preparedFile, path.join(path.dirname(file), `${plan.agentSessionId}.jsonl`), 'beside the original, where claude --resume looks');
    assert.equal(plan.command, `cd ${w.root} && claude --resume ${plan.agentSessionId}`);
    assert.match(plan.note, /Claude Code resumes its own conversation before the prompt “BOOCODE-TURN-TWO.*” \(1 earlier prompt\)/);
    // The fork: turn one whole, nothing of turn two (not even its queued prompt), under the new id.
    const fork = entries(plan.preparedFile);
    assert.deepEqual(promptsIn(plan.preparedFile), [PROMPTS[0]]);
    assert.ok(!fs.readFileSync(plan.preparedFile, 'utf8').includes('BOOCODE-TURN-TWO'));
    assert.ok(fork.some((e) => e.type === 'assistant' && JSON.stringify(e.message.content).includes(REPLIES[0])));
    assert.ok(fork.every((e) => e.sessionId === undefined || e.sessionId === plan.agentSessionId));
    assert.equal(fs.statSync(plan.preparedFile).mode & 0o777, 0o600);
    assert.deepEqual(promptsIn(file), PROMPTS, 'the original session is untouched');

    // The session as it stands: Claude Code's own session, whole.
    const whole = cliJson(['resume', sessionId, '-C', w.root], { env: w.env });
    assert.equal(whole.mode, 'resume');
    assert.deepEqual(whole.argv, ['claude', '--resume', sessionId]);
    // Before the first turn there is nothing to continue.
    const first = cliJson(['resume', checkpoints[0], '-C', w.root], { env: w.env });
    assert.equal(first.mode, 'fresh');
    assert.deepEqual(first.argv, ['claude']);
  });

  it('after a restore, the session resumes where the restore left the transcript; an older Claude Code without prompt_id is found by the prompt text', () => {
    const w = world();
    const sessionId = randomUUID();
    const file = claudeSessionFile(w, sessionId);
    // Two turns as Claude Code before 2.1.196 reported them: no prompt_id.
    for (const [i, prompt] of PROMPTS.entries()) {
      hook(w, 'claude-code', { session_id: sessionId, transcript_path: file, cwd: w.root, permission_mode: 'default', hook_event_name: 'UserPromptSubmit', prompt });
      write(w.root, `turn-${i + 1}.txt`, `turn ${i + 1}\n`);
      hook(w, 'claude-code', { session_id: sessionId, transcript_path: file, cwd: w.root, permission_mode: 'default', hook_event_name: 'Stop', last_assistant_message: REPLIES[i] });
    }
    const [, second] = cliJson(['list', '-C', w.root], { env: w.env })
      .filter((c: { kind: string }) => c.kind === 'turn')
      .map((c: { id: string }) => c.id)
      .reverse();
    const restored = cliJson(['restore', second, '-C', w.root, '--yes'], { env: w.env });
    assert.match(restored.agentAdvice, new RegExp(`boocode resume ${second}`), 'the restore says how to resume');
    const plan = cliJson(['resume', sessionId, '-C', w.root], { env: w.env });
    assert.equal(plan.mode, 'resume-at-turn');
    assert.equal(plan.checkpointId, second);
    assert.deepEqual(promptsIn(plan.preparedFile), [PROMPTS[0]]);
    assert.equal(plan.keptTurns, 1);
    // Undone, the session stands whole again.
    cliJson(['undo', '-C', w.root], { env: w.env });
    assert.equal(cliJson(['resume', sessionId, '-C', w.root], { env: w.env }).mode, 'resume');
  });

  it('falls back, never fails: with Claude Code’s own session gone, a new conversation is seeded with our transcript up to the turn, and says so', () => {
    const w = world();
    const { file, checkpoints } = claudeTurns(w);
    fs.rmSync(file);
    const plan = cliJson(['resume', checkpoints[1], '-C', w.root], { env: w.env });
    assert.equal(plan.mode, 'seeded');
    assert.match(plan.note, /Claude Code's own session .* is not on this machine.*So a new Claude Code conversation starts with our transcript up to this turn \(1 prompt, saved in .*\) as its first message\./);
    const seed = fs.readFileSync(plan.fallbackSeedFile, 'utf8');
    assert.ok(seed.includes(PROMPTS[0]) && seed.includes(REPLIES[0]));
    assert.ok(!seed.includes('BOOCODE-TURN-TWO'), 'only up to that turn');
    assert.equal(fs.statSync(plan.fallbackSeedFile).mode & 0o777, 0o600);
    assert.deepEqual(plan.argv, ['claude', seed], 'the transcript is the first prompt, one argument, no shell');
    assert.equal(plan.seedArg, 1);
    assert.equal(plan.command, `cd ${w.root} && claude "$(cat ${plan.fallbackSeedFile})"`);
    // The human form says it too.
    const printed = cli(['resume', checkpoints[1], '-C', w.root], { env: w.env });
    assert.equal(printed.code, 0);
    assert.match(printed.stdout, /not on this machine[\s\S]*\n {2}cd .* && claude "\$\(cat .*\)"\n$/);
  });

  it('--run runs the command itself, no shell between, in the agent folder', () => {
    const w = world();
    const { checkpoints } = claudeTurns(w);
    // A stand-in `claude` on PATH that reports its arguments and folder.
    const bin = tempDir('boocode-bin-');
    write(bin, 'claude', `#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > "${path.join(bin, 'ran.txt')}"\nexit 7\n`, 0o755);
    const ran = cli(['resume', checkpoints[1], '-C', w.root, '--run'], { env: { ...w.env, PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(ran.code, 7, 'its exit code is ours');
    const [cwd, ...args] = fs.readFileSync(path.join(bin, 'ran.txt'), 'utf8').trim().split('\n');
    assert.equal(cwd, w.root);
    assert.equal(args[0], '--resume');
    assert.match(ran.stderr, /Claude Code resumes its own conversation/);
  });

  it('carries Claude Code’s own session file in an export; imported at another path and HOME, it is rebased there and resumes', () => {
    const base = tempDir('boocode-share-');
    const remote = path.join(base, 'remote.git');
    git(base, 'init', '-q', '--bare', '-b', 'main', remote);
    const alice = path.join(base, 'alice');
    git(base, 'clone', '-q', remote, alice);
    write(alice, 'README.md', '# demo\n');
    git(alice, 'add', '.');
    git(alice, 'commit', '-qm', 'initial');
    git(alice, 'push', '-q', 'origin', 'HEAD:main');
    const a = world(alice);
    const { sessionId, checkpoints } = claudeTurns(a);
    const exported = cliJson(['export', sessionId, '-C', alice, '-o', path.join(base, 'session.boocode')], { env: a.env });
    assert.equal(exported.agentFile, `${sessionId}.jsonl`);
    // It travels inside the transcript part: --encrypt covers it too.
    assert.ok(fs.readFileSync(path.join(base, 'session.boocode'), 'utf8').includes('queue-operation'));
    write(base, 'key.txt', 'a passphrase\n');
    cliJson(['export', sessionId, '-C', alice, '-o', path.join(base, 'sealed.boocode'), '--encrypt', '--key-file', path.join(base, 'key.txt')], { env: a.env });
    const sealed = fs.readFileSync(path.join(base, 'sealed.boocode'), 'utf8');
    assert.ok(!sealed.includes('queue-operation') && !sealed.includes('BOOCODE-TURN-ONE'), 'nothing of the agent session in the clear');

    const bob = path.join(base, 'elsewhere', 'bob');
    fs.mkdirSync(path.dirname(bob));
    git(path.dirname(bob), 'clone', '-q', remote, bob);
    const b = world(bob);
    const imported = cliJson(['import', path.join(base, 'session.boocode'), '-C', bob], { env: b.env });
    const placed = path.join(b.home, '.claude', 'projects', claudeProjectSlug(bob), `${sessionId}.jsonl`);
    assert.equal(imported.agentFile, placed, 'where Claude Code looks for sessions of this folder');
    const lines = entries(placed);
    assert.ok(lines.some((e) => e.cwd === bob) && lines.every((e) => e.cwd === undefined || e.cwd === bob), 'its folders are rebased');
    assert.deepEqual(promptsIn(placed), PROMPTS);

    const plan = cliJson(['resume', checkpoints[1], '-C', bob], { env: b.env });
    assert.equal(plan.mode, 'resume-at-turn');
    assert.equal(plan.cwd, bob);
    assert.equal(path.dirname(plan.preparedFile), path.dirname(placed));
    assert.deepEqual(promptsIn(plan.preparedFile), [PROMPTS[0]]);
    assert.equal(cliJson(['resume', sessionId, '-C', bob], { env: b.env }).mode, 'resume');
    // Imported again: the same file is there already, nothing is written twice.
    const again = cliJson(['import', path.join(base, 'session.boocode'), '-C', bob], { env: b.env });
    assert.equal(again.alreadyImported, true);
  });

  it('Gemini CLI: a copy of its chat file rewound before the turn, imported with --session-file', async () => {
    const w = world();
    const sessionId = randomUUID();
    const chat = path.join(w.home, '.gemini', 'tmp', 'repo', 'chats', `session-2026-12-06T19-22-${sessionId.slice(0, 8)}.jsonl`);
    const text = fs.readFileSync(path.join(fixtures, 'gemini', '0.61.0-chat.jsonl'), 'utf8');
    write(path.dirname(chat), path.basename(chat), text.replaceAll('__CWD__', w.root).replaceAll('__ROOT__', path.dirname(w.root)).replaceAll('__SESSION__', sessionId));
    for (const [i, prompt] of PROMPTS.entries()) {
      const common = { session_id: sessionId, transcript_path: chat, cwd: w.root, timestamp: new Date().toISOString() };
      hook(w, 'gemini', { ...common, hook_event_name: 'BeforeAgent', prompt });
      write(w.root, `turn-${i + 1}.txt`, `turn ${i + 1}\n`);
      hook(w, 'gemini', { ...common, hook_event_name: 'AfterAgent', prompt, prompt_response: REPLIES[i], stop_hook_active: false });
    }
    const [, second] = cliJson(['list', '-C', w.root], { env: w.env })
      .filter((c: { kind: string }) => c.kind === 'turn')
      .map((c: { id: string }) => c.id)
      .reverse();
    const plan = cliJson(['resume', second, '-C', w.root], { env: w.env });
    assert.equal(plan.mode, 'resume-at-turn');
    assert.deepEqual(plan.argv, ['gemini', '--session-file', plan.preparedFile]);
    const rewound = fs.readFileSync(plan.preparedFile, 'utf8').trim().split('\n');
    assert.equal(rewound.slice(0, -1).join('\n'), text.replaceAll('__CWD__', w.root).replaceAll('__ROOT__', path.dirname(w.root)).replaceAll('__SESSION__', sessionId).trim(), 'the chat file as it was');
    const rewind = JSON.parse(rewound.at(-1) as string);
    const turnTwo = rewound.map((line) => JSON.parse(line)).find((r) => r.type === 'user' && JSON.stringify(r.content).includes('BOOCODE-TURN-TWO'));
    assert.deepEqual(rewind, { $rewindTo: turnTwo.id }, "Gemini CLI's own rewind record, at turn two's prompt");
    assert.deepEqual(cliJson(['resume', sessionId, '-C', w.root], { env: w.env }).argv, ['gemini', '--resume', sessionId]);
  });

  it('Codex and Copilot CLI resume only whole sessions: at an earlier turn a seeded conversation, and says why; Cursor gets the seed to paste', async () => {
    const w = world();
    const turns = (agent: string, session: string) => {
      const ids: string[] = [];
      for (const [i, prompt] of PROMPTS.entries()) {
        ids.push(cliJson(['turn', 'begin', '-C', w.root, '--session', session, '--prompt', prompt, '--agent', agent], { env: w.env }).checkpoint.id);
        cliJson(['turn', 'end', '-C', w.root, '--session', session, '--reply', REPLIES[i]], { env: w.env });
      }
      return ids;
    };
    const codexSession = randomUUID();
    const [, codexTwo] = turns('codex', codexSession);
    const atTurn = cliJson(['resume', codexTwo, '-C', w.root], { env: w.env });
    assert.equal(atTurn.mode, 'seeded');
    assert.match(atTurn.note, new RegExp(`Codex resumes only whole sessions: \`codex resume ${codexSession}\` would bring back this turn and everything after it\\.`));
    assert.equal(atTurn.argv[0], 'codex');
    assert.ok(atTurn.argv[1].includes(PROMPTS[0]) && !atTurn.argv[1].includes(PROMPTS[1]));
    // Whole: only when Codex still has the session's rollout.
    assert.equal(cliJson(['resume', codexSession, '-C', w.root], { env: w.env }).mode, 'seeded');
    write(path.join(w.home, '.codex', 'sessions', '2026', '12', '06'), `rollout-2026-12-06T16-22-25-${codexSession}.jsonl`, '{}\n');
    assert.deepEqual(cliJson(['resume', codexSession, '-C', w.root], { env: w.env }).argv, ['codex', 'resume', codexSession]);

    const copilotSession = randomUUID();
    const [, copilotTwo] = turns('copilot', copilotSession);
    assert.match(cliJson(['resume', copilotTwo, '-C', w.root], { env: w.env }).note, /Copilot CLI resumes only whole sessions/);
    fs.mkdirSync(path.join(w.home, '.copilot', 'session-state', copilotSession), { recursive: true });
    assert.deepEqual(cliJson(['resume', copilotSession, '-C', w.root], { env: w.env }).argv, ['copilot', `--resume=${copilotSession}`]);

    const [, cursorTwo] = turns('cursor', 'cursor-chat-1');
    const cursor = cliJson(['resume', cursorTwo, '-C', w.root], { env: w.env });
    assert.equal(cursor.argv, null);
    assert.match(cursor.note, /Cursor has no command line to resume its conversation\. BooCode cannot start Cursor from here: paste the conversation up to this turn \(1 prompt\), saved in /);
    const refused = cli(['resume', cursorTwo, '-C', w.root, '--run'], { env: w.env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /paste the conversation/);
    // A checkpoint of no session has no conversation to resume.
    const manual = cliJson(['checkpoint', '-C', w.root], { env: w.env });
    assert.match(cli(['resume', manual.id, '-C', w.root], { env: w.env }).stderr, /belongs to no agent session/);
  });

  it('opencode: its plugin reports the prompt’s message id; when opencode cannot be asked, a seeded conversation starts', async () => {
    // The plugin, run with the arguments opencode 1.18.33 gave its chat.message hook.
    const dir = tempDir('boocode-plugin-');
    const sink = path.join(dir, 'payload.json');
    write(dir, 'sink.js', `require('fs').writeFileSync(${JSON.stringify(sink)}, require('fs').readFileSync(0))`);
    write(dir, 'boocode.mjs', renderOpencodePlugin([process.execPath, path.join(dir, 'sink.js')]));
    const plugin = await import(pathToFileURL(path.join(dir, 'boocode.mjs')).href);
    const { input, output } = JSON.parse(fs.readFileSync(path.join(fixtures, 'opencode', '1.18.33-chat-message-hook-args.json'), 'utf8'));
    const hooks = await plugin.BoocodeCheckpoints({ client: {}, directory: dir, worktree: dir });
    await hooks['chat.message'](input, output);
    const payload = JSON.parse(fs.readFileSync(sink, 'utf8'));
    assert.equal(payload.messageID, 'msg_24c2918c90010khP7qQkfUIzfe');

    const w = world();
    for (const [i, prompt] of PROMPTS.entries()) {
      hook(w, 'opencode', { event: 'chat.message', sessionID: 'ses_test1', messageID: `msg_${i}`, prompt, cwd: w.root, worktree: w.root });
      hook(w, 'opencode', { event: 'session.idle', sessionID: 'ses_test1', reply: REPLIES[i], cwd: w.root, worktree: w.root });
    }
    const store = await openCheckpoints(w.root);
    const [second] = (await store.list()).filter((c) => c.kind === 'turn');
    const target = await store.resumeTarget(second.id);
    store.close();
    assert.equal(target.cut?.agentRef, 'msg_1');
    const plan = await prepareResume(target, { env: w.env, programs: { opencode: path.join(dir, 'no-such-opencode') } });
    assert.equal(plan.mode, 'seeded');
    assert.match(plan.note, /opencode could not be asked for its session ses_test1 .*So a new opencode conversation starts with our transcript up to this turn/);
    assert.deepEqual(plan.argv?.slice(0, 2), [path.join(dir, 'no-such-opencode'), '--prompt']);
    assert.match(commandLine(plan) ?? '', /--prompt "\$\(cat /);
  });

  it('a transcript written before resume existed (schema 4) migrates: its sessions resume, the agent session id being ours', async () => {
    const w = world();
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    migrate(db, 4);
    db.run("INSERT INTO sessions (id, agent, workspace, created_at, updated_at) VALUES ('old-session', 'codex', ?, 1, 2)", [w.root]);
    db.run("INSERT INTO messages (id, session_id, role, text, created_at) VALUES ('m1', 'old-session', 'user', 'an old prompt', 1), ('m2', 'old-session', 'assistant', 'an old reply', 2)");
    const dir = path.join(w.root, '.git', 'boocode');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'transcript.sqlite'), db.export());
    db.close();
    const store = await openCheckpoints(w.root);
    const target = await store.resumeTarget('old-session');
    store.close();
    assert.equal(target.agentSessionId, 'old-session');
    assert.equal(target.agentTranscript, null);
    assert.deepEqual(target.kept.map((m) => m.text), ['an old prompt', 'an old reply']);
    const plan = await prepareResume(target, { env: w.env });
    assert.equal(plan.mode, 'seeded', 'no Codex rollout here');
    assert.equal(plan.argv?.[0], 'codex');
  });

  it('an agent flag we build is one the agent has: every command form per agent', () => {
    // The forms themselves (test/agents/resumeCommands.test.ts checks them against each installed CLI's --help).
    assert.deepEqual(AGENT_CLIS['claude-code'].resume('s'), ['--resume', 's']);
    assert.deepEqual(AGENT_CLIS.codex.resume('s'), ['resume', 's']);
    assert.deepEqual(AGENT_CLIS.gemini.firstPrompt('p'), ['--prompt-interactive', 'p']);
    assert.deepEqual(AGENT_CLIS.opencode.resume('s'), ['--session', 's']);
    assert.deepEqual(AGENT_CLIS.copilot.firstPrompt('p'), ['--interactive', 'p']);
  });
});
