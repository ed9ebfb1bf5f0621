// The user's settings reach every process that checkpoints the workspace: the extension shares
// them through `<state dir>/settings.json`, which hooks and the CLI read.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Api, cli, extensionApi, waitFor, workspaceDir, write } from './support';

describe('Settings', function () {
  this.timeout(60000);
  let api: Api;

  before(async () => {
    api = await extensionApi();
  });

  it('boocode.checkpoints.exclude keeps matching files out of checkpoints taken by the CLI and hooks', async () => {
    const config = vscode.workspace.getConfiguration('boocode');
    await config.update('checkpoints.exclude', ['*.secret'], vscode.ConfigurationTarget.Global);
    try {
      const shared = await waitFor('the settings shared with hooks and the CLI', async () => {
        const store = await api.testing.model.folders[0].store();
        const file = path.join(store.stateDir, 'settings.json');
        const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
        return settings?.exclude?.includes('*.secret') ? settings : undefined;
      }, 5000);
      assert.deepStrictEqual(shared.exclude, ['*.secret']);

      write('config/keys.secret', 'token=hunter2\n');
      write('config/visible.txt', 'shown\n');
      const taken = cli<{ commit: string }>('checkpoint', '--label', 'with an exclude');
      const files = execFileSync('git', ['ls-tree', '-r', '--name-only', taken.commit], { cwd: workspaceDir(), encoding: 'utf8' }).split('\n');
      assert.ok(files.includes('config/visible.txt'));
      assert.ok(!files.includes('config/keys.secret'), 'the excluded file is not in the checkpoint');
    } finally {
      await config.update('checkpoints.exclude', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
