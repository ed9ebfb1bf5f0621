// UI checks of the finished product on the demo workspace (the one `npm start` opens): the tree with a
// hover tooltip, the restore confirmation, a diff editor, the status bar while checkpointing, and the
// Timeline entries. Screenshots go to test-results/e2e/checkpoints-*.png (e2e-<version>/ for the newest VS Code);
// look at them.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliPath, repoRoot } from '../harness/paths';
import { openWorkbench, Workbench } from '../harness/workbench';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareDemo } = require(path.join(repoRoot, 'scripts', 'start.js')) as { prepareDemo: (dir: string) => void };

describe('BooCode Checkpoints in the workbench', function () {
  this.timeout(180000);
  let wb: Workbench;
  let demo: string;

  before(async () => {
    demo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-')));
    prepareDemo(demo);
    wb = await openWorkbench({ name: 'checkpoints', folder: demo, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
    await wb?.page.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    fs.rmSync(demo, { recursive: true, force: true });
  });

  const row = (text: string | RegExp) => wb.treeRow(text);

  it('shows sessions and checkpoints, with the whole story in a hover', async () => {
    await wb.openView('BooCode', 'Checkpoints');
    await wb.widenSideBar();
    await row('Add a --name flag').click(); // the older session starts collapsed
    await row('Before: Make the greeting friendlier').waitFor({ state: 'visible', timeout: 30000 });
    const labels = await wb.treeLabels();
    assert.ok(labels.some((label) => label.startsWith('Before: Add a --name flag')), labels.join(' | '));
    await row('Before: Make the greeting friendlier').hover();
    const hover = wb.page.locator(wb.sel.hover).filter({ hasText: 'Before the prompt' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    await wb.screenshot('tree-hover');
  });

  it("clicking a changed file opens the turn's own diff (before ↔ where the turn ended)", async () => {
    await row('Before: Make the greeting friendlier').click();
    await row(/^greet\.js/).waitFor({ state: 'visible', timeout: 10000 });
    await row(/^greet\.js/).click();
    await wb.page.locator(wb.sel.diffEditor).first().waitFor({ state: 'visible', timeout: 15000 });
    await wb.waitForText(/greet\.js \(Before: Make the greeting/, { within: wb.sel.editorArea });
    await wb.waitForText('Nice to see you', { within: wb.sel.diffEditor });
    await wb.screenshot('diff-editor');
  });

  it('asks before restoring, listing what changes and what is deleted', async () => {
    await wb.clickRowAction(row('Before: Write tests for greet()'), 'Restore Checkpoint…');
    const dialog = wb.page.locator(wb.sel.dialog);
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    const text = await dialog.innerText();
    assert.match(text, /will be DELETED/);
    assert.match(text, /src\/log\.js/);
    await wb.screenshot('restore-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('spins in the status bar while a hook is checkpointing', async () => {
    const status = wb.page.locator(`${wb.sel.statusBar} [aria-label^="BooCode:"]`).first();
    await status.waitFor({ state: 'visible', timeout: 15000 });
    const lock = path.join(demo, '.git', 'boocode', 'git.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
    const child = spawn(process.execPath, [cliPath, 'turn', 'begin', '--session', 'ui-check', '--prompt', 'Slow turn', '--agent', 'claude-code', '-C', demo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await wb.waitForText('Checkpointing…', { within: wb.sel.statusBar, timeout: 10000 });
      await wb.screenshot('status-checkpointing');
    } finally {
      fs.rmSync(lock, { force: true });
    }
    await exited;
    await wb.page.locator(wb.sel.statusBarItem, { hasText: 'Checkpointing…' }).waitFor({ state: 'hidden', timeout: 10000 });
  });

  it('lists the turns that changed a file in its Timeline', async () => {
    // The open diff shows two checkpoints (no file of the workspace): open the file itself.
    await wb.runCommand('View: Close All Editors');
    await wb.page.keyboard.press('Control+P');
    const input = wb.page.locator(wb.sel.quickInputBox);
    await input.waitFor({ state: 'visible' });
    await input.fill('src/greet.js');
    await wb.page.locator(wb.sel.quickInputRow, { hasText: 'greet.js' }).first().waitFor({ state: 'visible' });
    await wb.page.keyboard.press('Enter');
    await wb.runCommand('Explorer: Focus on Timeline View');
    const entry = wb.page.locator(wb.sel.timelineRow, { hasText: 'Before: Make the greeting friendlier' }).first();
    await entry.waitFor({ state: 'visible', timeout: 20000 });
    await wb.screenshot('timeline');
  });

  it('restores on confirm, says what happened, and Undo in the notification brings the files back', async () => {
    const logFile = path.join(demo, 'src', 'log.js');
    assert.ok(fs.existsSync(logFile), 'the demo has a file the restore deletes');
    await wb.runCommand('BooCode: Focus on Checkpoints View');
    const target = row('Before: Write tests for greet()');
    await target.waitFor({ state: 'visible', timeout: 15000 });
    await wb.clickRowAction(target, 'Restore Checkpoint…');
    const dialog = wb.page.locator(wb.sel.dialog);
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    await dialog.getByRole('button', { name: 'Restore Files and Transcript' }).click();
    const toast = wb.page.locator(wb.sel.notification, { hasText: 'Restored' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await toast.innerText(), /start a new conversation/, 'the stale agent context is pointed out');
    assert.strictEqual(fs.existsSync(logFile), false, 'the file created after the checkpoint is gone');
    await wb.screenshot('restored-notification');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await wb.page.locator(wb.sel.notification, { hasText: 'Undid the restore' }).first().waitFor({ state: 'visible', timeout: 20000 });
    assert.ok(fs.existsSync(logFile), 'Undo brought it back');
  });
});
