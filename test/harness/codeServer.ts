// Starts code-server (VS Code for the browser, in the version paths.ts selects, on the Node that version needs)
// on a free loopback port, isolated in a run folder, in its own process group so that stopping it also stops
// the extension host and other helpers.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { onInterrupt } from './interrupt';
import { codeServer, extensionId } from './paths';
import { vscodeTraits } from './versions';

export interface CodeServerOptions {
  /** Scratch folder for this run (see makeRunDir): config, XDG dirs, user data, extensions, sockets. */
  runDir: string;
  /** Folder code-server opens by default. */
  folder: string;
  /** Extra environment for code-server and, through it, the extension host. */
  env?: Record<string, string>;
  /** Extra user settings (settings.json). */
  settings?: Record<string, unknown>;
  /** Extensions folder (default: a fresh empty one in runDir). */
  extensionsDir?: string;
  /** Where the server's output goes (default runDir/server.log). */
  logFile?: string;
  /**
   * Workspace Trust: 'disabled' (default; no trust checks) or 'untrusted' (trust checks on, the folder
   * not trusted and no start-up dialog: Restricted Mode as a person sees it before trusting the folder).
   */
  trust?: 'disabled' | 'untrusted';
  /** The page will load an extension under development (payload extensionDevelopmentPath / extensionTestsPath). */
  extensionDevelopment?: boolean;
}

export interface CodeServer {
  port: number;
  origin: string;
  pid: number;
  logFile: string;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// Last line of defence: whatever way this process ends, no server outlives it.
const killAll = () => {
  for (const child of running) killGroup(child, 'SIGKILL');
};
process.on('exit', killAll);
onInterrupt(killAll);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

// Trust checks on, the folder untrusted, and no modal asking about it at start-up (it would block the tests).
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

function prepareDirs(options: CodeServerOptions): Record<string, string> {
  const dirs = {
    XDG_CONFIG_HOME: path.join(options.runDir, 'c'),
    XDG_DATA_HOME: path.join(options.runDir, 'd'),
    XDG_CACHE_HOME: path.join(options.runDir, 'k'),
    XDG_RUNTIME_DIR: path.join(options.runDir, 'r'),
    XDG_STATE_HOME: path.join(options.runDir, 's'), // BooCode's private stores of plain folders
    TMPDIR: path.join(options.runDir, 't'),
    userData: path.join(options.runDir, 'u'),
    extensions: options.extensionsDir ?? path.join(options.runDir, 'e'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    ...vscodeTraits.settings,
    ...(options.trust === 'untrusted' ? UNTRUSTED_SETTINGS : {}),
    ...options.settings,
  };
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  fs.writeFileSync(path.join(options.runDir, 'config.yaml'), 'auth: none\n');
  return dirs;
}

async function startOnce(options: CodeServerOptions, port: number): Promise<CodeServer> {
  const dirs = prepareDirs(options);
  const logFile = options.logFile ?? path.join(options.runDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  let logOpen = true;
  const env: Record<string, string | undefined> = {
    ...process.env,
    BOOCODE_TEST_COUNTS: undefined, // only set by the caller, through options.env
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: dirs.XDG_CONFIG_HOME,
    XDG_DATA_HOME: dirs.XDG_DATA_HOME,
    XDG_CACHE_HOME: dirs.XDG_CACHE_HOME,
    XDG_RUNTIME_DIR: dirs.XDG_RUNTIME_DIR,
    XDG_STATE_HOME: dirs.XDG_STATE_HOME,
    TMPDIR: dirs.TMPDIR,
    ...options.env,
  };
  const args = [
    codeServer.entry,
    '--config', path.join(options.runDir, 'config.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.trust === 'untrusted' ? [] : ['--disable-workspace-trust']),
    '--ignore-last-opened',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--enable-proposed-api', extensionId,
    ...(options.extensionDevelopment ? vscodeTraits.extensionDevelopmentArgs : []),
    options.folder,
  ];
  const child = spawn(codeServer.node, args, {
    cwd: options.runDir,
    env: env as NodeJS.ProcessEnv,
    detached: true, // own process group
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), running.delete(child), resolve())));

  const stop = async () => {
    if (exited) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exitPromise;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // stragglers in the group (extension host, pty host)
    if (logOpen) fs.closeSync(log);
    logOpen = false;
  };

  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 30 s; see ${logFile}`)), 30000);
    const onData = (data: Buffer) => {
      if (logOpen) fs.writeSync(log, data);
      if (output.length > 100000) return;
      output += data.toString();
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${code ?? signal}): ${output.slice(-2000)}`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { port, origin: `http://127.0.0.1:${port}`, pid: child.pid!, logFile, stop };
}

/** Starts code-server on a free loopback port (retrying if another process grabs the port first). */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      lastError = error;
      if (!String(error).includes('EADDRINUSE')) break;
    }
  }
  throw lastError;
}
