// The agents tier: each real agent CLI (pinned in versions.json, installed by
// scripts/setup-agents.js) runs two turns against the mock model server with our hooks installed
// by `boocode hooks install`, and our own CLI must then show what a user expects.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CARRIED_AGENTS } from '../../src/core/resume/agentFile';
import { AGENT_CLIS, ResumableAgent } from '../../src/core/resume/commands';
import { AgentDriver, ResumePlanJson } from './types';
import { boocode, boocodeJson, checkpointVersusManifest, disposeScenario, ignoredOf, pinOf, runInvocation, runScenario, ScenarioResult, SCRIPT } from './sandbox';
import { RESUMED_MARK } from './mockServer';
import { manifest, manifestDiff } from '../unit/manifest';
import { DRIVERS } from './drivers';

/** Our hook speaks only through the agent's own channels: nothing of ours may reach the agent's output. */
const OUR_VOICE = /boocode hook|nothing recorded|BooCode/;

function describeAgent(driver: AgentDriver): void {
  const pin = pinOf(driver);
  describe(`${driver.agent} ${pin.version} (real CLI against the mock model)`, function () {
    let result: ScenarioResult;
    /** The session exported after the restore (the agent's own session file with it). */
    let exported: string | undefined;
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

    it('resumes at the second turn after restoring it: the next request carries the conversation up to there, not the turn restored away', async function () {
      if (!driver.resumed) this.skip();
      const second = result.checkpoints[1];
      const restore = boocode(result.sandbox, ['restore', second.id, '--yes']);
      assert.strictEqual(restore.status, 0, restore.stderr);
      // What a person gets after the restore: the session resumes where the restore left it — in
      // the agent's own conversation where it can resume at a turn, else seeded with our transcript.
      const plan = boocodeJson<ResumePlanJson>(result.sandbox, ['resume', result.sessionId]);
      assert.strictEqual(plan.mode, AGENT_CLIS[driver.agent as ResumableAgent].atTurn ? 'resume-at-turn' : 'seeded', plan.note);
      assert.strictEqual(plan.checkpointId, second.id);
      assert.notStrictEqual(plan.agentSessionId, result.sessionId, 'a fork of the agent’s session; the original stays');
      // Exported now, for the next test: the agent starting again may tidy its own sessions away
      // (Gemini CLI 0.61's session cleanup sometimes deletes an earlier session's chat file).
      if (CARRIED_AGENTS.includes(driver.agent)) {
        exported = path.join(result.sandbox.root, 'session.boocode');
        const written = boocodeJson<{ agentFile: string | null }>(result.sandbox, ['export', result.sessionId, '-o', exported]);
        assert.ok(written.agentFile, 'the agent’s session file goes with it');
      }
      console.log(`      ${driver.agent}: ${plan.note}\n        ${(plan.argv ?? []).join(' ')}`);
      const prompt = `${RESUMED_MARK}: what have we done so far?`;
      const since = Date.now();
      const run = await runInvocation(result.sandbox, driver.resumed!(result.sandbox, plan, prompt));
      assert.strictEqual(run.status, 0, `the resumed agent exited ${run.status}\n${run.stderr.slice(-3000)}`);
      const next = result.server.requests.find((request) => request.at >= since && request.state !== null && request.body.includes(RESUMED_MARK));
      assert.ok(next, 'the resumed agent asked the model');
      assert.ok(next.body.includes(SCRIPT[0].prompt), 'turn one’s prompt is in the conversation');
      assert.ok(next.body.includes(SCRIPT[0].reply), 'and its reply');
      assert.ok(!next.body.includes(SCRIPT[1].prompt), 'turn two (restored away) is not');
      assert.ok(!next.body.includes(SCRIPT[1].reply), 'nor its reply');
    });

    it('resumes on another machine: exported with the agent’s own session file, imported into a clone at another path and HOME', async function () {
      if (!driver.resumed || !CARRIED_AGENTS.includes(driver.agent)) this.skip();
      const { sandbox } = result;
      assert.ok(exported, 'exported by the test before');
      const file = exported;
      // The other machine: another HOME, the repository cloned at another path.
      const home = path.join(sandbox.root, 'other-home');
      const repo = path.join(sandbox.root, 'other', 'clone');
      fs.mkdirSync(path.dirname(repo), { recursive: true });
      const env = { ...sandbox.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CACHE_HOME: path.join(home, '.cache'), XDG_STATE_HOME: path.join(home, '.local', 'state') };
      fs.mkdirSync(home, { recursive: true });
      fs.copyFileSync(path.join(sandbox.home, '.gitconfig'), path.join(home, '.gitconfig'));
      const cloned = spawnSync('git', ['clone', '-q', sandbox.repo, repo], { env, encoding: 'utf8' });
      assert.strictEqual(cloned.status, 0, cloned.stderr);
      const other = { ...sandbox, repo, home, env };
      await driver.prepare(other);
      boocodeJson(other, ['import', file]);
      const plan = boocodeJson<ResumePlanJson>(other, ['resume', result.checkpoints[1].id]);
      assert.strictEqual(plan.mode, 'resume-at-turn', plan.note);
      assert.strictEqual(plan.cwd, repo);
      const since = Date.now();
      const run = await runInvocation(other, driver.resumed!(other, plan, `${RESUMED_MARK}: and on this machine?`));
      assert.strictEqual(run.status, 0, `the resumed agent exited ${run.status}\n${run.stderr.slice(-3000)}`);
      const next = result.server.requests.find((request) => request.at >= since && request.state !== null && request.body.includes(RESUMED_MARK));
      assert.ok(next, 'the resumed agent asked the model');
      assert.ok(next.body.includes(SCRIPT[0].prompt) && next.body.includes(SCRIPT[0].reply), 'turn one is in the conversation');
      assert.ok(!next.body.includes(SCRIPT[1].prompt), 'turn two is not');
      // Its working folder is the clone (earlier tool calls in the conversation still name the files where they were written).
      assert.ok(next.body.includes(repo), 'the agent works in the clone');
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
