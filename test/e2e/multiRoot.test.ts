// UI check: the Checkpoints tree of a multi-root workspace (two git repositories and a plain folder), each
// root labelled with its own checkpoints, an empty root saying so, the plain folder saying where its
// checkpoints live. Screenshots: test-results/e2e/multi-root-*.png; look at them.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliPath } from '../harness/paths';
import { openWorkbench, Workbench } from '../harness/workbench';
import { makeMultiRootWorkspace, MultiRootWorkspace } from '../harness/workspace';

describe('A multi-root workspace in the workbench', function () {
  this.timeout(180000);
  let wb: Workbench;
  let dir: string;
  let workspace: MultiRootWorkspace;
  let stateHome: string;

  /** The CLI as a hook runs it, with the private store of plain folders where the extension looks too. */
  const boocode = (root: string, ...args: string[]) =>
    execFileSync(process.execPath, [cliPath, ...args, '-C', root, '--json'], { encoding: 'utf8', env: { ...process.env, XDG_STATE_HOME: stateHome } });
  const turn = (root: string, session: string, agent: string, prompt: string, file: string, text: string) => {
    boocode(root, 'turn', 'begin', '--session', session, '--agent', agent, '--prompt', prompt);
    fs.writeFileSync(path.join(root, file), text);
    boocode(root, 'turn', 'end', '--session', session, '--reply', 'Done.');
  };

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bc-multi-')));
    stateHome = path.join(dir, 'state');
    workspace = makeMultiRootWorkspace(path.join(dir, 'ws'));
    const [web, , notes] = workspace.roots;
    turn(web, 'web-1', 'claude-code', 'Greet people in French', 'src/app.js', "console.log('bonjour');\n");
    turn(web, 'web-1', 'claude-code', 'Also greet in German', 'src/app.js', "console.log('bonjour');\nconsole.log('hallo');\n");
    boocode(notes, 'checkpoint', '--label', 'Before tidying my notes');
    // api: no checkpoint yet.
    wb = await openWorkbench({
      name: 'multi-root',
      folder: workspace.file,
      env: { XDG_STATE_HOME: stateHome },
      settings: { 'workbench.colorTheme': 'Default Dark Modern' },
    });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (text: string | RegExp) => wb.page.locator(wb.sel.treeRow, { hasText: text }).first();

  it('labels every root, with its own sessions and checkpoints; an empty root says so', async () => {
    await wb.openView('BooCode', 'Checkpoints');
    // Widen the side bar as people do when they read a tree (the default 300 px truncates most labels).
    const box = await wb.page.locator(wb.sel.sideBar).boundingBox();
    if (box) {
      await wb.page.mouse.move(box.x + box.width + 1, box.y + 300);
      await wb.page.mouse.down();
      await wb.page.mouse.move(box.x + box.width + 200, box.y + 300, { steps: 5 });
      await wb.page.mouse.up();
      await wb.page.mouse.move(box.x + box.width + 600, box.y + 600); // off the sash, so it is not highlighted
    }
    await row('Before: Also greet in German').waitFor({ state: 'visible', timeout: 30000 });
    await row('Before tidying my notes').waitFor({ state: 'visible', timeout: 30000 });
    const labels = await wb.treeLabels();
    const at = (label: string) => labels.indexOf(label);
    assert.ok(at('web') >= 0 && at('api') > at('web') && at('notes') > at('api'), `roots in workspace order: ${labels.join(' | ')}`);
    assert.ok(at('Greet people in French') > at('web') && at('Greet people in French') < at('api'), "web's session sits under web");
    assert.strictEqual(labels[at('api') + 1], 'No checkpoints yet', 'the empty root says so');
    assert.ok(at('Manual checkpoints') > at('notes'), "notes' checkpoint sits under notes");
    assert.match(await row(/^web/).innerText(), /2 checkpoints/);
    assert.match(await row(/^notes/).innerText(), /1 checkpoint · not a git repository/);
    await wb.screenshot('tree');
  });

  it('says in the plain folder\'s hover where its checkpoints are kept', async () => {
    await row(/^notes/).hover();
    const hover = wb.page.locator(wb.sel.hover).filter({ hasText: 'Not a git repository' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await hover.innerText(), /private repository of its own/);
    await wb.screenshot('plain-folder-hover');
  });

  it('counts each root in the status bar', async () => {
    const status = wb.page.locator(`${wb.sel.statusBar} [aria-label^="BooCode:"]`).first();
    await status.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await status.innerText(), /3/);
  });
});
