// Export Session… and Import Session… in the extension host: the same core as `boocode export` and
// `boocode import`, driven through the commands with the dialogs answered by a scripted Prompter.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { SessionNode, SharedSessionNode } from '../../src/vscode/checkpointTree';
import { agentTurn, Api, cli, extensionApi, freshList, labelOf, treeItems, usePrompter, waitFor, workspaceDir, write } from './support';

/** The built CLI outside the test workspace (a plain folder with its own state home stands for another machine). */
function otherMachine(...args: string[]): any {
  const out = execFileSync(process.execPath, [process.env.BOOCODE_CLI as string, ...args, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', XDG_STATE_HOME: stateHome },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.trim() ? JSON.parse(out) : undefined;
}

const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-share-ext-')));
const stateHome = path.join(scratch, 'state');

describe('Export and import a session', function () {
  this.timeout(60000);
  let api: Api;
  before(async () => {
    api = await extensionApi();
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const prompter = usePrompter(() => api);

  it('Export Session… on a session in the tree writes an encrypted session file', async () => {
    const session = `export-${Date.now()}`;
    agentTurn(session, 'Export me', () => write('src/exported.js', 'exported\n'));
    const folder = api.testing.model.folders[0];
    api.testing.model.refresh();
    const info = (await (await folder.store()).sessions()).find((s) => s.id === session);
    assert.ok(info, 'the session is recorded');
    const node: SessionNode = { kind: 'session', folder, session: info, checkpoints: [], newest: true };
    const output = path.join(scratch, 'exported.boocode');
    const key = path.join(scratch, 'key.txt');
    fs.writeFileSync(key, 'a passphrase\n');
    prompter().type(output).choose('Encrypt').type(key);
    const result = (await vscode.commands.executeCommand('boocode.exportSession', node)) as { file: string; encrypted: boolean; checkpoints: string[] };
    assert.deepStrictEqual(prompter().errors(), []);
    assert.strictEqual(result.file, output);
    assert.strictEqual(result.encrypted, true);
    assert.strictEqual(result.checkpoints.length, 2, 'the turn and its end');
    assert.ok(fs.readFileSync(output).subarray(0, 16).toString() === 'boocode-session\n');
    assert.ok(!fs.readFileSync(output).includes('Export me'), 'the prompt is not readable in the file');
    assert.match(prompter().notes.at(-1)!.message, /Exported 2 checkpoints and 2 messages of export-/);
  });

  it('Import Session… brings a session from elsewhere into the folder, asking for the key of an encrypted one', async () => {
    const source = path.join(scratch, 'laptop');
    fs.mkdirSync(source);
    fs.writeFileSync(path.join(source, 'notes.md'), 'from the laptop\n');
    const taken = otherMachine('turn', 'begin', '-C', source, '--session', 'laptop-session', '--prompt', 'Written on the laptop', '--agent', 'codex');
    const key = path.join(scratch, 'laptop.key');
    fs.writeFileSync(key, 'laptop key\n');
    const file = path.join(scratch, 'laptop.boocode');
    otherMachine('export', 'laptop-session', '-C', source, '-o', file, '--encrypt', '--key-file', key);

    prompter().type(file).type(key);
    const result = (await vscode.commands.executeCommand('boocode.importSession')) as { sessionId: string; imported: string[] };
    assert.deepStrictEqual(prompter().errors(), []);
    assert.strictEqual(prompter().inputs.length, 2, 'asked for the file, then for the key');
    assert.deepStrictEqual(result.imported, [taken.checkpoint.id]);
    assert.match(prompter().notes.at(-1)!.message, /Imported session laptop-session: 1 checkpoint, 1 message/);
    const listed = await freshList(api);
    const checkpoint = listed.find((c) => c.id === taken.checkpoint.id);
    assert.ok(checkpoint, 'the imported checkpoint is listed in the workspace');
    assert.strictEqual(checkpoint.prompt, 'Written on the laptop');

    // The same file again: nothing changes.
    prompter().type(file).type(key);
    await vscode.commands.executeCommand('boocode.importSession');
    assert.match(prompter().notes.at(-1)!.message, /already here; nothing was changed/);
  });

  it('shows sessions fetched from a remote in their own section, marked with whose they are, and imports one', async () => {
    // Alice: a clone of this repository, a turn, pushed to a bare remote; this workspace fetches it.
    const remote = path.join(scratch, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    const alice = path.join(scratch, 'alice');
    execFileSync('git', ['clone', '-q', workspaceDir(), alice]);
    fs.writeFileSync(path.join(alice, 'alice.txt'), 'from alice\n');
    const taken = otherMachine('turn', 'begin', '-C', alice, '--session', 'alice-session', '--prompt', 'Alice asks for a feature', '--agent', 'claude-code');
    otherMachine('push', `file://${remote}`, '-C', alice, '--as', 'alice', '--yes');
    cli('fetch', `file://${remote}`);
    api.testing.model.refresh();

    const group = await waitFor('the shared section', async () => (await treeItems(api)).find((entry) => entry.node.kind === 'sharedGroup'));
    assert.strictEqual(labelOf(group.item), 'Shared with you');
    const [entry] = await treeItems(api, group.node);
    assert.strictEqual(labelOf(entry.item), 'Alice asks for a feature');
    assert.match(String(entry.item.description), /^alice · claude-code · .* · 1 checkpoint$/);
    assert.strictEqual(entry.item.contextValue, 'sharedSession');

    const result = (await vscode.commands.executeCommand('boocode.importSharedSession', entry.node as SharedSessionNode)) as { imported: string[] };
    assert.deepStrictEqual(prompter().errors(), []);
    assert.deepStrictEqual(result.imported, [taken.checkpoint.id]);
    assert.ok((await freshList(api)).some((c) => c.id === taken.checkpoint.id), 'listed with the workspace checkpoints');
  });

  it('Share Sessions… says what it will send and pushes after a yes; Fetch Shared Sessions… brings them back', async () => {
    const session = `push-${Date.now()}`;
    agentTurn(session, 'Share me through the remote', () => write('src/shared.js', 'shared\n'));
    const remote = path.join(scratch, 'team.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    const url = `file://${remote}`;
    const folder = api.testing.model.folders[0];
    const info = (await (await folder.store()).sessions()).find((s) => s.id === session)!;
    const node: SessionNode = { kind: 'session', folder, session: info, checkpoints: [], newest: true };

    prompter().type(url).choose('readable').answer(undefined); // shown what it would send, then Cancel
    await vscode.commands.executeCommand('boocode.pushSessions', node);
    const [question] = prompter().asked;
    assert.match(question.message, new RegExp(`^Share 1 session on ${url.replace(/[/.]/g, '\\$&')} as BooCode-Test\\?$`));
    assert.match(question.detail, new RegExp(`${session}: 2 checkpoints, 2 messages \\(readable by anyone who can fetch\\)`));
    assert.match(question.detail, /At most \d+ objects?, [\d.]+ (B|KB)\./);
    assert.strictEqual(execFileSync('git', ['for-each-ref'], { cwd: remote }).toString(), '', 'nothing sent on Cancel');

    prompter().type(url).choose('readable').answer('Push');
    await vscode.commands.executeCommand('boocode.pushSessions', node);
    assert.deepStrictEqual(prompter().errors(), []);
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], { cwd: remote }).toString();
    assert.match(refs, new RegExp(`refs/boocode/shared/BooCode-Test/${session}/transcript`));
    assert.match(refs, new RegExp(`refs/boocode/shared/BooCode-Test/${session}/checkpoints/`));

    prompter().type(url);
    const fetched = (await vscode.commands.executeCommand('boocode.fetchSessions')) as { id: string; shared: string }[];
    assert.deepStrictEqual(prompter().errors(), []);
    assert.ok(fetched.some((s) => s.id === session && s.shared === 'BooCode-Test'), JSON.stringify(fetched));
    const group = await waitFor('the shared section', async () => (await treeItems(api)).find((entry) => entry.node.kind === 'sharedGroup'));
    assert.ok((await treeItems(api, group.node)).some((entry) => labelOf(entry.item) === 'Share me through the remote'));
  });
});
