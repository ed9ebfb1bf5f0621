// Runs extension-host test suites inside a real VS Code: code-server on a free loopback port + headless
// Chromium, the extension under development loaded from this repository and a fresh workspace. Exits
// with the suites' result. Without --suite or --name it runs every suite in SUITES, one after the other.
//
//   [BOOCODE_VSCODE=oldest|newest] node out/test/harness/runVscodeTests.js [--suite <compiled index.js>]
//       [--name <results folder>] [--timeout <ms>] [--workspace folder|multi-root] [--trust disabled|untrusted]
//
// --name alone picks one of SUITES (e.g. --name vscode-untrusted). --workspace multi-root opens a
// .code-workspace of two git repositories and a plain folder; --trust untrusted keeps Workspace Trust on
// and the workspace untrusted (Restricted Mode).
//
// BOOCODE_VSCODE picks the VS Code (scripts/setup-vscode.js pins them; default the oldest). Logs (server,
// extension host output, browser console), result.json and, on failure, a screenshot go to
// test-results/<name>/ (default `vscode`, or `vscode-<version>` for the newest VS Code). With
// BOOCODE_TEST_COUNTS set, the pass/fail counts are written there too.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, workbenchUrl } from './browser';
import { CodeServer, startCodeServer } from './codeServer';
import { TestCounts, writeCounts } from './counts';
import { onInterrupt } from './interrupt';
import { assertReady, cliPath, codeServer, freshResultsDir, repoRoot, resultsName } from './paths';
import { makeGitWorkspace, makeMultiRootWorkspace, makeRunDir, removeDir } from './workspace';

// Workbench start-up chatter that shares the log channel with the tests' output: kept in the log file only.
const WORKBENCH_NOISE =
  /^(Resolv(ing|ed) connection token|Creating a socket|Ignoring fetching additional builtin|\[Service Worker\]|ChatSessionStore:|Updating additional builtin|\[(ChatModelSelection|AgentHost[^\]]*|AccountPolicyGate|reconnection-grace-time)\] )/;

interface Options {
  suite: string;
  name: string;
  timeoutMs: number;
  /** 'folder' (default): one fresh git repository. 'multi-root': see makeMultiRootWorkspace. */
  workspace?: 'folder' | 'multi-root';
  trust?: 'disabled' | 'untrusted';
}

const compiled = (dir: string) => path.join(repoRoot, 'out', 'test', dir, 'index.js');

/** What `npm test` runs in its vscode tier: each suite in its own code-server, logs in test-results/<name>/. */
const SUITES: Omit<Options, 'timeoutMs'>[] = [
  { suite: compiled('vscode'), name: 'vscode' },
  { suite: compiled('vscode-multiroot'), name: 'vscode-multiroot', workspace: 'multi-root' },
  { suite: compiled('vscode-untrusted'), name: 'vscode-untrusted', trust: 'untrusted' },
];

function parseArgs(argv: string[]): Options[] {
  const given: Partial<Options> = {};
  const timeoutMs = Number(process.env.BOOCODE_VSCODE_TIMEOUT_MS) || 300000;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--suite') given.suite = path.resolve(value);
    else if (argv[i] === '--name') given.name = value;
    else if (argv[i] === '--timeout') given.timeoutMs = Number(value);
    else if (argv[i] === '--workspace' && (value === 'folder' || value === 'multi-root')) given.workspace = value;
    else if (argv[i] === '--trust' && (value === 'disabled' || value === 'untrusted')) given.trust = value;
    else throw new Error(`unknown argument ${argv[i]}${value === undefined ? '' : ` ${value}`}`);
    i++;
  }
  // Results of the newest VS Code go to folders named after its version (test-results/vscode-1.139.1, …).
  const known = SUITES.find((suite) => suite.name === given.name);
  if (given.suite || (given.name && !known)) return [{ ...SUITES[0], timeoutMs, ...given, name: given.name ?? resultsName('vscode') } as Options];
  return (known ? [known] : SUITES).map((suite) => ({ timeoutMs, ...suite, ...given, name: resultsName(suite.name) }));
}

async function main(): Promise<number> {
  const runs = parseArgs(process.argv.slice(2));
  assertReady();
  const total: TestCounts = { passes: 0, failures: 0, pending: 0, failed: [] };
  let exitCode = 0;
  for (const options of runs) {
    const result = await runSuite(options);
    total.passes += result.counts.passes;
    total.failures += result.counts.failures;
    total.pending += result.counts.pending;
    total.failed.push(...result.counts.failed.map((title) => (runs.length > 1 ? `${options.name}: ${title}` : title)));
    if (result.exitCode !== 0) exitCode = 1;
  }
  writeCounts(process.env.BOOCODE_TEST_COUNTS, total);
  return exitCode;
}

/** Runs one suite in its own code-server; its counts are returned (main writes the total). */
async function runSuite(options: Options): Promise<{ exitCode: number; counts: TestCounts }> {
  if (!fs.existsSync(options.suite)) throw new Error(`suite ${options.suite} not found: run \`npm run build\``);
  const started = Date.now();
  const resultsDir = freshResultsDir(options.name);
  const runDir = makeRunDir();
  const multiRoot = options.workspace === 'multi-root' ? makeMultiRootWorkspace(path.join(runDir, 'ws')) : undefined;
  const workspace = multiRoot?.file ?? makeGitWorkspace(path.join(runDir, 'ws'));
  // The suites' helpers run the CLI in BOOCODE_TEST_WORKSPACE: a folder (the first root of a multi-root workspace).
  const rootsEnv: Record<string, string> = multiRoot ? { BOOCODE_TEST_WORKSPACE_FILE: multiRoot.file, BOOCODE_TEST_ROOTS: JSON.stringify(multiRoot.roots) } : {};
  const internalCounts = path.join(runDir, 'counts.json');
  const hostLog = fs.createWriteStream(path.join(resultsDir, 'extension-host.log'));
  const consoleLog = fs.createWriteStream(path.join(resultsDir, 'browser-console.log'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let exitCode = 1;
  let error: string | undefined;

  const cleanup = async () => {
    await closeBrowser(browser);
    browser = undefined;
    await server?.stop();
    if (server && fs.existsSync(server.logFile)) fs.copyFileSync(server.logFile, path.join(resultsDir, 'server.log'));
    hostLog.end();
    consoleLog.end();
    removeDir(runDir);
  };
  const forgetInterrupt = onInterrupt(() => {
    const interrupted = { passes: 0, failures: 1, pending: 0, failed: ['harness: interrupted'] };
    writeCounts(process.env.BOOCODE_TEST_COUNTS, interrupted);
    writeResult(resultsDir, { server: server?.pid, runDir, state: 'interrupted', exitCode: 130, counts: interrupted });
    removeDir(runDir);
  });

  try {
    server = await startCodeServer({
      runDir,
      folder: workspace,
      trust: options.trust,
      env: { BOOCODE_TEST_WORKSPACE: multiRoot?.roots[0] ?? workspace, BOOCODE_CLI: cliPath, BOOCODE_TEST_COUNTS: internalCounts, ...rootsEnv },
      extensionDevelopment: true,
    });
    console.log(`[vscode-tests] VS Code ${codeServer.vscodeVersion} (code-server ${codeServer.version}) ${server.origin} (pid ${server.pid}), workspace ${workspace}`);
    browser = await launchBrowser(runDir);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.stack ?? err}\n`));

    let finish!: (code: number) => void;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    // Both must exist before the workbench loads: it looks them up when the extension host starts the tests.
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      hostLog.write(`[${type}] ${line}\n`);
      if (!WORKBENCH_NOISE.test(line)) (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code)));
    writeResult(resultsDir, { server: server.pid, runDir, state: 'running' });

    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs).unref(),
    );
    const url = workbenchUrl({
      origin: server.origin,
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: options.suite,
    });
    await Promise.race([page.goto(url), timeout]);
    exitCode = await Promise.race([finished, timeout]);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    console.error(`[vscode-tests] ${error}`);
    exitCode = 1;
  }

  let counts: TestCounts | undefined;
  if (fs.existsSync(internalCounts)) counts = JSON.parse(fs.readFileSync(internalCounts, 'utf8')) as TestCounts;
  if (exitCode !== 0 && page) {
    await page.screenshot({ path: path.join(resultsDir, 'failure.png'), timeout: 10000 }).catch(() => undefined);
  }
  await cleanup();
  forgetInterrupt();
  // No counts (crash, timeout, suite never ran): report one failure so the run cannot look green.
  const final: TestCounts =
    counts && !(exitCode !== 0 && counts.failures === 0)
      ? counts
      : { passes: counts?.passes ?? 0, failures: (counts?.failures ?? 0) + 1, pending: 0, failed: [...(counts?.failed ?? []), `harness: ${error ?? `suite exited with ${exitCode}`}`] };
  writeResult(resultsDir, { server: server?.pid, runDir, state: 'done', exitCode, error, counts: final, seconds: (Date.now() - started) / 1000 });
  const where = path.relative(process.cwd(), resultsDir) || resultsDir;
  console.log(
    `[vscode-tests] ${exitCode === 0 ? 'passed' : 'FAILED'}: ${final.passes} passed, ${final.failures} failed ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${where}`,
  );
  return { exitCode: exitCode === 0 ? 0 : 1, counts: final };
}

function writeResult(dir: string, result: Record<string, unknown>): void {
  fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result, null, 2));
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[vscode-tests] ${error instanceof Error ? error.message : error}`);
    writeCounts(process.env.BOOCODE_TEST_COUNTS, { passes: 0, failures: 1, pending: 0, failed: [`harness: ${error}`] });
    process.exit(1);
  },
);
