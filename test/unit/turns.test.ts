import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { writeSettings } from '../../src/core/settings';
import { cleanupTemps, cli, cliJson, exists, git, makeRepo, read, write } from './helpers';

const quiet = { onNotice: () => undefined };

/** Three turns of one session, each changing a file after its checkpoint. */
async function threeTurns(root: string) {
  const store = await openCheckpoints(root, quiet);
  const turns = [];
  for (let i = 1; i <= 3; i++) {
    const turn = await store.beginTurn({ sessionId: 'sess-a', prompt: `prompt ${i}`, agent: 'claude-code' });
    write(root, 'src/app.js', `turn ${i}\n`);
    write(root, `turn${i}.txt`, `${i}\n`);
    await store.endTurn({ sessionId: 'sess-a', reply: `reply ${i}` });
    turns.push(turn);
  }
  return { store, turns };
}

describe('turns, restore and undo', () => {
  afterEach(cleanupTemps);

  it('records a turn: the prompt, then a checkpoint anchored to it', async () => {
    const root = makeRepo();
    const result = cliJson(['turn', 'begin', '--session', 'sess-1', '--prompt', 'Fix the bug', '--agent', 'codex', '-C', root]);
    assert.match(result.checkpoint.id, /^[0-9a-z]{9}-[0-9a-z]{6}$/);
    assert.equal(result.checkpoint.anchorMessageId, result.messageId);
    cliJson(['turn', 'end', '--session', 'sess-1', '--reply', 'Fixed it', '-C', root]);
    const transcript = cliJson(['transcript', '--session', 'sess-1', '-C', root]);
    assert.deepEqual(transcript.map((m: { role: string; text: string }) => [m.role, m.text]), [['user', 'Fix the bug'], ['assistant', 'Fixed it']]);
    assert.equal(transcript[0].id, result.messageId);
    const sessions = cliJson(['sessions', '-C', root]);
    assert.deepEqual([sessions[0].id, sessions[0].agent, sessions[0].title, sessions[0].messageCount], ['sess-1', 'codex', 'Fix the bug', 2]);
    const listed = cliJson(['list', '--session', 'sess-1', '-C', root]);
    assert.deepEqual([listed.length, listed[0].prompt, listed[0].agent], [1, 'Fix the bug', 'codex']);
    assert.equal(cliJson(['list', '--session', 'other', '-C', root]).length, 0);
    const db = path.join(root, '.git/boocode/transcript.sqlite');
    assert.equal(fs.statSync(db).mode & 0o777, 0o600);
  });

  it('still records the turn (exit 0, warning, checkpoint null) when the checkpoint fails', () => {
    const root = makeRepo();
    // A file where our refs must go: git cannot create the checkpoint's ref (a damaged private
    // index no longer does it: that heals itself).
    fs.writeFileSync(path.join(root, '.git/refs/boocode'), 'in the way');
    const result = cli(['turn', 'begin', '--session', 'sess-1', '--prompt', 'go', '-C', root, '--json']);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /warning: No checkpoint was taken for this turn/);
    const json = JSON.parse(result.stdout);
    assert.equal(json.checkpoint, null);
    assert.equal(cliJson(['transcript', '--session', 'sess-1', '-C', root])[0].text, 'go');
  });

  it('still checkpoints the files when the transcript cannot be written', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, { ...quiet, lockTimeoutMs: 300 });
    fs.mkdirSync(store.stateDir, { recursive: true });
    // Another live process holds the transcript's lock for longer than we wait.
    fs.writeFileSync(path.join(store.stateDir, 'transcript.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    const turn = await store.beginTurn({ sessionId: 'sess-locked', prompt: 'go' });
    assert.ok(turn.checkpoint, 'the checkpoint is taken regardless');
    assert.match(turn.warning ?? '', /The prompt was not recorded in the transcript: The transcript is busy/);
    fs.rmSync(path.join(store.stateDir, 'transcript.lock'));
    assert.deepEqual((await store.list({ sessionId: 'sess-locked' })).map((c) => c.id), [turn.checkpoint!.id]);
    store.close();
  });

  it('restore trims the transcript from the anchor, drops later checkpoints, keeps the restored one, and can restore it again', async () => {
    const root = makeRepo();
    const { store, turns } = await threeTurns(root);
    const outcome = await store.restore(turns[1].checkpoint!.id, { sessionId: 'sess-a' });
    assert.equal(outcome.messagesDeleted, 4, 'prompt 2, reply 2, prompt 3, reply 3');
    assert.equal(outcome.checkpointsDropped, 1);
    assert.equal(outcome.agentContextStale, true);
    assert.match(outcome.agentAdvice ?? '', /claude-code .*start a new conversation/);
    assert.equal(read(root, 'src/app.js'), 'turn 1\n');
    assert.equal(exists(root, 'turn2.txt'), false);
    assert.deepEqual((await store.transcript('sess-a')).map((m) => m.text), ['prompt 1', 'reply 1']);
    assert.deepEqual((await store.list({ sessionId: 'sess-a' })).map((c) => c.id), [turns[1].checkpoint!.id, turns[0].checkpoint!.id]);
    assert.ok((await store.sessions())[0].staleAt);
    assert.equal((await store.get(turns[1].checkpoint!.id)).prompt, 'prompt 2', 'the prompt outlives its trimmed message');

    write(root, 'src/app.js', 'edited again\n');
    const again = await store.restore(turns[1].checkpoint!.id, { sessionId: 'sess-a' });
    assert.equal(again.messagesDeleted, 0);
    assert.equal(read(root, 'src/app.js'), 'turn 1\n');
    store.close();
  });

  it("knows a session's last prompt as the transcript does, through a restore, its undo and a fold", async () => {
    const root = makeRepo();
    const { store, turns } = await threeTurns(root);
    const fromTranscript = async () => [...(await store.transcript('sess-a'))].reverse().find((m) => m.role === 'user')?.text ?? null;
    assert.equal(await store.lastPrompt('sess-a'), 'prompt 3');
    const second = (await store.transcript('sess-a')).find((m) => m.text === 'prompt 2')!;
    assert.equal(await store.lastPrompt('sess-a', second.createdAt), 'prompt 2', 'up to a time');
    assert.equal(await store.lastPrompt('sess-a', second.createdAt - 1), (await store.transcript('sess-a')).find((m) => m.createdAt < second.createdAt && m.role === 'user')?.text);
    await store.restore(turns[1].checkpoint!.id, { sessionId: 'sess-a' });
    assert.equal(await store.lastPrompt('sess-a'), 'prompt 1', 'trimmed prompts are not the last one');
    assert.equal(await store.lastPrompt('sess-a'), await fromTranscript());
    await store.undo();
    assert.equal(await store.lastPrompt('sess-a'), 'prompt 3', 'an undo brings them back');
    await store.beginTurn({ sessionId: 'sess-a', prompt: 'prompt 4', agent: 'claude-code' });
    assert.equal(await store.lastPrompt('sess-a'), 'prompt 4');
    assert.equal(await store.lastPrompt('sess-none'), null);
    store.close();
    // Another process, after the journal was folded into the database: the same answers.
    const reopened = await openCheckpoints(root, quiet);
    assert.equal(await reopened.lastPrompt('sess-a'), 'prompt 4');
    assert.equal(await reopened.lastPrompt('sess-a'), await (async () => [...(await reopened.transcript('sess-a'))].reverse().find((m) => m.role === 'user')?.text)());
    reopened.close();
  });

  it('undo brings back files, trimmed messages and dropped checkpoints', async () => {
    const root = makeRepo();
    const { store, turns } = await threeTurns(root);
    const before = { app: read(root, 'src/app.js'), list: (await store.list()).map((c) => c.id) };
    await store.restore(turns[0].checkpoint!.id, { sessionId: 'sess-a' });
    assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
    const undone = await store.undo();
    assert.equal(undone.messagesRestored, 6);
    assert.equal(undone.checkpointsRestored, 2);
    assert.equal(read(root, 'src/app.js'), before.app);
    assert.equal(read(root, 'turn3.txt'), '3\n');
    assert.deepEqual((await store.transcript('sess-a')).map((m) => m.text), ['prompt 1', 'reply 1', 'prompt 2', 'reply 2', 'prompt 3', 'reply 3']);
    const listed = (await store.list()).map((c) => c.id);
    for (const id of before.list) assert.ok(listed.includes(id), `${id} is listed again`);
    assert.equal((await store.sessions())[0].staleAt, null);
    await assert.rejects(store.undo(), /no restore to undo/);
    store.close();
  });

  it('undo through the CLI after a restore through the CLI', () => {
    const root = makeRepo();
    const turn = cliJson(['turn', 'begin', '--session', 's', '--prompt', 'one', '-C', root]);
    write(root, 'x.txt', 'agent\n');
    cliJson(['turn', 'end', '--session', 's', '--reply', 'done', '-C', root]);
    const restored = cliJson(['restore', turn.checkpoint.id, '--session', 's', '--yes', '-C', root]);
    assert.deepEqual([restored.filesChanged, restored.messagesDeleted], [1, 2]);
    assert.equal(exists(root, 'x.txt'), false);
    const undone = cliJson(['undo', '-C', root]);
    assert.equal(undone.messagesRestored, 2);
    assert.equal(read(root, 'x.txt'), 'agent\n');
    assert.equal(cliJson(['transcript', '--session', 's', '-C', root]).length, 2);
  });

  it('files-only and transcript-only restores do only their half', async () => {
    const root = makeRepo();
    const { store, turns } = await threeTurns(root);
    const filesOnly = await store.restore(turns[2].checkpoint!.id, { sessionId: 'sess-a', mode: 'files' });
    assert.equal(filesOnly.messagesDeleted, 0);
    assert.equal(read(root, 'src/app.js'), 'turn 2\n');
    assert.equal((await store.transcript('sess-a')).length, 6);
    write(root, 'src/app.js', 'mine\n');
    const transcriptOnly = await store.restore(turns[2].checkpoint!.id, { sessionId: 'sess-a', mode: 'transcript' });
    assert.equal(transcriptOnly.safetyCheckpoint, null);
    assert.equal(transcriptOnly.messagesDeleted, 2);
    assert.equal(read(root, 'src/app.js'), 'mine\n');
    store.close();
  });

  it('fails closed on scope: another session or no session is refused and nothing changes', async () => {
    const root = makeRepo();
    const { store, turns } = await threeTurns(root);
    const manual = await store.createCheckpoint({ label: 'manual' });
    const other = await store.beginTurn({ sessionId: 'sess-b', prompt: 'other session' });
    write(root, 'src/app.js', 'current\n');
    const refsBefore = (await store.list()).map((c) => c.id);
    await assert.rejects(store.restore(other.checkpoint!.id, { sessionId: 'sess-a' }), /belongs to session sess-b, not sess-a; nothing was changed/);
    await assert.rejects(store.restore(manual.id, { sessionId: 'sess-a' }), /belongs to no session/);
    await assert.rejects(store.planRestore(manual.id, { sessionId: 'sess-a' }), /belongs to no session/);
    assert.equal(read(root, 'src/app.js'), 'current\n');
    assert.deepEqual((await store.list()).map((c) => c.id), refsBefore);
    assert.equal((await store.transcript('sess-a')).length, 6);
    const viaCli = cli(['restore', turns[0].checkpoint!.id, '--session', 'sess-b', '--yes', '-C', root]);
    assert.equal(viaCli.code, 1);
    assert.match(viaCli.stderr, /belongs to session sess-a/);
    store.close();
  });

  it('keeps the latest N checkpoints per session', async () => {
    const root = makeRepo();
    const first = await openCheckpoints(root, quiet);
    writeSettings(first.stateDir, { maxFileBytes: 50 * 1024 * 1024, keepPerSession: 3, exclude: [] });
    first.close();
    const store = await openCheckpoints(root, quiet);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      write(root, 'f.txt', `${i}\n`);
      ids.push((await store.beginTurn({ sessionId: 'sess-r', prompt: `p${i}` })).checkpoint!.id);
    }
    await store.beginTurn({ sessionId: 'sess-other', prompt: 'unrelated' });
    assert.deepEqual((await store.list({ sessionId: 'sess-r' })).map((c) => c.id), ids.slice(2).reverse());
    assert.equal((await store.list({ sessionId: 'sess-other' })).length, 1);
    // Packed refs count too (the retention check reads the ref files, not git).
    git(root, 'pack-refs', '--all');
    write(root, 'f.txt', 'packed\n');
    const latest = (await store.beginTurn({ sessionId: 'sess-r', prompt: 'after packing' })).checkpoint!.id;
    assert.deepEqual((await store.list({ sessionId: 'sess-r' })).map((c) => c.id), [latest, ...ids.slice(3).reverse()]);
    store.close();
  });
});
