// How each agent is connected: where its config lives, what we add to it, and how its payloads
// read. One AgentSpec per agent in src/hooks/agents/.
import * as os from 'os';
import * as path from 'path';
import { AgentName, HookEvent, Payload } from './payload';

/** personal: the workspace's uncommitted file; shared: the committed one; user: the user-level one. */
export type Scope = 'personal' | 'shared' | 'user';

export interface PathContext {
  workspace: string;
  env: NodeJS.ProcessEnv;
}

/** Hooks kept in a JSON config file that may hold other settings too. */
export interface JsonHookFormat {
  format: 'json';
  /** nested: `hooks.Event: [{hooks: [handler]}]` (Claude Code style); flat: `hooks.Event: [handler]`. */
  layout: 'nested' | 'flat';
  /**
   * Event name → the handler we add, for a given shell command line; a turn's end events run
   * `endCommand(event)` (the same hook, handed over without the agent waiting for Node).
   */
  handlers(command: string, endCommand: (event: string) => string): Record<string, Record<string, unknown>>;
  /** Top-level keys a file we create starts with (e.g. `version: 1`). */
  newFileRoot?: Record<string, unknown>;
  /** The agent reads comments in this file. */
  allowComments?: boolean;
  /** The whole file is ours (our own file name): uninstall deletes it once nothing else is left. */
  ownFile?: boolean;
}

/** A plugin source file that is entirely ours. */
export interface PluginFormat {
  format: 'plugin';
  /** The plugin source for a cli command and, for a project's own plugin, its workspace. */
  render(cliCommand: string[], workspace: string | null): string;
}

export interface AgentSpec {
  name: AgentName;
  label: string;
  /** Turns a payload into a turn start, a turn end, or nothing. Throws PayloadError. */
  parse(payload: Payload, env: NodeJS.ProcessEnv): HookEvent;
  /** The config file for a scope, or null when the agent has none there. */
  configPath(scope: Scope, ctx: PathContext): string | null;
  /** Other files where our hooks may be (older locations), checked by status and uninstall. */
  otherPaths?(scope: Scope, ctx: PathContext): string[];
  config: JsonHookFormat | PluginFormat;
  /**
   * Why the agent would not run the hooks in this config yet (a folder or hook it must be told to
   * trust), as things the person can do; empty when nothing we can see stands in the way.
   */
  readiness?(scope: Scope, file: string, ctx: PathContext): string[];
  /** What to tell people after installing. */
  notes: string[];
  /**
   * The agent may write a turn's reply to its transcript after our Stop hook returns: a detached
   * follow-up then waits for it instead of the agent.
   */
  transcriptWrittenLate?: boolean;
  /** What the hook must print on stdout for this payload (the agent requires it), or ''. */
  stdout?(event: string | null): string;
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || os.homedir();
}

export function inWorkspace(ctx: PathContext, ...parts: string[]): string {
  return path.join(ctx.workspace, ...parts);
}
