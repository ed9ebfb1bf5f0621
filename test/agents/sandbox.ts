// One real agent, two real turns: a throwaway HOME and repository, our hooks installed the way a
// user installs them, the agent CLI run against the mock model server, and what our own CLI then
// says about it (checkpoints, transcript, restore). Used by the agents tier and by bench/agents.ts.
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeTree } from '../support/removeTree';
import { checkpointFiles, manifest, Manifest } from '../unit/manifest';
import { MockServer, startMockServer } from './mockServer';
import { AgentDriver, AgentInvocation, Sandbox, TurnOutput, TurnScript } from './types';

const repoRoot = path.resolve(__dirname, '../../..');
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const TURN_TIMEOUT_MS = 240_000;

/** Two turns, each writing a file with the agent's write tool and changing another with its shell tool. */
export const SCRIPT: TurnScript[] = [
  {
    prompt: 'BOOCODE-TURN-ONE: write notes.txt and bump src/app.txt',
    tools: [
      { tool: 'write', path: 'notes.txt', content: 'first note\n' },
      { tool: 'shell', command: "printf 'app v2\\n' > src/app.txt" },
    ],
    reply: 'Turn one done: notes.txt written, src/app.txt bumped.',
  },
  {
    prompt: 'BOOCODE-TURN-TWO: add the guide and another note',
    tools: [
      { tool: 'write', path: 'docs/guide.md', content: '# Guide\n' },
      { tool: 'shell', command: "printf 'second note\\n' >> notes.txt" },
    ],
    reply: 'Turn two done: docs/guide.md added, notes.txt extended.',
  },
];

export interface PinnedAgent {
  package: string;
  version: string;
  bin: string;
}

export function pinOf(driver: AgentDriver): PinnedAgent {
  const pins = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'agents', 'versions.json'), 'utf8'));
  const pin = pins[driver.packageKey];
  if (!pin) throw new Error(`test/agents/versions.json has no ${driver.packageKey}`);
  return pin;
}

export function installDirOf(driver: AgentDriver): string {
  const dir = path.join(repoRoot, '.cache', 'agents', `${driver.packageKey}@${pinOf(driver).version}`);
  if (!fs.existsSync(path.join(dir, '.install-complete'))) throw new Error(`${driver.packageKey} is not installed: run node scripts/setup-agents.js`);
  return dir;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function boocode(sandbox: Sandbox, args: string[]): CommandResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: sandbox.repo, env: sandbox.env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function boocodeJson<T>(sandbox: Sandbox, args: string[]): T {
  const result = boocode(sandbox, [...args, '--json']);
  if (result.status !== 0) throw new Error(`boocode ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** An environment that is the sandbox's alone: nothing from the machine's HOME, proxies or our own test settings. */
function sandboxEnv(root: string, home: string, installDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL']) if (process.env[key]) env[key] = process.env[key];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    TMPDIR: path.join(root, 'tmp'),
    PATH: [path.join(installDir, 'node_modules', '.bin'), path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    NO_COLOR: '1',
    CI: '1',
  };
}

export async function makeSandbox(driver: AgentDriver, server: MockServer): Promise<Sandbox> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `boocode-agent-${driver.packageKey}-`)));
  const home = path.join(root, 'home');
  const repo = path.join(root, 'repo');
  for (const dir of [home, repo, path.join(root, 'tmp')]) fs.mkdirSync(dir, { recursive: true });
  const installDir = installDirOf(driver);
  const env = sandboxEnv(root, home, installDir);
  fs.writeFileSync(path.join(home, '.gitconfig'), '[user]\n\tname = Agent Test\n\temail = agent@example.com\n[init]\n\tdefaultBranch = main\n');
  git(repo, env, 'init', '-q');
  fs.mkdirSync(path.join(repo, 'src'));
  fs.writeFileSync(path.join(repo, 'README.md'), '# demo\n');
  fs.writeFileSync(path.join(repo, 'src', 'app.txt'), 'app v1\n');
  fs.writeFileSync(path.join(repo, '.gitignore'), '*.log\n');
  git(repo, env, 'add', '.');
  git(repo, env, 'commit', '-qm', 'initial');
  fs.writeFileSync(path.join(repo, 'scratch.txt'), 'untracked work\n');
  return { root, repo, home, env, baseUrl: server.baseUrl, installDir };
}

export interface TimedTurn extends TurnOutput {
  startedAt: number;
  endedAt: number;
  /** ms from spawning the agent to its first model request for this turn, or null when none came. */
  toFirstRequestMs: number | null;
}

export function runInvocation(sandbox: Sandbox, invocation: AgentInvocation): Promise<TurnOutput & { startedAt: number; endedAt: number }> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const child = spawn(invocation.command, invocation.args, {
      cwd: invocation.cwd ?? sandbox.repo,
      // opencode takes its project folder from $PWD, as a shell would have set it.
      env: { ...sandbox.env, PWD: invocation.cwd ?? sandbox.repo, ...invocation.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout kills the agent's children too
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(invocation.stdin ?? '');
    const timer = setTimeout(() => {
      stderr += `\n[agents tier] killed after ${TURN_TIMEOUT_MS / 1000} s`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, TURN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, signal: null, stdout, stderr: `${stderr}\n${error.message}`, startedAt, endedAt: Date.now() });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, startedAt, endedAt: Date.now() });
    });
  });
}

export async function runTurn(driver: AgentDriver, sandbox: Sandbox, server: MockServer, index: number, previous: TurnOutput[], prompt = SCRIPT[index].prompt): Promise<TimedTurn> {
  const output = await runInvocation(sandbox, driver.turn(sandbox, prompt, index, previous));
  const first = server.firstRequestOfTurn(index, output.startedAt);
  return { ...output, toFirstRequestMs: first ? first.at - output.startedAt : null };
}

export interface Checkpoint {
  id: string;
  commit: string;
  sessionId: string | null;
  prompt: string | null;
  agent: string | null;
  createdAt: number;
}

export interface Message {
  role: string;
  text: string;
}

export interface ScenarioResult {
  sandbox: Sandbox;
  server: MockServer;
  install: CommandResult;
  turns: TimedTurn[];
  /** The repository before each turn (manifest of every file but .git). */
  before: Manifest[];
  sessionId: string;
  checkpoints: Checkpoint[];
  transcript: Message[];
}

const skipState = (relative: string) => relative === '.git';

/**
 * The session's transcript once every turn's reply is in: an agent may exit before its turn-end
 * hook has finished (opencode does not wait for its session.idle handlers), or record a reply its
 * transcript got late (Copilot), so the last reply can land a moment after the agent exits.
 */
async function settledTranscript(sandbox: Sandbox, sessionId: string): Promise<Message[]> {
  let messages: Message[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
    messages = boocodeJson<Message[]>(sandbox, ['transcript', '--session', sessionId]);
    if (messages.filter((m) => m.role === 'assistant').length >= SCRIPT.length) break;
  }
  return messages;
}

/** Installs our hooks, runs every scripted turn, and reads back what we recorded. */
export async function runScenario(
  driver: AgentDriver,
  options: { hooks?: boolean; turns?: number; pauseMs?: number; env?: NodeJS.ProcessEnv; afterInstall?: (sandbox: Sandbox) => void } = {},
): Promise<ScenarioResult> {
  const server = await startMockServer([driver.protocol], SCRIPT);
  const sandbox = await makeSandbox(driver, server);
  Object.assign(sandbox.env, options.env);
  const install = options.hooks === false ? { status: 0, stdout: '', stderr: '' } : boocode(sandbox, ['hooks', 'install', driver.agent, ...(driver.installArgs ?? [])]);
  options.afterInstall?.(sandbox);
  await driver.prepare(sandbox);
  const turns: TimedTurn[] = [];
  const before: Manifest[] = [];
  for (let i = 0; i < (options.turns ?? SCRIPT.length); i++) {
    // A person reads the reply before the next prompt (the benchmark's pause; the tests send it at once).
    if (i > 0 && options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    before.push(manifest(sandbox.repo, { skip: skipState }));
    turns.push(await runTurn(driver, sandbox, server, i, turns));
  }
  const sessionId = driver.sessionId(sandbox, turns);
  const checkpoints = options.hooks === false ? [] : boocodeJson<Checkpoint[]>(sandbox, ['list', '--session', sessionId]).reverse();
  const transcript = options.hooks === false ? [] : await settledTranscript(sandbox, sessionId);
  return { sandbox, server, install, turns, before, sessionId, checkpoints, transcript };
}

/** The files of a manifest git ignores (.gitignore, info/exclude: our own personal hook files among them). */
export function ignoredOf(sandbox: Sandbox, files: string[]): Set<string> {
  const result = spawnSync('git', ['check-ignore', '--stdin', '-z'], { cwd: sandbox.repo, env: sandbox.env, input: files.join('\0') + '\0', encoding: 'utf8' });
  return new Set(result.stdout.split('\0').filter(Boolean));
}

/** What differs between a checkpoint and a manifest of the repository (contents; ignored files are never captured). */
export function checkpointVersusManifest(sandbox: Sandbox, commit: string, expected: Manifest): string[] {
  const files = checkpointFiles(sandbox.repo, commit);
  const ignored = ignoredOf(sandbox, [...expected.keys()]);
  const problems: string[] = [];
  for (const [file, entry] of expected) {
    if (entry.kind !== 'file' || ignored.has(file)) continue;
    const held = files.get(file);
    if (!held) problems.push(`missing ${file}`);
    else if (createHash('sha256').update(held).digest('hex') !== entry.content) problems.push(`differs ${file}`);
  }
  for (const file of files.keys()) if (!expected.has(file)) problems.push(`extra ${file}`);
  return problems;
}

export async function disposeScenario(result: { sandbox: Sandbox; server: MockServer }): Promise<void> {
  await result.server.close();
  if (!process.env.BOOCODE_KEEP_AGENT_SANDBOX) removeTree(result.sandbox.root);
}
