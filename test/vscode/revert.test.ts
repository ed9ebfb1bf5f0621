// Revert This Turn, Restore This File (tree and Timeline), the per-file choice in the restore
// confirmation, and the tree's own diff of a turn beside the person's edits between turns, through
// the commands a person runs in a real VS Code.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CheckpointNode, EditsNode, FileNode, SessionNode } from '../../src/vscode/checkpointTree';
import { agentTurn, Api, cli, extensionApi, file, labelOf, read, treeItems, usePrompter, waitFor, write } from './support';

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n') + '\n';
const editLine = (text: string, n: number, mark: string) => text.split('\n').map((line, i) => (i === n - 1 ? `${line} ${mark}` : line)).join('\n');

describe('Revert a turn, restore a file', function () {
  this.timeout(90000);
  let api: Api;
  before(async () => {
    api = await extensionApi();
  });
  const prompter = usePrompter(() => api);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function checkpointNode(session: string, id: string): Promise<CheckpointNode> {
    api.testing.model.refresh();
    return waitFor('the turn in the tree', async () => {
      const sessionEntry = (await treeItems(api)).find((entry) => (entry.node as SessionNode).session?.id === session);
      if (!sessionEntry) return undefined;
      return (await treeItems(api, sessionEntry.node)).map((entry) => entry.node).find((node) => node.kind === 'checkpoint' && node.checkpoint.id === id) as CheckpointNode | undefined;
    });
  }

  it('Revert This Turn takes back the turn, keeps later edits, leaves a conflicting file as it is and shows the conflict in a new document; Undo brings it all back', async () => {
    const tag = `rv${Date.now()}`;
    write(`revert/${tag}-clean.txt`, lines(6, 'clean'));
    write(`revert/${tag}-conflict.txt`, lines(6, 'conflict'));
    const session = `revert-${tag}`;
    const turn = agentTurn(session, `Edit two files (${tag})`, () => {
      write(`revert/${tag}-clean.txt`, editLine(lines(6, 'clean'), 1, 'by the agent'));
      write(`revert/${tag}-conflict.txt`, editLine(lines(6, 'conflict'), 2, 'by the agent'));
    });
    // After the turn: the person edits line 6 of the clean file and the agent's own line 2 of the other.
    write(`revert/${tag}-clean.txt`, editLine(read(`revert/${tag}-clean.txt`)!, 6, 'by me'));
    write(`revert/${tag}-conflict.txt`, editLine(read(`revert/${tag}-conflict.txt`)!, 2, 'and by me'));
    const conflictBefore = read(`revert/${tag}-conflict.txt`);

    const node = await checkpointNode(session, turn.id);
    prompter().answer('Revert Turn').click('Show Conflict');
    await vscode.commands.executeCommand('boocode.revertTurn', node);

    const [confirm] = prompter().asked;
    assert.match(confirm.message, new RegExp(`^Revert the turn “Edit two files \\(${tag}\\)” .*and keep everything else\\?$`));
    assert.match(confirm.detail, new RegExp(`1 file will lose the turn's changes.*\\n {4}revert/${tag}-clean\\.txt`));
    assert.match(confirm.detail, new RegExp(`1 file changed since on the same lines will be left exactly as they are:\\n {4}revert/${tag}-conflict\\.txt`));
    assert.deepStrictEqual(confirm.choices, ['Revert Turn']);

    assert.strictEqual(read(`revert/${tag}-clean.txt`), editLine(lines(6, 'clean'), 6, 'by me'), "the turn's line goes back, mine stays");
    assert.strictEqual(read(`revert/${tag}-conflict.txt`), conflictBefore, 'the conflicting file is exactly as it was');
    const note = prompter().notes.at(-1)!;
    assert.match(note.message, /Reverted the turn “Edit two files .*”: 1 file changed; your edits and later turns are kept\. Not reverted \(changed since on the same lines\): .*conflict\.txt/);
    assert.deepStrictEqual(note.actions, ['Show Conflict', 'Undo']);

    const shown = await waitFor('the conflict in a new document', () => {
      const doc = vscode.window.activeTextEditor?.document;
      return doc?.isUntitled && doc.getText().includes('<<<<<<<') ? doc : undefined;
    });
    assert.match(shown.getText(), /<<<<<<< your file now\n.*and by me\n/);
    assert.match(shown.getText(), />>>>>>> before the turn/);
    assert.strictEqual(read(`revert/${tag}-conflict.txt`), conflictBefore, 'no marker went into the file');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    await vscode.commands.executeCommand('boocode.undoRestore');
    assert.strictEqual(read(`revert/${tag}-clean.txt`), editLine(editLine(lines(6, 'clean'), 1, 'by the agent'), 6, 'by me'));
    assert.deepStrictEqual(prompter().errors(), []);
    assert.deepStrictEqual(prompter().unexpected, []);
  });

  it("shows a turn's own diff and the person's edits between turns as their own entry", async () => {
    const tag = `ed${Date.now()}`;
    const session = `edits-${tag}`;
    const first = agentTurn(session, `First (${tag})`, () => write(`edits/${tag}-agent.txt`, 'by the agent\n'));
    write(`edits/${tag}-mine.txt`, 'by me, between turns\n');
    write(`edits/${tag}-mine2.txt`, 'me too\n');
    const second = agentTurn(session, `Second (${tag})`, () => write(`edits/${tag}-agent2.txt`, 'agent again\n'));
    await checkpointNode(session, second.id);
    const sessionEntry = (await treeItems(api)).find((entry) => (entry.node as SessionNode).session?.id === session)!;
    const rows = await treeItems(api, sessionEntry.node);
    assert.deepStrictEqual(
      rows.map((entry) => labelOf(entry.item)),
      [`Before: Second (${tag})`, 'Your edits between turns: 2 files', `Before: First (${tag})`],
    );
    const edits = rows[1].node as EditsNode;
    assert.deepStrictEqual((await treeItems(api, edits)).map((entry) => (entry.node as FileNode).change.path).sort(), [`edits/${tag}-mine.txt`, `edits/${tag}-mine2.txt`]);
    const firstFiles = await treeItems(api, rows[2].node);
    assert.deepStrictEqual(firstFiles.map((entry) => (entry.node as FileNode).change.path), [`edits/${tag}-agent.txt`], "the first turn's row shows only what it did");
    assert.strictEqual((rows[2].node as CheckpointNode).checkpoint.id, first.id);
  });

  it('Restore This File on a tree file row brings back that file alone', async () => {
    const tag = `rf${Date.now()}`;
    const session = `restore-file-${tag}`;
    write(`rf/${tag}-a.txt`, 'a then\n');
    write(`rf/${tag}-b.txt`, 'b then\n');
    const turn = agentTurn(session, `Change both (${tag})`, () => {
      write(`rf/${tag}-a.txt`, 'a by the agent\n');
      write(`rf/${tag}-b.txt`, 'b by the agent\n');
    });
    const node = await checkpointNode(session, turn.id);
    const files = await treeItems(api, node);
    const a = files.find((entry) => (entry.node as FileNode).change.path === `rf/${tag}-a.txt`)!;
    prompter().answer('Restore File');
    await vscode.commands.executeCommand('boocode.restoreFile', a.node);
    assert.match(prompter().asked[0].message, new RegExp(`^Restore rf/${tag}-a\\.txt as it was at “Before: Change both`));
    assert.strictEqual(read(`rf/${tag}-a.txt`), 'a then\n');
    assert.strictEqual(read(`rf/${tag}-b.txt`), 'b by the agent\n', 'the other file stays');
    assert.strictEqual(cli<unknown[]>('transcript', '--session', session).length, 2, 'the transcript is kept');
    assert.deepStrictEqual(prompter().notes.at(-1)!.actions, ['Undo']);
    await vscode.commands.executeCommand('boocode.undoRestore');
    assert.strictEqual(read(`rf/${tag}-a.txt`), 'a by the agent\n');
  });

  it('Restore This File on a Timeline entry restores the file the Timeline shows', async () => {
    const tag = `tl${Date.now()}`;
    const session = `timeline-file-${tag}`;
    write(`tl/${tag}.txt`, 'then\n');
    const turn = agentTurn(session, `Touch it (${tag})`, () => write(`tl/${tag}.txt`, 'by the agent\n'));
    api.testing.model.refresh();
    const uri = vscode.Uri.file(file(`tl/${tag}.txt`));
    const timeline = await api.testing.timeline.provideTimeline(uri, {}, new vscode.CancellationTokenSource().token);
    const item = timeline.items.find((candidate) => candidate.id === turn.id)!;
    assert.strictEqual(item.contextValue, 'boocode:checkpoint:turn:ended');
    prompter().answer('Restore File');
    // What a Timeline context menu passes: the item, the file's URI, the provider id.
    await vscode.commands.executeCommand('boocode.restoreFile', item, uri, 'boocode.checkpoints');
    assert.strictEqual(read(`tl/${tag}.txt`), 'then\n');
    assert.deepStrictEqual(prompter().unexpected, []);
  });

  it('the restore confirmation lets the person uncheck files to leave alone', async () => {
    const tag = `pf${Date.now()}`;
    const session = `per-file-${tag}`;
    write(`pf/${tag}-keep.txt`, 'keep then\n');
    write(`pf/${tag}-back.txt`, 'back then\n');
    const turn = agentTurn(session, `Three files (${tag})`, () => {
      write(`pf/${tag}-keep.txt`, 'keep: agent version stays\n');
      write(`pf/${tag}-back.txt`, 'back: agent version goes\n');
      write(`pf/${tag}-new.txt`, 'created by the agent\n');
    });
    prompter().answer('Choose Files…').uncheck(`pf/${tag}-keep.txt`);
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', turn.id);
    const picked = prompter().picked.at(-1)!;
    for (const name of [`pf/${tag}-keep.txt`, `pf/${tag}-back.txt`, `pf/${tag}-new.txt`]) assert.ok(picked.labels.includes(name), `${name} is offered`);
    assert.strictEqual(read(`pf/${tag}-keep.txt`), 'keep: agent version stays\n', 'an unchecked file is left alone');
    assert.strictEqual(read(`pf/${tag}-back.txt`), 'back then\n');
    assert.strictEqual(read(`pf/${tag}-new.txt`), undefined, 'a checked created file is deleted');
    assert.strictEqual(cli<unknown[]>('transcript', '--session', session).length, 2, 'a per-file restore keeps the transcript');
    assert.deepStrictEqual(prompter().unexpected, []);
  });
});
