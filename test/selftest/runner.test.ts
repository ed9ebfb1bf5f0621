// The harness proves it can fail: it runs a fixture suite (test/harness/fixtures/suite) with one passing and
// one failing test in the real VS Code and checks the runner says so, exits non-zero and leaves nothing running.
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TestCounts } from '../harness/counts';
import { repoRoot, resultsRoot } from '../harness/paths';
import { groupAlive, processesMentioning } from '../harness/processes';

const runner = path.join(repoRoot, 'out', 'test', 'harness', 'runVscodeTests.js');
const fixture = path.join(repoRoot, 'out', 'test', 'harness', 'fixtures', 'suite', 'index.js');

interface Run {
  code: number | null;
  output: string;
  counts: TestCounts;
  result: { server?: number; runDir: string; exitCode?: number; error?: string };
}

function runFixture(name: string, args: string[], env: Record<string, string>, onOutput?: (child: ChildProcess, text: string) => void): Promise<Run> {
  const countsFile = path.join(resultsRoot, name, '..', `${name}.counts.json`);
  fs.rmSync(countsFile, { force: true });
  const child = spawn(process.execPath, [runner, '--suite', fixture, '--name', name, ...args], {
    env: { ...process.env, ...env, BOOCODE_TEST_COUNTS: countsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (data: Buffer) => {
    output += data.toString();
    onOutput?.(child, output);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) =>
    child.on('exit', (code) =>
      resolve({
        code,
        output,
        counts: JSON.parse(fs.readFileSync(countsFile, 'utf8')),
        result: JSON.parse(fs.readFileSync(path.join(resultsRoot, name, 'result.json'), 'utf8')),
      }),
    ),
  );
}

async function assertNothingLeft(run: Run): Promise<void> {
  assert.ok(run.result.server, 'the runner recorded the code-server pid');
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline && (groupAlive(run.result.server!) || processesMentioning(run.result.runDir).length)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.strictEqual(groupAlive(run.result.server!), false, 'code-server process group still alive');
  assert.deepStrictEqual(processesMentioning(run.result.runDir), [], 'processes of the run still alive');
  assert.strictEqual(fs.existsSync(run.result.runDir), false, 'run folder not removed');
}

describe('real VS Code test runner (self-test)', function () {
  this.timeout(180000);

  it('reports a failing extension-host test, exits non-zero and stops everything', async () => {
    const run = await runFixture('selftest-failing', [], {});
    assert.strictEqual(run.code, 1, run.output);
    assert.strictEqual(run.counts.passes, 1, run.output);
    assert.strictEqual(run.counts.failures, 1, run.output);
    assert.deepStrictEqual(run.counts.failed, ['harness fixture fails deliberately']);
    assert.match(run.output, /deliberate failure from the harness fixture/);
    assert.match(run.output, /FAILED: 1 passed, 1 failed/);
    assert.ok(fs.existsSync(path.join(resultsRoot, 'selftest-failing', 'failure.png')), 'no failure screenshot');
    await assertNothingLeft(run);
  });

  it('times out a suite that never finishes, exits non-zero and stops everything', async () => {
    const run = await runFixture('selftest-timeout', ['--timeout', '12000'], { BOOCODE_FIXTURE_HANG: '1' });
    assert.strictEqual(run.code, 1, run.output);
    assert.match(run.output, /timed out after 12000 ms/);
    assert.ok(run.counts.failures >= 1, 'a timeout counts as a failure');
    await assertNothingLeft(run);
  });

  it('stops code-server and the browser on SIGINT', async () => {
    let sent = false;
    const run = await runFixture('selftest-sigint', [], { BOOCODE_FIXTURE_HANG: '1' }, (child, output) => {
      // Interrupt once the suite is running inside the extension host.
      if (!sent && output.includes('passes inside the extension host')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(sent, `the fixture never started: ${run.output}`);
    assert.strictEqual(run.code, 130, run.output);
    await assertNothingLeft(run);
  });
});
