// Connecting agents: writes, removes and reports our hooks in each agent's own config. Plain
// Node (no `vscode`), so the extension's "Connect Agent…" command calls the same code as
// `boocode hooks install`.
import * as fs from 'fs';
import * as path from 'path';
import { BooError } from '../core/errors';
import { lastHookProblem } from './hookLog';
import { AGENT_SPECS } from './agents';
import { OPENCODE_MARKER } from './agents/opencode';
import { commandTargetMissing, findOnPath, hookCommandLine, isOurCommand, resolveCliCommand, TURN_END_SCRIPT, turnEndCommandLine } from './command';
import { excludeFromGit, isExcludedByUs, isTracked, repoOf, stopExcluding } from './gitExclude';
import { addHooks, isEmptyConfig, ourEvents, removeHooks } from './jsonHooks';
import { AGENTS, AgentName, isAgentName } from './payload';
import { AgentSpec, JsonHookFormat, PathContext, Scope } from './spec';

export { AGENTS, AgentName, Scope };

export interface InstallOptions {
  /** Workspace folder (for personal and shared configs). */
  workspace: string;
  /**
   * personal (default): the agent's personal file, or its project file kept out of git (info/exclude),
   * with absolute paths and `-C <workspace>`; shared: the committed project file, with a portable
   * `boocode hook <agent>`; user: the user-level file.
   */
  scope?: Scope;
  /** The command that runs our CLI, e.g. VS Code's runtime: ['ELECTRON_RUN_AS_NODE=1', codePath, cliJs]. */
  cliCommand?: string[];
  /** For HOME, PATH, CODEX_HOME, COPILOT_HOME, XDG_CONFIG_HOME. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface InstallResult {
  agent: AgentName;
  scope: Scope;
  /** The config file written (or already right). */
  file: string;
  /** False when the file already held exactly our hooks (it was not touched). */
  changed: boolean;
  created: boolean;
  /** The shell command line the agent will run. */
  command: string;
  notes: string[];
}

export interface UninstallResult {
  agent: AgentName;
  scope: Scope;
  /** Files our hooks were removed from (or deleted, when they were entirely ours). */
  files: string[];
  deleted: string[];
}

export interface ConnectedConfig {
  scope: Scope;
  file: string;
  events: string[];
  command: string | null;
  /** The program the command runs no longer exists (the CLI moved): install again. */
  stale: boolean;
  /** What still keeps the agent from running these hooks (e.g. a folder or hook it must be told to trust). */
  blockers: string[];
}

export interface AgentStatus {
  agent: AgentName;
  label: string;
  connected: boolean;
  configs: ConnectedConfig[];
  /** Config files we could not read (malformed), with why. */
  problems: string[];
  /** Some config calls us and nothing we can see keeps the agent from running it. */
  active: boolean;
  /** The last problem this agent's hooks logged in this workspace within a day (hooks.log). */
  lastProblem: { at: number; text: string } | null;
}

export function agentSpec(agent: string): AgentSpec {
  if (!isAgentName(agent)) {
    throw new BooError('usage', `Unknown agent ${JSON.stringify(agent)}; use one of ${AGENTS.join(', ')}.`);
  }
  return AGENT_SPECS[agent];
}

function contextOf(options: { workspace: string; env?: NodeJS.ProcessEnv }): PathContext {
  return { workspace: path.resolve(options.workspace), env: options.env ?? process.env };
}

/**
 * The config file an install would write. An agent without a personal file of its own gets its
 * project file as the personal one, kept out of git by the install.
 */
export function configTarget(agent: AgentName, options: { workspace: string; scope?: Scope; env?: NodeJS.ProcessEnv }): { scope: Scope; file: string } {
  const spec = agentSpec(agent);
  const ctx = contextOf(options);
  const wanted = options.scope ?? 'personal';
  const file = spec.configPath(wanted, ctx) ?? (wanted === 'personal' ? spec.configPath('shared', ctx) : null);
  if (file) return { scope: wanted, file };
  throw new BooError('usage', `${spec.label} has no ${wanted} config file.`);
}

/** Personal files never go into commits: a committed one is the team's, so refuse to treat it as personal. */
function personalRepo(agent: AgentName, file: string, workspace: string) {
  const repo = repoOf(workspace);
  if (repo && isTracked(repo, file)) {
    const shown = path.relative(workspace, file) || file;
    throw new BooError(
      'refused',
      `${shown} is committed in this repository, so it is not personal: run with --shared to add the ${agentSpec(agent).label} hooks there for everyone, or with --user.`,
    );
  }
  return repo;
}

/** The command our hooks run for a scope: shared files must work on every teammate's machine. */
function commandFor(scope: Scope, cliCommand: string[], workspace: string): { argv: string[]; workspace: string | null } {
  if (scope === 'shared') return { argv: ['boocode'], workspace: null };
  return { argv: cliCommand, workspace: scope === 'personal' ? path.resolve(workspace) : null };
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BooError('refused', `Cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Replaces a file's contents in one step, keeping its permissions. */
function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let mode = 0o644;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    // new file
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.boocode-${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
}

const isOursFor = (agent: AgentName) => (handler: unknown) =>
  !!handler && typeof handler === 'object' && (isOurCommand((handler as any).command, agent) || isOurCommand((handler as any).bash, agent));

const isOurPlugin = (text: string | null) => text !== null && text.includes(OPENCODE_MARKER);

/** Writes or merges the agent's config so it calls `boocode hook <agent>`; a second run changes nothing. */
export function installHooks(agent: AgentName, options: InstallOptions): InstallResult {
  const spec = agentSpec(agent);
  const env = options.env ?? process.env;
  const { scope, file } = configTarget(agent, options);
  const repo = scope === 'personal' ? personalRepo(agent, file, options.workspace) : null;
  const target = commandFor(scope, resolveCliCommand(env, options.cliCommand), options.workspace);
  const command = hookCommandLine(target.argv, agent, target.workspace);
  const before = readIfExists(file);
  let after: string;
  if (spec.config.format === 'plugin') {
    if (before !== null && !isOurPlugin(before)) {
      throw new BooError('refused', `${file} exists and is not our plugin; move it away and run the install again.`);
    }
    after = spec.config.render(target.argv, target.workspace);
  } else {
    const endCommand = (event: string) => turnEndCommandLine(target.argv, agent, target.workspace, spec.stdout?.(event).trim() ?? '') ?? command;
    after = addHooks(before, file, spec.config, spec.config.handlers(command, endCommand), isOursFor(agent));
  }
  const changed = after !== before;
  if (changed) writeAtomic(file, after);
  // Only a file we created is hidden from git: one the person already had stays as visible as it was.
  if (repo && before === null) excludeFromGit(repo, file);
  const notes = [...spec.notes];
  if (scope === 'shared' && !findOnPath('boocode', env)) notes.push('`boocode` is not on your PATH here: teammates (and you) need it there, e.g. `npm install -g boocode-checkpoints`.');
  return { agent, scope, file, changed, created: before === null, command, notes };
}

function candidateFiles(spec: AgentSpec, scope: Scope, ctx: PathContext): string[] {
  const own = spec.configPath(scope, ctx) ?? (scope === 'personal' ? spec.configPath('shared', ctx) : null);
  const others = spec.otherPaths?.(scope === 'personal' && !spec.configPath('personal', ctx) ? 'shared' : scope, ctx) ?? [];
  const files = [own, ...others].filter((f): f is string => !!f);
  return [...new Set(files)];
}

function forgetExclusion(workspace: string, file: string): void {
  const repo = repoOf(workspace);
  if (repo) stopExcluding(repo, file);
}

/** Removes only what we added; a file that was entirely ours is deleted. */
export function uninstallHooks(agent: AgentName, options: Omit<InstallOptions, 'cliCommand'>): UninstallResult {
  const spec = agentSpec(agent);
  const ctx = contextOf(options);
  const { scope } = configTarget(agent, options);
  const result: UninstallResult = { agent, scope, files: [], deleted: [] };
  for (const file of candidateFiles(spec, scope, ctx)) {
    const before = readIfExists(file);
    if (before === null) continue;
    if (spec.config.format === 'plugin') {
      if (!isOurPlugin(before)) continue;
      fs.unlinkSync(file);
      result.files.push(file);
      result.deleted.push(file);
      forgetExclusion(options.workspace, file);
      continue;
    }
    const after = removeHooks(before, file, spec.config, isOursFor(agent));
    if (after === before) continue;
    result.files.push(file);
    // A file we created for ourselves (wholly ours, or one install made personal) goes once nothing else is left.
    const repo = repoOf(options.workspace);
    if ((spec.config.ownFile || (repo && isExcludedByUs(repo, file))) && isEmptyConfig(after, file, spec.config)) {
      fs.unlinkSync(file);
      result.deleted.push(file);
      if (repo) stopExcluding(repo, file);
    } else {
      writeAtomic(file, after);
    }
  }
  return result;
}

/** Which agents are connected for this workspace (its personal and shared files, and the user's). */
export function hooksStatus(options: { workspace: string; env?: NodeJS.ProcessEnv }): AgentStatus[] {
  const ctx = contextOf(options);
  const repo = repoOf(ctx.workspace);
  return AGENTS.map((agent) => {
    const spec = AGENT_SPECS[agent];
    const status: AgentStatus = { agent, label: spec.label, connected: false, active: false, configs: [], problems: [], lastProblem: repo ? lastHookProblem(path.join(repo.gitDir, 'boocode'), agent) : null };
    const blockersOf = (scope: Scope, file: string) => spec.readiness?.(scope, file, ctx) ?? [];
    for (const listed of ['personal', 'shared', 'user'] as Scope[]) {
      for (const file of candidateFiles(spec, listed, ctx)) {
        if (status.configs.some((c) => c.file === file)) continue;
        // An agent's one project file is personal while git does not track it (our default install), shared once committed.
        const scope: Scope = listed !== 'user' && !spec.configPath('personal', ctx) ? (repo && isTracked(repo, file) ? 'shared' : 'personal') : listed;
        let text: string | null;
        try {
          text = readIfExists(file);
        } catch (error) {
          status.problems.push((error as Error).message);
          continue;
        }
        if (text === null) continue;
        if (spec.config.format === 'plugin') {
          if (!isOurPlugin(text)) continue;
          const command = text.match(/^const COMMAND = (.*);$/m)?.[1] ?? null;
          let argv: string[] = [];
          try {
            argv = command ? (JSON.parse(command) as string[]) : [];
          } catch {
            argv = [];
          }
          const stale = argv.some((word) => path.isAbsolute(word) && !fs.existsSync(word));
          status.configs.push({ scope, file, events: ['chat.message', 'session.idle'], command, stale, blockers: blockersOf(scope, file) });
          continue;
        }
        try {
          const events = ourEvents(text, file, spec.config as JsonHookFormat, isOursFor(agent));
          if (events.length > 0) {
            // The command a turn's begin runs (a turn's end runs it through the turn-end script).
            const command = (events.find((e) => e.command && !e.command.includes(TURN_END_SCRIPT)) ?? events[0]).command;
            const stale = events.some((e) => commandTargetMissing(e.command));
            status.configs.push({ scope, file, events: events.map((e) => e.event), command, stale, blockers: blockersOf(scope, file) });
          }
        } catch (error) {
          status.problems.push((error as Error).message);
        }
      }
    }
    status.connected = status.configs.length > 0;
    status.active = status.configs.some((config) => !config.stale && config.blockers.length === 0);
    return status;
  });
}
