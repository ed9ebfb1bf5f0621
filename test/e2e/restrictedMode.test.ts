// UI check: Restricted Mode. With Workspace Trust on and the folder untrusted, the Checkpoints view says
// BooCode is off and offers "Trust Folder…"; that opens VS Code's Workspace Trust editor, and clicking
// Trust there lights up the tree and the status bar in the same window, without a reload.
// Screenshots: test-results/e2e/restricted-mode-*.png; look at them.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliPath } from '../harness/paths';
import { openWorkbench, Workbench } from '../harness/workbench';
import { makeGitWorkspace } from '../harness/workspace';

describe('Restricted Mode in the workbench', function () {
  this.timeout(180000);
  let wb: Workbench;
  let dir: string;

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-untrusted-')));
    const folder = makeGitWorkspace(path.join(dir, 'ws'));
    // Checkpoints an agent's hooks took before the folder was opened here.
    const boocode = (...args: string[]) => execFileSync(process.execPath, [cliPath, ...args, '-C', folder, '--json'], { encoding: 'utf8' });
    boocode('turn', 'begin', '--session', 'earlier', '--agent', 'claude-code', '--prompt', 'Add a greeting');
    fs.writeFileSync(path.join(folder, 'src', 'app.js'), "console.log('hello, world');\n");
    boocode('turn', 'end', '--session', 'earlier', '--reply', 'Done.');
    wb = await openWorkbench({ name: 'restricted-mode', folder, trust: 'untrusted', settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const trustButton = () => wb.page.locator(wb.sel.sideBarButton, { hasText: 'Trust Folder…' }).first();
  const status = () => wb.page.locator(`${wb.sel.statusBar} [aria-label^="BooCode:"]`);

  it('shows the trust message with a Trust Folder… button, and no checkpoints or status', async () => {
    await wb.openView('BooCode', 'Checkpoints');
    await wb.waitForText(/Checkpoints are off in Restricted Mode/, { within: wb.sel.sideBar });
    await trustButton().waitFor({ state: 'visible', timeout: 15000 });
    assert.strictEqual(await wb.page.locator(wb.sel.treeRow, { hasText: 'Add a greeting' }).count(), 0, 'no checkpoints shown');
    assert.strictEqual(await status().count(), 0, 'no BooCode status bar item');
    await wb.screenshot('untrusted');
  });

  it('lights up the tree and the status bar once Trust is clicked, without a reload', async () => {
    await wb.page.evaluate(() => ((globalThis as unknown as { boocodeSameWindow: boolean }).boocodeSameWindow = true));
    await trustButton().click();
    const editor = wb.page.locator(wb.sel.trustEditor);
    await editor.waitFor({ state: 'visible', timeout: 15000 });
    await wb.screenshot('trust-editor');
    await editor.locator(wb.sel.trustEditorButtons).getByText('Trust', { exact: true }).click();
    await wb.page.locator(wb.sel.treeRow, { hasText: 'Before: Add a greeting' }).first().waitFor({ state: 'visible', timeout: 30000 });
    await status().first().waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await status().first().innerText(), /1/);
    assert.strictEqual(await wb.page.evaluate(() => (globalThis as unknown as { boocodeSameWindow?: boolean }).boocodeSameWindow), true, 'the window did not reload');
    await wb.page.keyboard.press('Escape');
    await wb.screenshot('trusted');
  });
});
