// Resume <agent> Here: offered after a restore and on a checkpoint, it opens a terminal that runs the
// agent itself (program and arguments, no shell), continuing the conversation from before that turn.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { agentTurn, Api, extensionApi, usePrompter, waitFor, workspaceDir, write } from './support';

describe('Resume the agent here', function () {
  this.timeout(90000);
  let api: Api;
  let bin: string;
  let savedPath: string | undefined;
  before(async () => {
    api = await extensionApi();
    // A stand-in `claude` on the PATH the extension host sees (the tests run in its process).
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-resume-bin-'));
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
  });
  after(() => {
    process.env.PATH = savedPath;
    fs.rmSync(bin, { recursive: true, force: true });
  });
  const prompter = usePrompter(() => api);

  const nextTerminal = () =>
    new Promise<vscode.Terminal>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no terminal opened')), 20000);
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        clearTimeout(timer);
        listener.dispose();
        resolve(terminal);
      });
    });

  it('after a restore, Resume Claude Code Here opens a terminal running claude with the conversation up to that turn', async () => {
    const session = `resume-${Date.now()}`;
    agentTurn(session, 'First turn of the resumed session', () => write('src/resume-one.js', '1\n'));
    const second = agentTurn(session, 'Second turn, restored away', () => write('src/resume-two.js', '2\n'));
    prompter().answer('Restore Files and Transcript').click('Resume Claude Code Here');
    const opened = nextTerminal();
    await vscode.commands.executeCommand('boocode.restoreCheckpoint', second.id);
    const terminal = await opened;
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.strictEqual(options.shellPath, path.join(bin, 'claude'));
    assert.strictEqual((options.cwd as vscode.Uri).fsPath, workspaceDir(), 'the cwd is a Uri (remote-safe)');
    // Claude Code's own session is not on this machine (the CLI stood in for it): a new conversation
    // starts with our transcript up to the restored turn as its first message, and the note says so.
    const [seed] = options.shellArgs as string[];
    assert.ok(seed.includes('First turn of the resumed session') && !seed.includes('Second turn, restored away'), seed);
    const note = await waitFor('the resume note', () => prompter().notes.find((n) => n.actions.includes('Open Transcript Sent')));
    assert.match(note.message, /Claude Code's own session .* is not on this machine/);
    terminal.dispose();

    // The same from the checkpoint's context menu entry.
    const again = nextTerminal();
    await vscode.commands.executeCommand('boocode.resumeAgent.claude-code', second.id);
    (await again).dispose();
    fs.rmSync(path.join(workspaceDir(), 'src/resume-one.js'), { force: true });
  });
});
