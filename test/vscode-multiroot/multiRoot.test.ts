// A multi-root workspace of two git repositories (web, api: the same layout, ignored files in each) and a
// plain folder (notes, no git). Each root has its own checkpoints, sessions, Timeline entries and status;
// a hook or the CLI in one root never shows in another; a restore in one root leaves the others byte for byte.
import * as assert from 'assert';
import { execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CheckpointInfo } from '../../src/core/types';
import type { FolderNode, MessageNode, SessionNode } from '../../src/vscode/checkpointTree';
import { manifest, manifestDiff } from '../unit/manifest';
import { Api, extensionApi, labelOf, treeItems, usePrompter, waitFor } from '../vscode/support';

function roots(): string[] {
  const list = JSON.parse(process.env.BOOCODE_TEST_ROOTS ?? '[]') as string[];
  assert.strictEqual(list.length, 3, 'BOOCODE_TEST_ROOTS names the three roots');
  return list.map((dir) => fs.realpathSync(dir));
}
const [web, apiRoot, notes] = roots();

/** The built CLI in `root`, as a hook or a person in a terminal runs it. */
function cliIn<T = unknown>(root: string, ...args: string[]): T {
  const out = execFileSync(process.execPath, [process.env.BOOCODE_CLI!, ...args, '-C', root, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  return (out.trim() ? JSON.parse(out) : undefined) as T;
}

/** `boocode hook claude-code` in its own process, started in `root` as Claude Code starts it. */
function hookIn(root: string, payload: object): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.env.BOOCODE_CLI!, 'hook', 'claude-code'], {
      cwd: root,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('exit', resolve);
    child.stdin.end(JSON.stringify({ ...payload, cwd: root, transcript_path: null }));
  });
}

function write(root: string, relative: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), text);
}
const read = (root: string, relative: string) => fs.readFileSync(path.join(root, relative), 'utf8');

/** What a restore elsewhere must leave alone: every byte of the folder (ignored files too) and, for a repository, its refs, HEAD and index. */
function snapshot(root: string): { files: ReturnType<typeof manifest>; git: string } {
  const gitDir = path.join(root, '.git');
  if (!fs.existsSync(gitDir)) return { files: manifest(root), git: '' };
  const refs = execFileSync('git', ['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: root, encoding: 'utf8' });
  const index = createHash('sha256').update(fs.readFileSync(path.join(gitDir, 'index'))).digest('hex');
  return { files: manifest(root), git: `${refs}HEAD ${fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8')}index ${index}` };
}
function assertUnchanged(root: string, before: ReturnType<typeof snapshot>, what: string): void {
  const after = snapshot(root);
  assert.deepStrictEqual(manifestDiff(before.files, after.files), [], `${what}: files of ${path.basename(root)}`);
  assert.strictEqual(after.git, before.git, `${what}: refs, HEAD and index of ${path.basename(root)}`);
}

describe('Multi-root workspace: two git repositories and a plain folder', function () {
  this.timeout(90000);
  let api: Api;
  const prompter = usePrompter(() => api);
  const folder = (root: string) => api.testing.model.folderAt(root)!;
  const ids = (list: CheckpointInfo[]) => list.map((checkpoint) => checkpoint.id);
  const rootRows = async () => (await treeItems(api)).filter((entry) => entry.node.kind === 'folder');
  const rowOf = async (root: string) => (await rootRows()).find((entry) => (entry.node as FolderNode).folder.uri.fsPath === root);
  let webTurn: CheckpointInfo;
  let notesBefore: CheckpointInfo;
  let apiTurn: CheckpointInfo;

  before(async () => {
    api = await extensionApi();
  });

  it('has one model per root, in the order of the .code-workspace, each with its own store', async () => {
    assert.ok(vscode.workspace.workspaceFile, 'a .code-workspace is open');
    assert.deepStrictEqual(api.testing.model.folders.map((model) => model.name), ['web', 'api', 'notes']);
    assert.deepStrictEqual(await api.testing.tree.getChildren(), [], 'no checkpoints anywhere yet: the welcome view shows');
    const [webStore, apiStore, notesStore] = await Promise.all([web, apiRoot, notes].map((root) => folder(root).storage()));
    assert.strictEqual(webStore.kind, 'git');
    assert.strictEqual(apiStore.kind, 'git');
    assert.ok(webStore.stateDir.startsWith(path.join(web, '.git')), webStore.stateDir);
    assert.ok(apiStore.stateDir.startsWith(path.join(apiRoot, '.git')), apiStore.stateDir);
    assert.strictEqual(notesStore.kind, 'shadow', 'the folder without git gets a private repository');
    assert.ok(notesStore.stateDir.startsWith(fs.realpathSync(process.env.XDG_STATE_HOME!)), notesStore.stateDir);
    assert.strictEqual(fs.existsSync(path.join(notes, '.git')), false, 'nothing is added to the plain folder');
  });

  it("shows an agent hook run in one root under that root only: tree, API, sessions and status bar", async () => {
    const session = `web-${Date.now()}`;
    assert.strictEqual(await hookIn(web, { session_id: session, hook_event_name: 'UserPromptSubmit', prompt: 'Make the web app greet in French' }), 0);
    write(web, 'src/app.js', "console.log('bonjour');\n");
    assert.strictEqual(await hookIn(web, { session_id: session, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'It says bonjour now.' }), 0);

    const sessionRow = await waitFor('the hook session under web', async () => {
      const webRow = await rowOf(web);
      if (!webRow) return undefined;
      return (await treeItems(api, webRow.node)).find((entry) => (entry.node as SessionNode).session?.id === session);
    }, 5000);
    assert.strictEqual(labelOf(sessionRow.item), 'Make the web app greet in French');
    [webTurn] = (await treeItems(api, sessionRow.node)).map((entry) => (entry.node as { checkpoint: CheckpointInfo }).checkpoint);

    const rows = await rootRows();
    assert.deepStrictEqual(rows.map((entry) => labelOf(entry.item)), ['web', 'api', 'notes'], 'every root has its row, labelled by its name');
    assert.deepStrictEqual(rows.map((entry) => entry.item.description), ['1 checkpoint', '', 'not a git repository']);
    for (const root of [apiRoot, notes]) {
      const children = await treeItems(api, (await rowOf(root))!.node);
      assert.deepStrictEqual(children.map((entry) => (entry.node as MessageNode).text), ['No checkpoints yet'], `${path.basename(root)} says it has none`);
      assert.deepStrictEqual(await api.list({ folder: vscode.Uri.file(root) }), [], `the API lists nothing in ${path.basename(root)}`);
      assert.deepStrictEqual(await folder(root).sessions(), [], `no session in ${path.basename(root)}`);
    }
    assert.deepStrictEqual(ids(await api.list({ folder: vscode.Uri.file(web) })), [webTurn.id]);
    const notesTooltip = (rows[2].item.tooltip as vscode.MarkdownString).value;
    assert.match(notesTooltip, /Not a git repository: BooCode keeps this folder's checkpoints in a private repository/);
    assert.match((rows[0].item.tooltip as vscode.MarkdownString).value, /refs\/boocode\//);

    await waitFor('the count of every root in the status bar', () => /web: 1 · api: 0 · notes: 0/.test(api.testing.statusBar.snapshot().tooltip), 5000);
    assert.strictEqual(api.testing.statusBar.snapshot().text, '$(history) 1');
    assert.match(api.testing.statusBar.snapshot().tooltip, /latest .* in web:/);
    const apiRefs = execFileSync('git', ['for-each-ref', 'refs/boocode/checkpoints'], { cwd: apiRoot, encoding: 'utf8' });
    assert.strictEqual(apiRefs, '', 'no checkpoint ref in the other repository');
  });

  it('shows the CLI in the plain folder (boocode checkpoint -C notes) under notes only, and writes nothing into it', async () => {
    const files = manifest(notes);
    notesBefore = cliIn<CheckpointInfo>(notes, 'checkpoint', '--label', 'Notes before the rewrite');
    assert.deepStrictEqual(manifestDiff(files, manifest(notes)), [], 'a checkpoint adds nothing to the folder');
    write(notes, 'todo.md', '# To do\n\n- rewritten by hand\n');
    cliIn(notes, 'checkpoint', '--label', 'Notes after the rewrite');
    const manual = await waitFor('the manual group under notes', async () => {
      const row = await rowOf(notes);
      const children = row ? await treeItems(api, row.node) : [];
      const group = children.find((entry) => entry.node.kind === 'session');
      return group && (await treeItems(api, group.node)).length === 2 ? group : undefined;
    }, 5000);
    assert.strictEqual(labelOf(manual.item), 'Manual checkpoints');
    assert.strictEqual((await rowOf(notes))!.item.description, '2 checkpoints · not a git repository');
    assert.deepStrictEqual(ids(await api.list({ folder: vscode.Uri.file(web) })), [webTurn.id], 'web is unchanged');
    assert.deepStrictEqual(await api.list({ folder: vscode.Uri.file(apiRoot) }), [], 'api is unchanged');
  });

  it("lists each root's own checkpoints in the Timeline of files with the same path in two repositories", async () => {
    const session = `api-${Date.now()}`;
    const begun = cliIn<{ checkpoint: CheckpointInfo }>(apiRoot, 'turn', 'begin', '--session', session, '--prompt', 'Log every request', '--agent', 'codex');
    apiTurn = begun.checkpoint;
    write(apiRoot, 'src/app.js', "console.log('request');\n");
    cliIn(apiRoot, 'turn', 'end', '--session', session, '--reply', 'Done.');
    api.testing.model.refresh();
    const token = new vscode.CancellationTokenSource().token;
    const timelineOf = async (root: string, relative: string) =>
      (await api.testing.timeline.provideTimeline(vscode.Uri.file(path.join(root, relative)), {}, token)).items.map((item) => item.id);
    assert.deepStrictEqual(await timelineOf(web, 'src/app.js'), [webTurn.id], "web's src/app.js: web's turn only");
    assert.deepStrictEqual(await timelineOf(apiRoot, 'src/app.js'), [apiTurn.id], "api's src/app.js: api's turn only");
    assert.deepStrictEqual(await timelineOf(notes, 'todo.md'), [notesBefore.id], 'the plain folder has its Timeline too');
    assert.deepStrictEqual(await timelineOf(web, 'README.md'), [], 'a file no turn changed has none');
  });

  it('restores in one root and leaves the other roots byte for byte, ignored files, refs and index included', async () => {
    const others = { api: snapshot(apiRoot), notes: snapshot(notes) };
    const webIgnored = { env: read(web, '.env'), bundle: fs.readFileSync(path.join(web, 'build', 'bundle.bin')) };
    const apiCount = (await api.list({ folder: vscode.Uri.file(apiRoot) })).length;
    prompter().answer('Restore Files and Transcript');
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', webTurn.id, vscode.Uri.file(web));
    assert.deepStrictEqual(prompter().errors(), []);
    assert.strictEqual(read(web, 'src/app.js'), "console.log('hello');\n", 'web is back to before the turn');
    assert.strictEqual(read(web, '.env'), webIgnored.env, "web's ignored files are left alone");
    assert.ok(fs.readFileSync(path.join(web, 'build', 'bundle.bin')).equals(webIgnored.bundle));
    assertUnchanged(apiRoot, others.api, 'a restore in web');
    assertUnchanged(notes, others.notes, 'a restore in web');
    assert.strictEqual((await api.list({ folder: vscode.Uri.file(apiRoot) })).length, apiCount, 'the safety checkpoint stays in web');

    const repos = { web: snapshot(web), api: snapshot(apiRoot) };
    prompter().answer('Restore Files');
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', notesBefore.id, vscode.Uri.file(notes));
    assert.deepStrictEqual(prompter().errors(), []);
    assert.strictEqual(read(notes, 'todo.md'), '# To do\n\n- write the docs\n', 'the plain folder is restored');
    assert.strictEqual(fs.existsSync(path.join(notes, '.git')), false);
    assertUnchanged(web, repos.web, 'a restore in notes');
    assertUnchanged(apiRoot, repos.api, 'a restore in notes');
  });

  it("asks which root when a command names none; a root row's Create Checkpoint takes that root without asking", async () => {
    const before = await Promise.all([web, apiRoot, notes].map(async (root) => (await api.list({ folder: vscode.Uri.file(root) })).length));
    prompter().choose('api').type('From the palette');
    await vscode.commands.executeCommand('boocode.createCheckpoint');
    assert.deepStrictEqual(prompter().picked[0].labels, ['web', 'api', 'notes']);
    const row = (await rowOf(notes))!;
    prompter().type('From the notes row');
    await vscode.commands.executeCommand('boocode.createCheckpoint', row.node);
    assert.strictEqual(prompter().picked.length, 1, 'the row names its root');
    const after = await Promise.all([web, apiRoot, notes].map((root) => api.list({ folder: vscode.Uri.file(root) })));
    assert.deepStrictEqual(after.map((list) => list.length), [before[0], before[1] + 1, before[2] + 1]);
    assert.strictEqual(after[1][0].label, 'From the palette');
    assert.strictEqual(after[2][0].label, 'From the notes row');
    assert.deepStrictEqual(prompter().unexpected, []);
  });

  it("warns of a failed checkpoint naming its root, until that root's next checkpoint (not another root's)", async () => {
    const apiState = (await folder(apiRoot).storage()).stateDir;
    const failure = { state: 'failed', at: Date.now(), pid: process.pid, error: 'Checkpoint failed: the disk is full.' };
    fs.writeFileSync(path.join(apiState, 'activity.json'), JSON.stringify(failure));
    const warned = await waitFor('the warning', () => {
      const snap = api.testing.statusBar.snapshot();
      return snap.state === 'failed' ? snap : undefined;
    }, 5000);
    assert.match(warned.tooltip, /The last checkpoint of api failed/);
    assert.match(warned.tooltip, /the disk is full/);

    await new Promise((resolve) => setTimeout(resolve, 10));
    const webCheckpoint = cliIn<CheckpointInfo>(web, 'checkpoint', '--label', 'Later, in web');
    await waitFor("web's new checkpoint in the model", async () => (await folder(web).list()).some((c) => c.id === webCheckpoint.id), 5000);
    await api.testing.statusBar.update();
    assert.strictEqual(api.testing.statusBar.snapshot().state, 'failed', "web's checkpoint does not clear api's failure");

    cliIn(apiRoot, 'checkpoint', '--label', 'Recovered in api');
    await waitFor('the idle state once api checkpoints again', () => api.testing.statusBar.snapshot().state === 'idle', 5000);
  });
});
