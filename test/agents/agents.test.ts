// The agents tier: each real agent CLI (pinned in versions.json, installed by
// scripts/setup-agents.js) runs two turns against the mock model server with our hooks installed
// by `boocode hooks install`, and our own CLI must then show what a user expects.
import * as assert from 'assert';
import { AgentDriver } from './types';
import { boocode, checkpointVersusManifest, disposeScenario, ignoredOf, pinOf, runScenario, ScenarioResult, SCRIPT } from './sandbox';
import { manifest, manifestDiff } from '../unit/manifest';
import { DRIVERS } from './drivers';

/** Our hook speaks only through the agent's own channels: nothing of ours may reach the agent's output. */
const OUR_VOICE = /boocode hook|nothing recorded|BooCode/;

function describeAgent(driver: AgentDriver): void {
  const pin = pinOf(driver);
  describe(`${driver.agent} ${pin.version} (real CLI against the mock model)`, function () {
    let result: ScenarioResult;
    before(async function () {
      result = await runScenario(driver);
    });
    after(async function () {
      if (result) await disposeScenario(result);
    });

    it('installs with `boocode hooks install` as a user would', function () {
      assert.strictEqual(result.install.status, 0, result.install.stderr);
    });

    it('runs both turns to the end, exit 0, with nothing from us on its output', function () {
      for (const [i, turn] of result.turns.entries()) {
        assert.strictEqual(turn.status, 0, `turn ${i + 1} exited ${turn.status ?? turn.signal}\n${turn.stderr.slice(-3000)}`);
        assert.ok(!OUR_VOICE.test(turn.stdout + turn.stderr), `turn ${i + 1} printed something of ours:\n${turn.stdout}\n${turn.stderr}`);
        assert.notStrictEqual(turn.toFirstRequestMs, null, `turn ${i + 1} never reached the model`);
      }
      assert.deepStrictEqual(result.server.unmatched, [], 'requests the mock server could not answer');
      const times = result.turns.map((t) => `${t.toFirstRequestMs} ms`).join(', ');
      console.log(`      ${driver.agent}: launch → first model request ${times} (with our hooks; npm run bench:agents compares without)`);
    });

    it('checkpoints before each turn, under the agent’s session id, with the files as they were', function () {
      assert.strictEqual(result.checkpoints.length, SCRIPT.length, JSON.stringify(result.checkpoints, null, 1));
      for (const [i, checkpoint] of result.checkpoints.entries()) {
        assert.strictEqual(checkpoint.sessionId, result.sessionId);
        assert.strictEqual(checkpoint.agent, driver.agent);
        const problems = checkpointVersusManifest(result.sandbox, checkpoint.commit, result.before[i]);
        assert.deepStrictEqual(problems, [], `checkpoint before turn ${i + 1}`);
      }
      // Each turn's own tools really ran: the second checkpoint holds turn one's files.
      const after = checkpointVersusManifest(result.sandbox, result.checkpoints[0].commit, result.before[1]);
      assert.ok(after.some((line) => line.includes('notes.txt')) && after.some((line) => line.includes('src/app.txt')), after.join('\n'));
    });

    it('records each prompt and the final reply', function () {
      const texts = result.transcript.map((m) => `${m.role}: ${m.text}`);
      for (const turn of SCRIPT) {
        assert.ok(result.transcript.some((m) => m.role === 'user' && m.text.includes(turn.prompt)), `prompt missing:\n${texts.join('\n')}`);
        assert.ok(result.transcript.some((m) => m.role === 'assistant' && m.text.includes(turn.reply)), `reply missing:\n${texts.join('\n')}`);
      }
    });

    it('restores to before the first turn: files back, transcript trimmed', function () {
      const first = result.checkpoints[0];
      const restore = boocode(result.sandbox, ['restore', first.id, '--yes']);
      assert.strictEqual(restore.status, 0, restore.stderr);
      // Ignored files are never captured and a restore leaves them alone: opencode's own
      // .opencode/node_modules, and our personal hook files (info/exclude).
      const now = manifest(result.sandbox.repo, { skip: (f) => f === '.git' });
      const ignored = ignoredOf(result.sandbox, [...new Set([...now.keys(), ...result.before[0].keys()])]);
      const unignored = (m: typeof now) => new Map([...m].filter(([file]) => !ignored.has(file) && ![...ignored].some((dir) => file.startsWith(`${dir}/`))));
      assert.deepStrictEqual(manifestDiff(unignored(result.before[0]), unignored(now)), []);
      const left = boocode(result.sandbox, ['transcript', '--session', result.sessionId, '--json']);
      assert.deepStrictEqual(JSON.parse(left.stdout), []);
    });

  });
}

describe('real agents', function () {
  this.timeout(15 * 60 * 1000);
  for (const driver of DRIVERS) describeAgent(driver);
});
