// An agent's hook running in a terminal (another process, as Claude Code runs it) updates the
// Checkpoints tree and the status bar of an open window: spinner while it checkpoints, then the
// new session and checkpoint, then the reply in the transcript.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SessionNode } from '../../src/vscode/checkpointTree';
import { Api, extensionApi, labelOf, treeItems, waitFor, workspaceDir, write } from './support';

/** Runs `boocode hook claude-code` in its own process with the payload on stdin, as the agent does. */
function runHook(payload: object): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.env.BOOCODE_CLI!, 'hook', 'claude-code'], {
      cwd: workspaceDir(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code) => resolve({ code, stdout }));
    child.stdin.end(JSON.stringify(payload));
  });
}

describe('Agent hooks in a terminal', function () {
  this.timeout(60000);
  let api: Api;
  let stateDir: string;

  before(async () => {
    api = await extensionApi();
    stateDir = (await api.testing.model.folders[0].store()).stateDir;
  });

  it('a Claude Code turn run from another process shows in the status bar and the tree, and its reply in the transcript', async () => {
    const session = `hook-${Date.now()}`;
    const before = (await api.list()).length;
    // Hold the checkpoint lock briefly, as a long checkpoint would, so the spinner can be seen.
    const lock = path.join(stateDir, 'git.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    const begun = runHook({
      session_id: session,
      transcript_path: null,
      cwd: workspaceDir(),
      permission_mode: 'default',
      hook_event_name: 'UserPromptSubmit',
      prompt: 'Rename greet to welcome everywhere',
    });
    try {
      await waitFor('the spinner while the hook checkpoints', () => api.testing.statusBar.snapshot().state === 'checkpointing', 5000);
    } finally {
      fs.rmSync(lock, { force: true });
    }
    const result = await begun;
    assert.strictEqual(result.code, 0);
    assert.strictEqual(result.stdout, '', 'nothing goes into the model context');

    await waitFor('the count in the status bar', () => api.testing.statusBar.snapshot().text === `$(history) ${before + 1}`, 3000);
    const sessionEntry = await waitFor('the hook session in the tree', async () => {
      const roots = await treeItems(api);
      return roots.find((entry) => (entry.node as SessionNode).session?.id === session);
    }, 3000);
    assert.strictEqual(labelOf(sessionEntry.item), 'Rename greet to welcome everywhere');
    assert.match(String(sessionEntry.item.description), /^claude-code · /);
    const checkpoints = await treeItems(api, sessionEntry.node);
    assert.deepStrictEqual(checkpoints.map((entry) => labelOf(entry.item)), ['Before: Rename greet to welcome everywhere']);

    write('src/welcome.js', 'exports.welcome = () => "hi";\n');
    const ended = await runHook({
      session_id: session,
      transcript_path: null,
      cwd: workspaceDir(),
      hook_event_name: 'Stop',
      stop_hook_active: false,
      last_assistant_message: 'Renamed greet to welcome in 3 files.',
    });
    assert.strictEqual(ended.code, 0);
    // The reply is recorded by a detached follow-up once the hook has returned.
    const store = await api.testing.model.folders[0].store();
    const transcript = await waitFor('the reply in the transcript', async () => {
      const messages = await store.transcript(session);
      return messages.length === 2 ? messages : undefined;
    }, 10000);
    assert.deepStrictEqual(
      transcript.map((message) => [message.role, message.text]),
      [['user', 'Rename greet to welcome everywhere'], ['assistant', 'Renamed greet to welcome in 3 files.']],
    );
  });
});
