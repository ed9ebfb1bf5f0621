// Smoke test: the extension is loaded in a real VS Code, activates, and the test workspace is open.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'boocode.boocode-checkpoints';

describe('extension host smoke', () => {
  it('finds and activates boocode.boocode-checkpoints', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });

  it('opens the temporary git repository as the workspace', () => {
    const expected = process.env.BOOCODE_TEST_WORKSPACE;
    assert.ok(expected, 'BOOCODE_TEST_WORKSPACE is not set');
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepStrictEqual(
      folders.map((folder) => fs.realpathSync(folder.uri.fsPath)),
      [fs.realpathSync(expected)],
    );
    assert.ok(fs.existsSync(`${expected}/.git`), 'the workspace is a git repository');
  });

  it('is given the built CLI', () => {
    const cli = process.env.BOOCODE_CLI;
    assert.ok(cli && fs.existsSync(cli), `BOOCODE_CLI (${cli}) does not exist`);
  });
});
