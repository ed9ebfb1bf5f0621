// UI check: the BooCode activity-bar container opens its Checkpoints view in a real workbench.
import * as assert from 'assert';
import { openWorkbench, Workbench } from '../harness/workbench';

describe('BooCode in the workbench', function () {
  this.timeout(120000);
  let wb: Workbench | undefined;

  before(async () => {
    wb = await openWorkbench({ name: 'activity-bar' });
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the Checkpoints view from the activity bar', async () => {
    const sidebar = await wb!.openView('BooCode', 'Checkpoints');
    await wb!.waitForText(/boocode/i, { within: wb!.sel.sideBarTitle });
    assert.ok(await sidebar.isVisible(), 'the side bar is visible');
    // A folder without checkpoints: once the extension has looked, the view says so and offers the first steps.
    await wb!.waitForText('No checkpoints yet', { within: wb!.sel.sideBar });
    await wb!.waitForText('Connect Agent…', { within: wb!.sel.sideBar });
    await wb!.screenshot('checkpoints-view');
  });

  it('focuses the Checkpoints view from the command palette', async () => {
    await wb!.runCommand('View: Close Primary Side Bar');
    await wb!.page.locator(wb!.sel.sideBar).waitFor({ state: 'hidden' });
    await wb!.runCommand('BooCode: Focus on Checkpoints View');
    await wb!.page.locator(wb!.sel.viewPaneHeader('Checkpoints')).waitFor({ state: 'attached' });
    assert.ok(await wb!.page.locator(wb!.sel.sideBar).isVisible(), 'the side bar is visible again');
    await wb!.screenshot('focused-from-palette');
  });
});
