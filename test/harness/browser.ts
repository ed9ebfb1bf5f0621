// Headless Debian Chromium driven by playwright-core, and the workbench URL that carries the payload.
import { Browser, chromium } from 'playwright-core';
import { codeServer } from './paths';

/** `runDir` is added as an inert switch so that leftover browsers of a run can be found in /proc. */
export async function launchBrowser(runDir?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: codeServer.chromium,
    headless: true,
    // Chromium writes "Crash Reports" under XDG_CONFIG_HOME (~/.config/chromium by default): keep it in the run folder.
    env: runDir ? { ...process.env, XDG_CONFIG_HOME: `${runDir}/c`, XDG_CACHE_HOME: `${runDir}/k` } : undefined,
    // Signals are handled in interrupt.ts (which also stops code-server); playwright still kills the browser on exit.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(runDir ? [`--boocode-run-dir=${runDir}`] : []),
    ],
  });
}

export interface WorkbenchUrlOptions {
  origin: string; // http://127.0.0.1:PORT
  /** A folder, or a `.code-workspace` file (a multi-root workspace). */
  folder: string;
  /** Absolute path of the extension under development (loaded as in an Extension Development Host). */
  extensionDevelopmentPath?: string;
  /** Absolute path of the test module whose run() the extension host calls. */
  extensionTestsPath?: string;
}

export function workbenchUrl(options: WorkbenchUrlOptions): string {
  const remote = (p: string) => `vscode-remote://${new URL(options.origin).host}${p}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const opened = options.folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
  const query = new URLSearchParams({ [opened]: options.folder, payload: JSON.stringify(payload) });
  return `${options.origin}/?${query.toString()}`;
}

/** Closes the browser, giving up after `ms` (playwright kills the process when this process exits anyway). */
export async function closeBrowser(browser: Browser | undefined, ms = 10000): Promise<void> {
  if (!browser) return;
  await Promise.race([browser.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}
