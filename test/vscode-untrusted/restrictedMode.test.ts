// Restricted Mode (Workspace Trust on, the folder not trusted): BooCode runs no git and writes nothing,
// the Checkpoints view shows the trust message with its button, the status bar item stays hidden, every
// command says in one line to trust the folder (and offers to), and the API refuses with the same words.
// Granting trust is checked in the workbench (test/e2e/restrictedMode.test.ts): VS Code gives tests no
// way to grant it without a person clicking Trust.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Api, EXTENSION_ID, extensionApi, usePrompter, waitFor, workspaceDir } from '../vscode/support';
import { processWatch } from './processWatch';

const RESTRICTED = /^BooCode is off in Restricted Mode and runs no git here: trust this folder to take, compare and restore checkpoints\.$/;

describe('Restricted Mode (an untrusted folder)', function () {
  this.timeout(60000);
  let api: Api;
  const prompter = usePrompter(() => api);
  const manifestOf = () => vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
    contributes: { commands: { command: string }[]; viewsWelcome: { contents: string; when: string }[] };
  };

  before(async () => {
    api = await extensionApi();
  });

  it('opens untrusted, with the extension active and no folder opened by it', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the harness keeps trust on and the folder untrusted');
    assert.strictEqual(api.testing.model.trusted, false);
    assert.deepStrictEqual(api.testing.model.folders, [], 'no folder model, so no store and no git');
  });

  it('leaves the tree empty so the view shows the trust message and its Trust Folder… button; no status bar item', async () => {
    assert.deepStrictEqual(await api.testing.tree.getChildren(), []);
    const welcome = manifestOf().contributes.viewsWelcome.find((entry) => entry.when === '!isWorkspaceTrusted');
    assert.ok(welcome, 'a welcome view for Restricted Mode');
    assert.match(welcome.contents, /Restricted Mode/);
    assert.match(welcome.contents, /\[Trust Folder…\]\(command:workbench\.trust\.manage\)/);
    await api.testing.statusBar.update();
    assert.strictEqual(api.testing.statusBar.snapshot().state, 'hidden');
  });

  it('answers every command with one line saying to trust the folder, with a button to do it', async () => {
    const ids = manifestOf().contributes.commands.map((entry) => entry.command);
    assert.ok(ids.length > 20, ids.join(', '));
    for (const id of ids) {
      const before = prompter().notes.length;
      await vscode.commands.executeCommand(id);
      const notes = prompter().notes.slice(before);
      assert.strictEqual(notes.length, 1, `${id} says one thing: ${JSON.stringify(notes)}`);
      assert.strictEqual(notes[0].severity, 'warning', id);
      assert.match(notes[0].message, RESTRICTED, id);
      assert.deepStrictEqual(notes[0].actions, ['Manage Workspace Trust'], id);
    }
    assert.deepStrictEqual(prompter().unexpected, [], 'no command asked anything');
  });

  it("opens VS Code's Workspace Trust editor from the message's button", async () => {
    prompter().click('Manage Workspace Trust');
    await vscode.commands.executeCommand('boocode.createCheckpoint');
    const tab = await waitFor('the Workspace Trust editor', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.label === 'Workspace Trust' ? active : undefined;
    });
    await vscode.window.tabGroups.close(tab);
  });

  it('refuses API calls with the same reason', async () => {
    const refused = (error: Error) => RESTRICTED.test(error.message);
    await assert.rejects(api.list(), refused);
    await assert.rejects(api.beginTurn(undefined, 'Do something', 'test-agent'), refused);
    await assert.rejects(api.restore('anything'), refused);
  });

  it('gives the Timeline no entries', async () => {
    const token = new vscode.CancellationTokenSource().token;
    const timeline = await api.testing.timeline.provideTimeline(vscode.Uri.file(path.join(workspaceDir(), 'src', 'app.js')), {}, token);
    assert.deepStrictEqual(timeline.items, []);
  });

  it('runs no git and writes no BooCode state, even as files are saved and the view refreshed', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceDir(), 'src', 'app.js')));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '// edited in Restricted Mode\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    await vscode.commands.executeCommand('boocode.refresh');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the store watcher's debounce and any start-up work
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    assert.deepStrictEqual(processWatch.gits(), [], 'no git process was started in the extension host');
    const gitDir = path.join(workspaceDir(), '.git');
    assert.strictEqual(fs.existsSync(path.join(gitDir, 'boocode')), false, 'no .git/boocode state folder');
    assert.strictEqual(fs.existsSync(path.join(gitDir, 'refs', 'boocode')), false, 'no checkpoint refs');
    const packed = path.join(gitDir, 'packed-refs');
    assert.ok(!fs.existsSync(packed) || !fs.readFileSync(packed, 'utf8').includes('refs/boocode'), 'no packed checkpoint refs');
    assert.strictEqual(fs.existsSync(path.join(process.env.XDG_STATE_HOME!, 'boocode')), false, 'no private store either');
  });

  it('(control) would have seen a git process started in the extension host', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const childProcess = require('child_process') as typeof import('child_process');
    await new Promise((resolve) => childProcess.spawn('git', ['--version'], { stdio: 'ignore' }).on('close', resolve));
    childProcess.execFileSync('git', ['--version']);
    assert.deepStrictEqual(processWatch.gits().map(({ how, argv }) => [how, ...argv]), [['spawn', 'git', '--version'], ['execFileSync', 'git', '--version']]);
  });
});
