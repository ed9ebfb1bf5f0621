// Every command: registered once from the one table, declared in package.json, item-only ones hidden
// from the palette, and each one doing its job (dialogs answered by a scripted Prompter).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CheckpointNode } from '../../src/vscode/checkpointTree';
import { agentTurn, Api, cli, EXTENSION_ID, extensionApi, file, freshList, read, usePrompter, waitFor, write } from './support';

interface Manifest {
  contributes: { commands: { command: string; title: string; category: string }[]; menus: { commandPalette: { command: string; when: string }[] } };
}

describe('Commands', function () {
  this.timeout(60000);
  let api: Api;
  let manifest: Manifest;
  before(async () => {
    api = await extensionApi();
    manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
  });
  const prompter = usePrompter(() => api);
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const nodeOf = async (id: string): Promise<CheckpointNode> => {
    const folder = api.testing.model.folders[0];
    const checkpoint = (await folder.list(true)).find((c) => c.id === id);
    assert.ok(checkpoint, `checkpoint ${id} is listed`);
    return { kind: 'checkpoint', folder, checkpoint };
  };

  it('registers every command declared in package.json, all in the BooCode category', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = manifest.contributes.commands.map((c) => c.command);
    for (const id of declared) assert.ok(registered.has(id), `${id} is registered`);
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'BooCode'));
    const hidden = manifest.contributes.menus.commandPalette.filter((entry) => entry.when === 'false').map((entry) => entry.command);
    assert.deepStrictEqual(hidden.sort(), [
      'boocode.compareWithPrevious', 'boocode.copyId', 'boocode.openChange', 'boocode.openFile', 'boocode.restoreFile', 'boocode.restoreFilesOnly', 'boocode.restoreTranscriptOnly',
      // "Resume <agent> Here", one per agent, in the tree's context menu only (the palette has Resume Agent at Checkpoint…).
      'boocode.resumeAgent.claude-code', 'boocode.resumeAgent.codex', 'boocode.resumeAgent.copilot', 'boocode.resumeAgent.cursor', 'boocode.resumeAgent.gemini', 'boocode.resumeAgent.opencode',
    ]);
  });

  it('Create Checkpoint… asks for an optional name and saves the workspace', async () => {
    const label = `Before my refactor ${Date.now()}`;
    prompter().type(label);
    await vscode.commands.executeCommand('boocode.createCheckpoint');
    const [newest] = await freshList(api);
    assert.strictEqual(newest.label, label);
    assert.strictEqual(newest.kind, 'manual');

    prompter().type(undefined); // Escape: nothing is saved
    const count = (await freshList(api)).length;
    await vscode.commands.executeCommand('boocode.createCheckpoint');
    assert.strictEqual((await freshList(api)).length, count);
  });

  it('Restore Checkpoint… offers recent checkpoints with time, prompt and file counts', async () => {
    const session = `pick-${Date.now()}`;
    agentTurn(session, 'Pick me from the list', () => write('src/picked.js', '1\n2\n'));
    prompter().choose('Pick me from the list').answer(undefined);
    await vscode.commands.executeCommand('boocode.restoreCheckpoint');
    const [pick] = prompter().picked;
    const offered = pick.labels.find((label) => label.includes('Before: Pick me from the list'));
    assert.ok(offered, `offered: ${pick.labels.join(' | ')}`);
    assert.strictEqual(prompter().asked.length, 1, 'the picked checkpoint goes on to the confirmation');
    fs.rmSync(file('src/picked.js'));
  });

  it('Compare Checkpoint with Current opens every changed file in one multi-file diff', async () => {
    const checkpoint = agentTurn(`cmp-${Date.now()}`, 'Touch two files', () => {
      write('src/one.js', 'one\n');
      write('src/two.js', 'two\n');
    });
    const changes = (await vscode.commands.executeCommand('boocode.compareWithCurrent', await nodeOf(checkpoint.id))) as { path: string }[];
    assert.deepStrictEqual(changes.map((c) => c.path).sort(), ['src/one.js', 'src/two.js']);
    await waitFor('the multi-file diff editor', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab && /↔ Now/.test(tab.label) ? tab : undefined;
    });
    fs.rmSync(file('src/one.js'));
    fs.rmSync(file('src/two.js'));
  });

  it('Compare with Previous shows what changed between two checkpoints', async () => {
    const first = agentTurn(`prev-${Date.now()}`, 'First', () => write('src/prev.js', 'v1\n'));
    const second = agentTurn(`prev2-${Date.now()}`, 'Second', () => write('src/prev.js', 'v2\n'));
    const changes = (await vscode.commands.executeCommand('boocode.compareWithPrevious', await nodeOf(second.id))) as { path: string }[];
    assert.deepStrictEqual(changes.map((c) => c.path), ['src/prev.js'], `between ${first.id} and ${second.id}`);
    const diff = await waitFor('the diff', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.strictEqual((await vscode.workspace.openTextDocument(diff.original)).getText(), '');
    assert.strictEqual((await vscode.workspace.openTextDocument(diff.modified)).getText(), 'v1\n');
    fs.rmSync(file('src/prev.js'));
  });

  it('Copy Checkpoint Id and Show Recent Checkpoints…', async () => {
    const [newest] = await freshList(api);
    assert.strictEqual(await vscode.commands.executeCommand('boocode.copyId', await nodeOf(newest.id)), newest.id);
    const clipboard = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => undefined);
    if (clipboard !== undefined && clipboard !== '') assert.strictEqual(clipboard, newest.id);

    prompter().choose(/./).choose('Copy Checkpoint Id');
    assert.strictEqual(await vscode.commands.executeCommand('boocode.showRecent'), newest.id);
    assert.strictEqual(prompter().picked[0].labels.length <= 20, true);
  });

  it('Delete Checkpoint… confirms, then deletes', async () => {
    cli('checkpoint', '--label', 'Delete me');
    const [target] = await freshList(api);
    prompter().answer(undefined);
    assert.strictEqual(await vscode.commands.executeCommand('boocode.deleteCheckpoint', await nodeOf(target.id)), false);
    assert.ok((await freshList(api)).some((c) => c.id === target.id), 'cancel keeps it');
    prompter().answer('Delete');
    assert.strictEqual(await vscode.commands.executeCommand('boocode.deleteCheckpoint', target.id), true);
    assert.match(prompter().asked[1].message, /^Delete the checkpoint “Delete me”/);
    assert.ok(!(await freshList(api)).some((c) => c.id === target.id));
  });

  it('Prune Checkpoints… keeps the newest 20 after confirming', async () => {
    for (let count = (await freshList(api)).length; count <= 21; count++) cli('checkpoint', '--label', `Filler ${count}`);
    const before = (await freshList(api)).length;
    prompter().choose('Keep the newest 20').answer('Delete');
    const result = (await vscode.commands.executeCommand('boocode.pruneCheckpoints')) as { deleted: string[] };
    assert.strictEqual(result.deleted.length, before - 20);
    assert.match(prompter().picked[0].labels.join('|'), /Keep the newest 20/);
    assert.strictEqual(prompter().asked[0].message, `Delete ${before - 20} checkpoint${before - 20 === 1 ? '' : 's'}?`);
    assert.strictEqual((await freshList(api)).length, 20);
  });

  it('Show Transcript opens the session read-only with checkpoint markers', async () => {
    const session = `transcript-${Date.now()}`;
    const checkpoint = agentTurn(session, 'Explain the transcript', () => undefined);
    prompter().choose('Explain the transcript');
    const doc = (await vscode.commands.executeCommand('boocode.showTranscript')) as vscode.TextDocument;
    assert.strictEqual(doc.uri.scheme, 'boocode-transcript');
    assert.strictEqual(doc.languageId, 'markdown');
    const text = doc.getText();
    assert.match(text, /^# Explain the transcript/);
    assert.ok(text.includes(`⏺ **Checkpoint** \`${checkpoint.id}\``), text);
    assert.match(text, /### You · .+\n\nExplain the transcript/);
    assert.match(text, /### claude-code · .+\n\nDone: Explain the transcript/);
  });

  it('Show Disk Usage says how much space checkpoints take', async () => {
    const message = (await vscode.commands.executeCommand('boocode.showDiskUsage')) as string;
    assert.match(message, /^ws: \d+ checkpoints use [\d.]+ (B|KB|MB)/);
    assert.strictEqual(prompter().notes[0].message, message);
  });

  it('Refresh Checkpoints re-reads the store', async () => {
    cli('checkpoint', '--label', 'Seen after refresh');
    await vscode.commands.executeCommand('boocode.refresh');
    assert.strictEqual((await api.testing.model.folders[0].list())[0].label, 'Seen after refresh');
  });

  it('Open Changes and Open File work on a changed file of a checkpoint', async () => {
    const checkpoint = agentTurn(`open-${Date.now()}`, 'Edit the readme', () => write('README.md', `${read('README.md')}More.\n`));
    const node = await nodeOf(checkpoint.id);
    const [fileNode] = await api.testing.tree.getChildren(node);
    assert.strictEqual(fileNode.kind, 'file');
    await vscode.commands.executeCommand('boocode.openChange', fileNode);
    await waitFor('the diff', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff);
    const editor = (await vscode.commands.executeCommand('boocode.openFile', fileNode)) as vscode.TextEditor;
    assert.strictEqual(path.basename(editor.document.uri.fsPath), 'README.md');
  });

  it('Connect Agent… installs the chosen agent\'s hooks through the hooks module', async () => {
    prompter().choose('Claude Code');
    const summary = (await vscode.commands.executeCommand('boocode.connectAgent')) as string;
    assert.match(summary, /claude-code now checkpoints this workspace before every turn/);
    const written = summary.match(/(?:Created|Updated|Already connected in) (\S+):/)![1];
    const text = fs.readFileSync(written, 'utf8');
    assert.ok(text.includes('hook claude-code'));
    // The hooks point at a copy of the CLI outside the (versioned) extension folder, so updates keep them working.
    const extensionPath = vscode.extensions.getExtension('boocode.boocode-checkpoints')!.extensionPath;
    assert.ok(!text.includes(path.join(extensionPath, 'dist', 'cli.js')), 'not the versioned extension folder');
    assert.match(text, /[\\/]cli[\\/]cli\.js /);
    cli('hooks', 'uninstall', 'claude-code');
  });

  it('turns failures into one clear error message', async () => {
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', '0000000000-nothere');
    assert.deepStrictEqual(prompter().errors(), ['Checkpoint 0000000000-nothere is gone (deleted or pruned); refresh the Checkpoints view.']);
  });
});
