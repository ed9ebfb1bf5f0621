// Restore and undo end to end, through the commands a person runs: the confirmation lists what
// changes and what is deleted, unsaved editors are never clobbered, open editors show the restored
// contents, the transcript is trimmed, and Undo brings everything back.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Message } from '../../src/core/types';
import { agentTurn, Api, cli, extensionApi, file, read, usePrompter, waitFor, workspaceDir, write } from './support';

describe('Restore and undo', function () {
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

  /** A session whose one turn rewrote src/app.js and created src/extra.js. */
  function turnThatChangesFiles(tag: string) {
    const session = `restore-${tag}-${Date.now()}`;
    write('src/app.js', `console.log('before ${tag}');\n`);
    const checkpoint = agentTurn(session, `Rewrite the app (${tag})`, () => {
      write('src/app.js', `console.log('after ${tag}');\n`);
      write('src/extra.js', `// created by the agent (${tag})\n`);
    });
    return { session, checkpoint };
  }

  const transcriptOf = (session: string) => cli<Message[]>('transcript', '--session', session);

  it('asks with what will change and what will be deleted, restores files and transcript, then undoes', async () => {
    const { session, checkpoint } = turnThatChangesFiles('all');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file('src/app.js')));
    assert.ok(editor.document.getText().includes('after all'));

    prompter().answer('Restore Files and Transcript');
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', checkpoint.id);

    const [confirm] = prompter().asked;
    assert.match(confirm.message, /^Restore your workspace to “Before: Rewrite the app \(all\)” \(.+\)\?$/);
    assert.match(confirm.detail, /1 file will change back:\n {4}src\/app\.js/);
    assert.match(confirm.detail, /1 file created since then will be DELETED:\n {4}src\/extra\.js/);
    assert.deepStrictEqual(confirm.choices, ['Restore Files and Transcript', 'Files Only', 'Choose Files…']);

    assert.strictEqual(read('src/app.js'), "console.log('before all');\n");
    assert.strictEqual(read('src/extra.js'), undefined, 'the file the agent created is gone');
    await waitFor('the open editor to show the restored file', () => editor.document.getText() === "console.log('before all');\n");
    assert.deepStrictEqual(transcriptOf(session), [], 'the prompt and reply left the transcript');

    const note = prompter().notes.at(-1)!;
    assert.strictEqual(note.severity, 'warning', 'the agent context is stale, so it is a warning');
    assert.match(note.message, /Restored “Before: Rewrite the app \(all\)”: 2 files changed \(1 deleted\)\. What you had is in safety checkpoint [0-9a-z]+-[0-9a-z]+\. 2 messages removed from the transcript\./);
    assert.match(note.message, /claude-code still remembers the conversation/);
    assert.deepStrictEqual(note.actions, ['Undo', 'Resume Claude Code Here'], 'the agent can pick its own conversation up from this turn');

    await vscode.commands.executeCommand('boocode.undoRestore');
    assert.strictEqual(read('src/app.js'), "console.log('after all');\n");
    assert.strictEqual(read('src/extra.js'), '// created by the agent (all)\n');
    assert.strictEqual(transcriptOf(session).length, 2, 'prompt and reply are back');
    await waitFor('the open editor to show the undone file', () => editor.document.getText() === "console.log('after all');\n");
    assert.match(prompter().notes.at(-1)!.message, /^Undid the restore: 2 files changed back, 2 messages back in the transcript\.$/);
    assert.deepStrictEqual(prompter().errors(), []);
    assert.deepStrictEqual(prompter().unexpected, []);
  });

  it('lists in the confirmation what will be left alone and why, and leaves it alone', async () => {
    const session = `restore-kept-${Date.now()}`;
    write('notes/local.txt', 'my notes then\n');
    const appBefore = read('src/app.js');
    const checkpoint = agentTurn(session, 'Rewrite the app (kept)', () => write('src/app.js', "console.log('after kept');\n"));
    const exclude = path.join(workspaceDir(), '.git/info/exclude');
    const excludeBefore = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : '';
    fs.mkdirSync(path.dirname(exclude), { recursive: true });
    fs.writeFileSync(exclude, `${excludeBefore}\nnotes/\n`);
    try {
      write('notes/local.txt', 'my notes now, ignored through info/exclude\n');
      prompter().answer('Restore Files');
      await vscode.commands.executeCommand('boocode.restoreFilesOnly', checkpoint.id);
      const [confirm] = prompter().asked;
      assert.match(confirm.detail, /1 file will be left alone:\n {4}notes\/local\.txt: ignored now \(\.gitignore, info\/exclude or core\.excludesFile\): never touched/);
      assert.strictEqual(read('notes/local.txt'), 'my notes now, ignored through info/exclude\n', 'the ignored file is left alone');
      assert.strictEqual(read('src/app.js'), appBefore, 'the rest is restored');
      assert.match(prompter().notes.at(-1)!.message, /1 file left alone \(ignored\)\./);
    } finally {
      fs.writeFileSync(exclude, excludeBefore);
      fs.rmSync(file('notes'), { recursive: true, force: true });
    }
  });

  it('changes nothing when the confirmation is cancelled', async () => {
    const { session, checkpoint } = turnThatChangesFiles('cancel');
    prompter().answer(undefined);
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', checkpoint.id);
    assert.strictEqual(read('src/app.js'), "console.log('after cancel');\n");
    assert.strictEqual(transcriptOf(session).length, 2);
    assert.strictEqual(prompter().notes.length, 0);
  });

  it('restores files only, or the transcript only, from the context menu', async () => {
    const { session, checkpoint } = turnThatChangesFiles('modes');
    prompter().answer('Restore Files');
    await vscode.commands.executeCommand('boocode.restoreFilesOnly', checkpoint.id);
    assert.deepStrictEqual(prompter().asked[0].choices, ['Restore Files', 'Choose Files…']);
    assert.strictEqual(read('src/app.js'), "console.log('before modes');\n");
    assert.strictEqual(transcriptOf(session).length, 2, 'files only: the transcript stays');

    write('src/app.js', "console.log('edited again');\n");
    prompter().answer('Restore Transcript');
    await vscode.commands.executeCommand('boocode.restoreTranscriptOnly', checkpoint.id);
    assert.match(prompter().asked[1].detail, /No file changes/);
    assert.strictEqual(read('src/app.js'), "console.log('edited again');\n", 'transcript only: files stay');
    assert.deepStrictEqual(transcriptOf(session), []);
    assert.match(prompter().notes.at(-1)!.message, /Trimmed the transcript back to/);
  });

  describe('with an unsaved editor on a file the restore touches', () => {
    async function dirtyEditor(text: string): Promise<vscode.TextEditor> {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file('src/app.js')));
      // Start from the file as it is on disk: an earlier test may have left this editor dirty, and the
      // file watcher may not have caught up with the agent's write yet (a save would then conflict).
      if (editor.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
      await waitFor('the editor to show the file on disk', () => editor.document.getText() === read('src/app.js'));
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), text));
      assert.ok(editor.document.isDirty);
      return editor;
    }

    it('Cancel leaves both the editor and the files alone', async () => {
      const { checkpoint } = turnThatChangesFiles('dirty-cancel');
      const editor = await dirtyEditor('// my unsaved work\n');
      prompter().answer('Restore Files and Transcript').answer(undefined);
      await vscode.commands.executeCommand('boocode.restoreCheckpoint', checkpoint.id);
      const question = prompter().asked[1];
      assert.strictEqual(question.message, '1 file you are editing has unsaved changes');
      assert.match(question.detail, /src\/app\.js/);
      assert.deepStrictEqual(question.choices, ['Save and Restore', 'Discard My Edits and Restore']);
      assert.ok(editor.document.isDirty, 'the unsaved edit is still there');
      assert.ok(editor.document.getText().startsWith('// my unsaved work'));
      assert.strictEqual(read('src/app.js'), "console.log('after dirty-cancel');\n");
    });

    it('Save and Restore keeps the edit in the safety checkpoint, so Undo brings it back', async () => {
      const { checkpoint } = turnThatChangesFiles('dirty-save');
      const editor = await dirtyEditor('// saved first\n');
      prompter().answer('Files Only').answer('Save and Restore');
      await vscode.commands.executeCommand('boocode.restoreCheckpoint', checkpoint.id);
      assert.strictEqual(read('src/app.js'), "console.log('before dirty-save');\n");
      await waitFor('the editor to show the restored file', () => editor.document.getText() === "console.log('before dirty-save');\n" && !editor.document.isDirty);
      await vscode.commands.executeCommand('boocode.undoRestore');
      assert.strictEqual(read('src/app.js'), "// saved first\nconsole.log('after dirty-save');\n");
    });

    it('Discard My Edits and Restore throws the edit away', async () => {
      const { checkpoint } = turnThatChangesFiles('dirty-discard');
      const editor = await dirtyEditor('// throw me away\n');
      prompter().answer('Files Only').answer('Discard My Edits and Restore');
      await vscode.commands.executeCommand('boocode.restoreCheckpoint', checkpoint.id);
      assert.strictEqual(read('src/app.js'), "console.log('before dirty-discard');\n");
      await waitFor('the editor to show the restored file', () => editor.document.getText() === "console.log('before dirty-discard');\n");
      assert.ok(!editor.document.isDirty);
      assert.deepStrictEqual(prompter().errors(), []);
    });
  });

  it('skips the confirmation when boocode.restore.confirm is off (unsaved editors are still protected)', async () => {
    const config = vscode.workspace.getConfiguration('boocode');
    await config.update('restore.confirm', false, vscode.ConfigurationTarget.Global);
    try {
      const { checkpoint } = turnThatChangesFiles('no-confirm');
      await vscode.commands.executeCommand('boocode.restoreFilesOnly', checkpoint.id);
      assert.strictEqual(prompter().asked.length, 0);
      assert.strictEqual(read('src/app.js'), "console.log('before no-confirm');\n");
    } finally {
      await config.update('restore.confirm', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('says clearly when there is nothing to undo', async () => {
    await vscode.commands.executeCommand('boocode.undoRestore'); // undoes the previous test's restore
    await vscode.commands.executeCommand('boocode.undoRestore');
    assert.deepStrictEqual(prompter().errors(), ['There is no restore to undo in this workspace.']);
  });
});
