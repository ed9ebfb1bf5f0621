// Helpers for UI checks (test/e2e): a real VS Code workbench (code-server + headless Chromium) with the
// extension loaded as a user has it, and small actions on it. Typical mocha use:
//
//   let wb: Workbench;
//   before(async () => { wb = await openWorkbench({ name: 'my-check' }); });
//   afterEach(async function () { await wb?.screenshotIfFailed(this.currentTest); });
//   after(async () => { await wb?.close(); });
//   it('shows the view', async () => { await wb.openView('BooCode', 'Checkpoints'); await wb.screenshot('view'); });
//
// Runs on the VS Code that BOOCODE_VSCODE selects (default the oldest we support). CSS selectors come from
// `wb.sel` (test/harness/versions.ts), where each tested version has its own.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, workbenchUrl } from './browser';
import { CodeServer, startCodeServer } from './codeServer';
import { onInterrupt } from './interrupt';
import { assertReady, cliPath, repoRoot, resultsName, resultsRoot } from './paths';
import { selectors, WorkbenchSelectors } from './versions';
import { makeGitWorkspace, makeRunDir, removeDir } from './workspace';

export interface WorkbenchOptions {
  /** Names the test-results/e2e[-<version>]/<name>-*.png screenshots and logs. Default 'workbench'. */
  name?: string;
  /** Folder (or `.code-workspace` file) to open. Default: a fresh git repository (one commit) in the run folder. */
  folder?: string;
  /**
   * 'installed' (default): the built extension (package.json, dist/, media/, …; no sources, tests or
   *   node_modules) copied into a fresh extensions folder, as a user has it after installing the .vsix.
   * 'development': loaded with extensionDevelopmentPath from the repository (an Extension Development Host).
   */
  mode?: 'development' | 'installed';
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and the extension host. */
  env?: Record<string, string>;
  /** 'untrusted': Workspace Trust on and the folder not trusted (Restricted Mode). Default: trust checks off. */
  trust?: 'disabled' | 'untrusted';
}

/** test-results/e2e for the oldest VS Code, test-results/e2e-<version> (e.g. e2e-1.139.1) for the newest. */
export const e2eResultsDir = path.join(resultsRoot, resultsName('e2e'));

export class Workbench {
  /** The workbench's CSS selectors for this VS Code version. */
  readonly sel: WorkbenchSelectors = selectors;

  constructor(
    readonly page: Page,
    readonly folder: string,
    readonly name: string,
    private readonly server: CodeServer,
    private readonly browser: Browser,
    private readonly runDir: string,
    private readonly forgetInterrupt: () => void,
  ) {}

  /** Clicks the activity-bar container (unless its view is already showing) and waits for the view. */
  async openView(containerTitle = 'BooCode', viewName = 'Checkpoints', timeout = 30000): Promise<Locator> {
    const header = this.page.locator(this.sel.viewPaneHeader(viewName));
    if (!(await header.count())) {
      const icon = this.page.locator(this.sel.activityBarItem(containerTitle));
      await icon.waitFor({ state: 'visible', timeout });
      await icon.click();
    }
    // A lone view's header exists but is hidden: wait for it to be attached, not visible.
    await header.waitFor({ state: 'attached', timeout });
    // Best effort: let the view's progress bar (extension activating, first load) finish.
    await this.page
      .locator(this.sel.sideBarProgress)
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
    return this.page.locator(this.sel.sideBar);
  }

  /** Drags the edge of the side bar `px` to the right, as people do to read a tree (300 px truncates most labels). */
  async widenSideBar(px = 200): Promise<void> {
    const box = await this.page.locator(this.sel.sideBar).boundingBox();
    if (!box) return;
    await this.page.mouse.move(box.x + box.width + 1, box.y + 300);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width + px, box.y + 300, { steps: 5 });
    await this.page.mouse.up();
  }

  /** A row of the side bar's trees that contains `text`. */
  treeRow(text: string | RegExp): Locator {
    return this.page.locator(this.sel.treeRow, { hasText: text }).first();
  }

  /**
   * Clicks the inline action `title` of `row` (shown while the pointer is over the row), then moves the pointer
   * off the row, as a person does on the way to what the action opens, and waits for the row's tooltip to
   * close (1.139 shows it over a modal dialog that opens meanwhile).
   */
  async clickRowAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    await row.locator(this.sel.action(title)).click();
    const box = await this.page.locator(this.sel.editorArea).boundingBox();
    if (box) await this.page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 3 });
    await this.page.locator(this.sel.hover).filter({ visible: true }).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  }

  /** Runs a command by its palette title (e.g. 'BooCode: Create Checkpoint…') via F1. */
  async runCommand(title: string, timeout = 15000): Promise<void> {
    const input = this.page.locator(this.sel.quickInputBox);
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(`>${title}`);
    const row = this.page.locator(this.sel.quickInputRow, { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout });
    await this.page.keyboard.press('Enter');
  }

  /** Waits until `text` is visible inside `within` (a CSS selector; default the whole workbench). */
  async waitForText(text: string | RegExp, options: { within?: string; timeout?: number } = {}): Promise<Locator> {
    const locator = this.page.locator(options.within ?? this.sel.workbench).getByText(text).first();
    await locator.waitFor({ state: 'visible', timeout: options.timeout ?? 30000 });
    return locator;
  }

  /** Labels of the rows in the side bar's trees (e.g. checkpoints), top to bottom. */
  async treeLabels(): Promise<string[]> {
    return this.page.locator(this.sel.treeRowLabel).allInnerTexts();
  }

  /** Saves <e2eResultsDir>/<name>-<label>.png and returns its path. */
  async screenshot(label: string): Promise<string> {
    fs.mkdirSync(e2eResultsDir, { recursive: true });
    const file = path.join(e2eResultsDir, `${this.name}-${label.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file, timeout: 15000 });
    return file;
  }

  /** For afterEach: a screenshot named after the failed test. */
  async screenshotIfFailed(test: { state?: string; title: string } | undefined): Promise<void> {
    if (test?.state === 'failed') await this.screenshot(`FAILED-${test.title}`).catch(() => undefined);
  }

  /** Stops the browser and the server (whole process group) and deletes the run folder; keeps the server log. */
  async close(): Promise<void> {
    await closeBrowser(this.browser);
    await this.server.stop();
    fs.mkdirSync(e2eResultsDir, { recursive: true });
    if (fs.existsSync(this.server.logFile)) fs.copyFileSync(this.server.logFile, path.join(e2eResultsDir, `${this.name}-server.log`));
    removeDir(this.runDir);
    this.forgetInterrupt();
  }
}

// What the packaged extension (.vsix) holds: the `!path` lines of an allow-list .vscodeignore (`**` first, as
// this repository's is), otherwise the repository minus sources, tests, tooling and caches.
const NOT_SHIPPED = new Set(['node_modules', 'out', 'src', 'test', 'test-results', 'bench', 'scripts', 'docs', 'esbuild.js', 'tsconfig.json', 'package-lock.json']);

function shippedEntries(): string[] {
  const ignoreFile = path.join(repoRoot, '.vscodeignore');
  const lines = fs.existsSync(ignoreFile)
    ? fs.readFileSync(ignoreFile, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
    : [];
  if (lines[0] === '**') {
    return lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/\/\*\*$/, ''));
  }
  return fs.readdirSync(repoRoot).filter((entry) => !entry.startsWith('.') && !NOT_SHIPPED.has(entry) && !entry.endsWith('.vsix'));
}

function installInto(extensionsDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  for (const entry of shippedEntries()) {
    const from = path.join(repoRoot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
}

/** Starts code-server and Chromium, opens the workbench on `folder` and waits for the activity bar. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  assertReady();
  const name = options.name ?? 'workbench';
  const runDir = makeRunDir();
  const folder = options.folder ?? makeGitWorkspace(path.join(runDir, 'ws'));
  const extensionsDir = path.join(runDir, 'e');
  const mode = options.mode ?? 'installed';
  if (mode === 'installed') installInto(extensionsDir);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const forgetInterrupt = onInterrupt(() => removeDir(runDir)); // code-server itself is killed by codeServer.ts
  try {
    server = await startCodeServer({
      runDir,
      folder,
      extensionsDir,
      settings: options.settings,
      trust: options.trust,
      env: { BOOCODE_TEST_WORKSPACE: folder, BOOCODE_CLI: cliPath, ...options.env },
      extensionDevelopment: mode === 'development',
    });
    browser = await launchBrowser(runDir);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const url = workbenchUrl({
      origin: server.origin,
      folder,
      extensionDevelopmentPath: mode === 'development' ? repoRoot : undefined,
    });
    await page.goto(url);
    await page.locator(selectors.activityBar).waitFor({ state: 'visible', timeout: 60000 });
    return new Workbench(page, folder, name, server, browser, runDir, forgetInterrupt);
  } catch (error) {
    await closeBrowser(browser);
    await server?.stop();
    removeDir(runDir);
    forgetInterrupt();
    throw error;
  }
}
