// The Timeline provider: for a file, the checkpoints whose turn changed it; selecting one opens the diff.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { agentTurn, Api, extensionApi, file, read, waitFor, write } from './support';

describe('Timeline provider', function () {
  this.timeout(60000);
  let api: Api;

  before(async () => {
    api = await extensionApi();
  });

  it('is registered (the timeline proposal is enabled for this extension)', () => {
    assert.strictEqual(api.testing.timeline.unavailable, undefined);
  });

  it('lists the checkpoints after which the file changed, with a diff command', async () => {
    const session = `timeline-${Date.now()}`;
    const touched = agentTurn(session, 'Make the app louder', () => write('src/app.js', `${read('src/app.js')}console.log('LOUD');\n`));
    const untouched = agentTurn(session, 'Only the notes', () => write('notes.txt', 'notes\n'));
    api.testing.model.refresh();
    const token = new vscode.CancellationTokenSource().token;
    const timeline = await api.testing.timeline.provideTimeline(vscode.Uri.file(file('src/app.js')), {}, token);
    const ids = timeline.items.map((item) => item.id);
    assert.ok(ids.includes(touched.id), 'the turn that changed src/app.js is listed');
    assert.ok(!ids.includes(untouched.id), 'a turn that did not touch it is not');
    const item = timeline.items.find((candidate) => candidate.id === touched.id)!;
    assert.strictEqual(item.label, 'Before: Make the app louder');
    assert.strictEqual(item.timestamp, touched.createdAt);
    assert.match(String(item.description), /claude-code · \+1/);
    assert.match(String(item.contextValue), /^boocode:checkpoint/);

    // code-server asks with vscode-remote URIs; the answer is the same.
    const remote = await api.testing.timeline.provideTimeline(vscode.Uri.file(file('src/app.js')).with({ scheme: 'vscode-remote' }), {}, token);
    assert.deepStrictEqual(remote.items.map((i) => i.id), ids);

    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const diff = await waitFor('the diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.strictEqual(diff.original.scheme, 'boocode-checkpoint');
    const before = await vscode.workspace.openTextDocument(diff.original);
    assert.ok(!before.getText().includes('LOUD'), 'the left side is the file before the turn');
    const after = await vscode.workspace.openTextDocument(diff.modified);
    assert.ok(after.getText().includes('LOUD'), 'the right side is the file after the turn');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('has nothing for files outside the workspace', async () => {
    const token = new vscode.CancellationTokenSource().token;
    const outside = await api.testing.timeline.provideTimeline(vscode.Uri.file('/etc/hostname'), {}, token);
    assert.strictEqual(outside.items.length, 0);
  });
});
