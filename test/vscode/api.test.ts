// The public API for extensions that host agents: beginTurn → checkpoint, endTurn(reply), list,
// restore, onDidChangeCheckpoints, and the activation time.
import * as assert from 'assert';
import { Api, extensionApi, read, usePrompter, waitFor, write } from './support';

describe('Public API', function () {
  this.timeout(60000);
  let api: Api;
  before(async () => {
    api = await extensionApi();
  });
  const prompter = usePrompter(() => api);

  it('reports version and activation time', () => {
    assert.strictEqual(api.version, 1);
    assert.ok(api.activationMs > 0 && api.activationMs < 1000, `activation took ${api.activationMs} ms`);
    console.log(`      activation: ${api.activationMs.toFixed(1)} ms`);
  });

  it('records a turn with a checkpoint, then its reply, and tells listeners', async () => {
    let events = 0;
    const listener = api.onDidChangeCheckpoints(() => events++);
    try {
      const begun = await api.beginTurn(undefined, 'Rename the greeting', 'my-agent');
      assert.ok(begun.checkpoint, `no checkpoint: ${begun.warning}`);
      assert.ok(begun.sessionId, 'a new session was started');
      write('src/app.js', "console.log('renamed');\n");
      const ended = await api.endTurn('Renamed it.');
      assert.strictEqual(ended.sessionId, begun.sessionId, 'endTurn closes the turn begun last');
      assert.ok(ended.messageId);

      const listed = await api.list({ sessionId: begun.sessionId });
      assert.deepStrictEqual(listed.map((c) => c.id), [begun.checkpoint.id]);
      assert.strictEqual(listed[0].prompt, 'Rename the greeting');
      assert.strictEqual(listed[0].agent, 'my-agent');
      await waitFor('a change event', () => events > 0);
    } finally {
      listener.dispose();
    }
  });

  it('restores without a dialog by default and with one when asked', async () => {
    const begun = await api.beginTurn(undefined, 'Break the app', 'my-agent');
    const before = read('src/app.js');
    write('src/app.js', 'broken\n');
    await api.endTurn('Broke it.');

    const events: { sessionId: string | null; agent: string | null; stale: boolean }[] = [];
    const listener = api.onDidRestore((event) => events.push({ sessionId: event.sessionId, agent: event.agent, stale: event.outcome.agentContextStale }));
    const outcome = await api.restore(begun.checkpoint!.id);
    listener.dispose();
    assert.ok(outcome, 'restored');
    assert.deepStrictEqual(events, [{ sessionId: begun.sessionId, agent: 'my-agent', stale: true }], 'the host is told to reset its agent');
    assert.strictEqual(read('src/app.js'), before);
    assert.strictEqual(outcome.mode, 'all');
    assert.strictEqual(prompter().asked.length, 0, 'no confirmation unless asked for');
    assert.match(prompter().notes[0].message, /Restored “Before: Break the app”: 1 file changed/);
    assert.deepStrictEqual(prompter().notes[0].actions, ['Undo']);

    prompter().answer(undefined); // Cancel
    const cancelled = await api.restore(begun.checkpoint!.id, { confirm: true });
    assert.strictEqual(cancelled, undefined);
    assert.strictEqual(prompter().asked.length, 1);
  });

  it('rejects unknown checkpoints with a clear message', async () => {
    await assert.rejects(api.restore('0000000000-nothere'), /No checkpoint 0000000000-nothere/);
  });
});
