// Connecting agents: writes, removes and reports our hooks in each agent's own config. Plain
// Node (no `vscode`), so the extension's "Connect Agent…" command calls the same code as
// `boocode hooks install`.
import * as fs from 'fs';
import * as path from 'path';
import { BooError } from '../core/errors';
import { AGENT_SPECS } from './agents';
import { OPENCODE_MARKER } from './agents/opencode';
import { commandTargetMissing, hookCommandLine, isOurCommand, resolveCliCommand } from './command';
import { addHooks, isEmptyConfig, ourEvents, removeHooks } from './jsonHooks';
import { AGENTS, AgentName, isAgentName } from './payload';
import { AgentSpec, JsonHookFormat, PathContext, Scope } from './spec';

export { AGENTS, AgentName, Scope };

export interface InstallOptions {
  /** Workspace folder (for personal and shared configs). */
  workspace: string;
  /** personal (default where the agent has such a file, else shared), shared, or user. */
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
}

export interface AgentStatus {
  agent: AgentName;
  label: string;
  connected: boolean;
  configs: ConnectedConfig[];
  /** Config files we could not read (malformed), with why. */
  problems: string[];
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

/** The config file an install would write, and the scope it falls under. */
export function configTarget(agent: AgentName, options: { workspace: string; scope?: Scope; env?: NodeJS.ProcessEnv }): { scope: Scope; file: string } {
  const spec = agentSpec(agent);
  const ctx = contextOf(options);
  const wanted = options.scope ?? 'personal';
  const file = spec.configPath(wanted, ctx);
  if (file) return { scope: wanted, file };
  if (wanted === 'personal') return { scope: 'shared', file: spec.configPath('shared', ctx)! };
  throw new BooError('usage', `${spec.label} has no ${wanted} config file.`);
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
  const cliCommand = resolveCliCommand(env, options.cliCommand);
  const command = hookCommandLine(cliCommand, agent);
  const before = readIfExists(file);
  let after: string;
  if (spec.config.format === 'plugin') {
    if (before !== null && !isOurPlugin(before)) {
      throw new BooError('refused', `${file} exists and is not our plugin; move it away and run the install again.`);
    }
    after = spec.config.render(cliCommand);
  } else {
    after = addHooks(before, file, spec.config, spec.config.handlers(command), isOursFor(agent));
  }
  const changed = after !== before;
  if (changed) writeAtomic(file, after);
  return { agent, scope, file, changed, created: before === null, command, notes: spec.notes };
}

function candidateFiles(spec: AgentSpec, scope: Scope, ctx: PathContext): string[] {
  const files = [spec.configPath(scope, ctx), ...(spec.otherPaths?.(scope, ctx) ?? [])].filter((f): f is string => !!f);
  return [...new Set(files)];
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
      continue;
    }
    const after = removeHooks(before, file, spec.config, isOursFor(agent));
    if (after === before) continue;
    result.files.push(file);
    if (spec.config.ownFile && isEmptyConfig(after, file, spec.config)) {
      fs.unlinkSync(file);
      result.deleted.push(file);
    } else {
      writeAtomic(file, after);
    }
  }
  return result;
}

/** Which agents are connected for this workspace (its personal and shared files, and the user's). */
export function hooksStatus(options: { workspace: string; env?: NodeJS.ProcessEnv }): AgentStatus[] {
  const ctx = contextOf(options);
  return AGENTS.map((agent) => {
    const spec = AGENT_SPECS[agent];
    const status: AgentStatus = { agent, label: spec.label, connected: false, configs: [], problems: [] };
    for (const scope of ['personal', 'shared', 'user'] as Scope[]) {
      for (const file of candidateFiles(spec, scope, ctx)) {
        if (status.configs.some((c) => c.file === file)) continue;
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
          status.configs.push({ scope, file, events: ['chat.message', 'session.idle'], command, stale });
          continue;
        }
        try {
          const events = ourEvents(text, file, spec.config as JsonHookFormat, isOursFor(agent));
          if (events.length > 0) {
            const command = events[0].command;
            status.configs.push({ scope, file, events: events.map((e) => e.event), command, stale: commandTargetMissing(command) });
          }
        } catch (error) {
          status.problems.push((error as Error).message);
        }
      }
    }
    status.connected = status.configs.length > 0;
    return status;
  });
}
