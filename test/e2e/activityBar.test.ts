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
    await wb!.waitForText(/boocode/i, { within: '.part.sidebar .composite.title' });
    assert.ok(await sidebar.isVisible(), 'the side bar is visible');
    await wb!.screenshot('checkpoints-view');
  });

  it('focuses the Checkpoints view from the command palette', async () => {
    await wb!.runCommand('View: Close Primary Side Bar');
    await wb!.page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    await wb!.runCommand('BooCode: Focus on Checkpoints View');
    await wb!.page.locator('.part.sidebar .pane-header[aria-label="Checkpoints Section"]').waitFor({ state: 'attached' });
    assert.ok(await wb!.page.locator('.part.sidebar').isVisible(), 'the side bar is visible again');
    await wb!.screenshot('focused-from-palette');
  });
});
