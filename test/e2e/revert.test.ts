// UI checks of reverting one turn in the real workbench: the tree showing a turn's own diff and the
// person's edits between turns as their own entry, the Revert This Turn confirmation, and the result
// with one conflict. Screenshots go to test-results/e2e/revert-*.png (e2e-<version>/ for the newest VS Code);
// look at them.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliPath } from '../harness/paths';
import { openWorkbench, Workbench } from '../harness/workbench';

describe('Reverting a turn in the workbench', function () {
  this.timeout(180000);
  let wb: Workbench;
  let dir: string;
  const write = (relative: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  };
  const read = (relative: string) => fs.readFileSync(path.join(dir, relative), 'utf8');
  const boocode = (...args: string[]) => execFileSync(process.execPath, [cliPath, ...args, '-C', dir], { encoding: 'utf8' });
  const turn = (prompt: string, edits: () => void) => {
    boocode('turn', 'begin', '--session', 'ui-revert', '--agent', 'claude-code', '--prompt', prompt);
    edits();
    boocode('turn', 'end', '--session', 'ui-revert', '--reply', `Done: ${prompt}`);
  };
  const greet = ['function greet(name) {', "  return 'Hello, ' + name;", '}', '', 'function farewell(name) {', "  return 'Bye, ' + name;", '}', ''].join('\n');
  const style = ['body {', '  color: black;', '}', ''].join('\n');

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-revert-')));
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'd@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'd@example.com' };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
    write('src/greet.js', greet);
    write('src/style.css', style);
    execFileSync('git', ['add', '.'], { cwd: dir, env });
    execFileSync('git', ['commit', '-qm', 'start'], { cwd: dir, env });
    turn('Make the greeting warmer and the text blue', () => {
      write('src/greet.js', greet.replace("'Hello, '", "'Hello there, dear '"));
      write('src/style.css', style.replace('black', 'blue'));
    });
    // Between turns the person edits the greeting line too, and writes notes.
    write('src/greet.js', read('src/greet.js').replace("'Hello there, dear '", "'Hello there, dear friend '"));
    write('NOTES.md', '# Notes\n\nKeep the greeting short.\n');
    turn('Add a farewell emoji', () => write('src/greet.js', read('src/greet.js').replace("'Bye, '", "'Bye 👋, '")));
    wb = await openWorkbench({ name: 'revert', folder: dir, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string | RegExp) => wb.treeRow(text);

  it("shows a turn's own diff and the person's edits between turns as their own entry", async () => {
    await wb.openView('BooCode', 'Checkpoints');
    await wb.widenSideBar();
    await row('Before: Make the greeting warmer').waitFor({ state: 'visible', timeout: 30000 });
    await row('Your edits between turns: 2 files').click();
    await row('Before: Make the greeting warmer').click();
    await row(/^style\.css/).waitFor({ state: 'visible', timeout: 10000 });
    const labels = await wb.treeLabels();
    const order = ['Before: Add a farewell emoji', 'Your edits between turns: 2 files', 'Before: Make the greeting warmer'].map((label) =>
      labels.findIndex((candidate) => candidate.startsWith(label)),
    );
    assert.ok(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1])), labels.join(' | '));
    await wb.screenshot('tree-turn-diff-and-edits');
  });

  it('reverts the turn: one file goes back, the conflicting one is left as it is and said so', async () => {
    const greetBefore = read('src/greet.js');
    await wb.runCommand('BooCode: Revert This Turn…');
    const pick = wb.page.locator(wb.sel.quickInputRow, { hasText: 'Make the greeting warmer' }).first();
    await pick.waitFor({ state: 'visible', timeout: 15000 });
    await pick.click();
    const dialog = wb.page.locator(wb.sel.dialog);
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    const text = await dialog.innerText();
    assert.match(text, /src\/style\.css/);
    assert.match(text, /left exactly as they are/);
    await wb.screenshot('confirmation');
    await dialog.getByRole('button', { name: 'Revert Turn' }).click();
    const toast = wb.page.locator(wb.sel.notification, { hasText: 'Reverted' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20000 });
    assert.match(await toast.innerText(), /Not reverted/);
    assert.strictEqual(read('src/style.css'), style, 'the clean file lost the turn’s change');
    assert.strictEqual(read('src/greet.js'), greetBefore, 'the conflicting file is exactly as it was');
    await wb.page.waitForTimeout(1500); // the toast fades in; the tree refreshes
    await wb.screenshot('result-with-conflict');
    await toast.getByRole('button', { name: 'Show Conflict' }).click();
    await wb.waitForText('<<<<<<< your file now', { within: wb.sel.editorArea, timeout: 20000 });
    await wb.screenshot('conflict-document');
  });
});
