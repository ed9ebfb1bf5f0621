// The status-bar item follows checkpoints taken by other processes: the count when idle, a spinner
// from the moment a hook's turn begins until its checkpoint is stored, and a warning when one failed.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Api, cli, extensionApi, waitFor, workspaceDir } from './support';

describe('Status bar', function () {
  this.timeout(60000);
  let api: Api;
  let stateDir: string;

  before(async () => {
    api = await extensionApi();
    stateDir = (await api.testing.model.folders[0].store()).stateDir;
  });

  it('shows the count with the latest checkpoint in the tooltip', async () => {
    cli('checkpoint', '--label', 'Status bar baseline');
    const count = (await api.list()).length;
    const shown = await waitFor('the idle count', () => {
      const snap = api.testing.statusBar.snapshot();
      return snap.text === `$(history) ${count}` ? snap : undefined;
    }, 3000);
    assert.strictEqual(shown.state, 'idle');
    assert.match(shown.tooltip, /latest .*\n\nStatus bar baseline/);
    assert.strictEqual(shown.background, undefined);
  });

  it('spins while a CLI turn waits to checkpoint, and returns to the count when it is stored', async () => {
    // Hold the store's lock like a long checkpoint in another process would, so the turn stays "checkpointing".
    const lock = path.join(stateDir, 'git.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    const child = spawn(process.execPath, [process.env.BOOCODE_CLI!, 'turn', 'begin', '--session', `status-${Date.now()}`, '--prompt', 'Slow turn', '-C', workspaceDir(), '--json'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const busy = await waitFor('the spinner', () => {
        const snap = api.testing.statusBar.snapshot();
        return snap.state === 'checkpointing' ? snap : undefined;
      }, 3000);
      assert.strictEqual(busy.text, '$(loading~spin) Checkpointing…');
    } finally {
      fs.rmSync(lock, { force: true });
    }
    assert.strictEqual(await exited, 0, 'the turn completes once the lock is free');
    const count = (await api.list()).length;
    await waitFor('the count after the turn', () => api.testing.statusBar.snapshot().text === `$(history) ${count}`, 3000);
  });

  it('warns with the reason when the last checkpoint failed, until the next one succeeds', async () => {
    // What a hook writes when its checkpoint fails (core/activity.ts), e.g. git missing on its PATH.
    const failure = { state: 'failed', at: Date.now(), pid: process.pid, error: 'Checkpoint failed: git is not installed on this PATH.' };
    fs.writeFileSync(path.join(stateDir, 'activity.json'), JSON.stringify(failure));
    const warned = await waitFor('the warning', () => {
      const snap = api.testing.statusBar.snapshot();
      return snap.state === 'failed' ? snap : undefined;
    }, 3000);
    assert.strictEqual(warned.text, '$(warning) Checkpoint failed');
    assert.strictEqual(warned.background, 'statusBarItem.warningBackground');
    assert.match(warned.tooltip, /git is not installed on this PATH/);
    assert.match(warned.tooltip, /Create Checkpoint/, 'the tooltip says what to do');

    await new Promise((resolve) => setTimeout(resolve, 5)); // the next checkpoint is strictly newer
    cli('checkpoint', '--label', 'Recovered');
    await waitFor('the idle state again', () => api.testing.statusBar.snapshot().state === 'idle', 3000);
  });
});
