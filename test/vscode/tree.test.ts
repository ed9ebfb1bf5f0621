// The Checkpoints view after checkpoints made by the CLI (as agent hooks make them): sessions,
// checkpoints reading like moments of the day, changed files, live refresh, and the count.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CheckpointNode, FileNode, SessionNode } from '../../src/vscode/checkpointTree';
import { agentTurn, Api, cli, extensionApi, labelOf, read, treeItems, waitFor, write } from './support';

describe('Checkpoints tree', function () {
  this.timeout(60000);
  let api: Api;
  const session = `tree-${Date.now()}`;

  before(async () => {
    api = await extensionApi();
    agentTurn(session, 'Add a greeting to the app', () => write('src/app.js', `${read('src/app.js')}console.log('hi');\n`));
    agentTurn(session, 'Write the docs\nwith a second line that the label must not show', () => {
      write('docs/guide.md', '# Guide\n\nHow to use it.\n');
      write('README.md', `${read('README.md')}\nSee docs/guide.md.\n`);
    });
  });

  it('shows the session with its checkpoints, newest first, within a second of the CLI writing', async () => {
    const sessionEntry = await waitFor('the session in the tree', async () => {
      const roots = await treeItems(api);
      return roots.find((entry) => (entry.node as SessionNode).session?.id === session);
    }, 3000);
    assert.strictEqual(labelOf(sessionEntry.item), 'Add a greeting to the app', 'a session is named after its first prompt');
    assert.match(String(sessionEntry.item.description), /^claude-code · .+ · 2 checkpoints$/);

    const checkpoints = await treeItems(api, sessionEntry.node);
    assert.deepStrictEqual(
      checkpoints.map((entry) => labelOf(entry.item)),
      ['Before: Write the docs with a second line that the label must not…', 'Before: Add a greeting to the app'],
    );
    const [docs, greeting] = checkpoints;
    assert.match(String(docs.item.description), /^(just now|\d+ min ago) · 2 files \+5$/, 'time and what the turn changed');
    assert.match(String(greeting.item.description), /· 1 file \+1$/);
    assert.strictEqual(docs.item.contextValue, 'checkpoint.inSession.turnEnded;agent=claude-code', 'enables the transcript-only restore, Revert This Turn and Resume Claude Code Here');
    const tooltip = docs.item.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString, 'the tooltip is Markdown');
    assert.match(tooltip.value, /with a second line that the label must not show/, 'the tooltip has the whole prompt');
    assert.match(tooltip.value, /docs\/guide\.md/);
    assert.match(tooltip.value, new RegExp((docs.node as CheckpointNode).checkpoint.commit.slice(0, 10)));
  });

  it("lists the files a turn changed; clicking one opens the turn's own diff (before ↔ its end)", async () => {
    const roots = await treeItems(api);
    const sessionNode = roots.find((entry) => (entry.node as SessionNode).session?.id === session)!.node;
    const [docs] = await treeItems(api, sessionNode);
    const files = await treeItems(api, docs.node);
    assert.deepStrictEqual(files.map((entry) => (entry.node as FileNode).change.path).sort(), ['README.md', 'docs/guide.md']);
    const guide = files.find((entry) => (entry.node as FileNode).change.path === 'docs/guide.md')!;
    assert.match(String(guide.item.description), /^docs · added \+3$/);
    assert.strictEqual(guide.item.command?.command, 'boocode.openChange');

    await vscode.commands.executeCommand(guide.item.command!.command, ...(guide.item.command!.arguments ?? []));
    const tab = await waitFor('a diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.strictEqual(tab.original.scheme, 'boocode-checkpoint');
    assert.strictEqual(tab.original.path, '/docs/guide.md', 'the path keeps the extension for highlighting');
    assert.strictEqual(tab.modified.scheme, 'boocode-checkpoint', 'the right side is where the turn ended, not today');
    const before = await vscode.workspace.openTextDocument(tab.original);
    assert.strictEqual(before.getText(), '', 'the file did not exist at the checkpoint');
    const after = await vscode.workspace.openTextDocument(tab.modified);
    assert.strictEqual(after.getText(), '# Guide\n\nHow to use it.\n');
    assert.strictEqual(before.languageId, 'markdown');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts manual checkpoints in their own group and counts everything in the view description', async () => {
    const label = `Manual ${Date.now()}`;
    cli('checkpoint', '--label', label);
    const manual = await waitFor('the manual group', async () => {
      const roots = await treeItems(api);
      const group = roots.find((entry) => entry.node.kind === 'session' && !(entry.node as SessionNode).session);
      if (!group) return undefined;
      const children = await treeItems(api, group.node);
      return children.some((entry) => labelOf(entry.item) === label) ? group : undefined;
    }, 3000);
    assert.strictEqual(labelOf(manual.item), 'Manual checkpoints');
    const total = (await api.list()).length;
    await waitFor('the count in the view description', () => api.testing.tree.view.description === `${total} checkpoints`);
  });

  it('drops a checkpoint deleted by the CLI without a manual refresh', async () => {
    const [newest] = await api.list();
    const cached = () => api.testing.model.folders[0].list(); // what the views read: refreshed only by the store watcher
    assert.ok((await cached()).some((c) => c.id === newest.id));
    cli('delete', newest.id);
    await waitFor('the deleted checkpoint to leave the view', async () => !(await cached()).some((c) => c.id === newest.id), 3000);
  });
});
