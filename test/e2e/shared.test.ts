// UI check: a session Alice pushed and this workspace fetched shows in the Checkpoints tree under
// "Shared with you", with whose it is. Screenshot: test-results/e2e/shared-tree.png (e2e-<version>/ for the
// newest VS Code).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliPath } from '../harness/paths';
import { makeGitWorkspace } from '../harness/workspace';
import { openWorkbench, Workbench } from '../harness/workbench';

describe('Shared sessions in the workbench', function () {
  this.timeout(180000);
  let wb: Workbench | undefined;
  let base: string;

  const boocode = (...args: string[]) => execFileSync(process.execPath, [cliPath, ...args], { stdio: 'pipe' });

  before(async () => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-shared-')));
    const bob = makeGitWorkspace(path.join(base, 'bob'));
    const remote = path.join(base, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    const alice = path.join(base, 'alice');
    execFileSync('git', ['clone', '-q', bob, alice], { stdio: 'pipe' });
    boocode('turn', 'begin', '-C', alice, '--session', 'alice-feature', '--prompt', 'Add a --verbose flag to the CLI', '--agent', 'claude-code');
    fs.writeFileSync(path.join(alice, 'src', 'app.js'), "console.log('hello, verbose');\n");
    boocode('turn', 'end', '-C', alice, '--session', 'alice-feature', '--reply', 'Added --verbose.');
    boocode('turn', 'begin', '-C', alice, '--session', 'alice-feature', '--prompt', 'Document the flag in the README', '--agent', 'claude-code');
    boocode('push', `file://${remote}`, '-C', alice, '--as', 'alice', '--yes');
    boocode('turn', 'begin', '-C', bob, '--session', 'bob-own', '--prompt', 'Bob works on his own thing', '--agent', 'codex');
    boocode('fetch', `file://${remote}`, '-C', bob);
    wb = await openWorkbench({ name: 'shared', folder: bob, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('lists fetched sessions in their own section, marked with whose they are', async () => {
    await wb!.openView('BooCode', 'Checkpoints');
    await wb!.widenSideBar();
    const row = (text: string | RegExp) => wb!.treeRow(text);
    await row('Shared with you').waitFor({ state: 'visible', timeout: 30000 });
    const shared = row('Add a --verbose flag');
    await shared.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await shared.innerText(), /alice/);
    await shared.hover();
    await wb!.page.locator(wb!.sel.hover).filter({ hasText: 'Shared by alice' }).first().waitFor({ state: 'visible', timeout: 10000 });
    await wb!.screenshot('tree');
  });
});
