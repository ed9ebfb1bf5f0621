// A restore killed half-way (kill -9 of the CLI while it is changing files) is found by the extension
// and offered in a notification: Roll Back returns every file to how it was before the restore,
// Finish It completes it (and Undo then reverses it). Nothing is left half-done, no temp file stays.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Api, cli, extensionApi, file, usePrompter, waitFor, workspaceDir, write } from './support';

const FILES = 1500;

describe('An interrupted restore', function () {
  this.timeout(120000);
  let api: Api;
  before(async () => {
    api = await extensionApi();
  });
  const prompter = usePrompter(() => api);
  after(() => {
    for (const tag of ['rollback', 'finish']) fs.rmSync(file(`interrupted-${tag}`), { recursive: true, force: true });
  });

  const bigFile = (tag: string, i: number) => `interrupted-${tag}/part${i % 20}/file${i}.txt`;
  const contents = (tag: string) => Array.from({ length: FILES }, (_, i) => fs.readFileSync(file(bigFile(tag, i)), 'utf8'));
  const journal = () => path.join(path.dirname(cli<{ store: string }>('info').store), 'restore.journal');

  /** Files at v1 in a checkpoint, then all rewritten to v2: restoring the checkpoint changes 1,500 files. */
  function prepare(tag: string): { checkpoint: string } {
    for (let i = 0; i < FILES; i++) write(bigFile(tag, i), `v1 ${tag} ${i}\n`);
    const checkpoint = cli<{ id: string }>('checkpoint', '--label', `interrupted ${tag}`).id;
    for (let i = 0; i < FILES; i++) write(bigFile(tag, i), `v2 ${tag} ${i}\n`);
    return { checkpoint };
  }

  /** Runs `boocode restore` and kills it with SIGKILL once its journal says it is changing files. */
  async function killWhileApplying(checkpoint: string): Promise<void> {
    const journalFile = journal();
    for (let attempt = 0; attempt < 5; attempt++) {
      const child = spawn(process.execPath, [process.env.BOOCODE_CLI!, 'restore', checkpoint, '--yes', '-C', workspaceDir()], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: 'ignore',
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const deadline = Date.now() + 20000;
      let killed = false;
      // A tight poll that still lets the extension host breathe: applying 1,500 files lasts a few hundred milliseconds.
      while (Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setImmediate(resolve));
        let phase = '';
        try {
          phase = JSON.parse(fs.readFileSync(journalFile, 'utf8')).phase;
        } catch {
          // not written yet, or being replaced
        }
        if (phase === 'applying') {
          process.kill(child.pid!, 'SIGKILL');
          killed = true;
          break;
        }
      }
      await exited;
      if (killed && fs.existsSync(journalFile)) return;
      // It finished before we caught it: undo and try again.
      if (!fs.existsSync(journalFile)) cli('undo');
    }
    assert.fail('could not interrupt the restore while it was changing files');
  }

  const leftovers = () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        if (entry.name.startsWith('.boocode-')) found.push(path.join(dir, entry.name));
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
      }
    };
    walk(workspaceDir());
    return found;
  };

  it('offers Finish It or Roll Back naming the safety checkpoint; Roll Back returns every file as it was', async () => {
    const { checkpoint } = prepare('rollback');
    const before = contents('rollback');
    await killWhileApplying(checkpoint);

    prompter().click('Roll Back');
    await api.testing.offerInterruptedRestores();
    const offer = prompter().notes.find((note) => note.actions.includes('Roll Back'));
    assert.ok(offer, `no offer among ${JSON.stringify(prompter().notes)}`);
    assert.match(offer.message, new RegExp(`^A restore to checkpoint ${checkpoint} in \\S+ was interrupted .*Everything as it was before is in safety checkpoint [0-9a-z]+-[0-9a-z]+\\. Finish it, or roll back`));
    assert.deepStrictEqual(offer.actions, ['Finish It', 'Roll Back']);
    await waitFor('the rolled-back message', () => prompter().notes.find((note) => /^Rolled back: your files are as they were/.test(note.message)));

    assert.deepStrictEqual(contents('rollback'), before, 'every file is back as it was before the restore');
    assert.strictEqual(fs.existsSync(journal()), false, 'the journal is gone');
    assert.deepStrictEqual(leftovers(), []);
    assert.deepStrictEqual(prompter().errors(), []);
  });

  it('Finish It completes the restore, and Undo then brings back the state before it', async () => {
    const { checkpoint } = prepare('finish');
    const before = contents('finish');
    await killWhileApplying(checkpoint);

    prompter().click('Finish It');
    await api.testing.offerInterruptedRestores();
    const done = await waitFor('the finished message', () => prompter().notes.find((note) => /^Finished the interrupted restore: /.test(note.message)));
    assert.deepStrictEqual(done.actions, ['Undo']);
    assert.deepStrictEqual(
      contents('finish'),
      before.map((_, i) => `v1 finish ${i}\n`),
      'every file holds the checkpoint',
    );
    assert.deepStrictEqual(leftovers(), []);

    await vscode.commands.executeCommand('boocode.undoRestore');
    assert.deepStrictEqual(contents('finish'), before, 'undo brings back the state before the restore');
    assert.deepStrictEqual(prompter().errors(), []);
  });

  it('offers nothing when no restore was interrupted', async () => {
    await api.testing.offerInterruptedRestores();
    assert.deepStrictEqual(prompter().notes, []);
  });
});
