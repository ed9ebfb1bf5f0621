// "Connect Agent…" writes the agent's hook config through the same module as `boocode hooks install`.
// Hooks must survive extension updates, and the extension's own folder is versioned, so the bundled
// CLI is copied to a stable place (the extension's global storage) and hooks point there; on
// activation, hooks whose program has gone (an older install) are re-pointed.
import * as fs from 'fs';
import * as path from 'path';
import { findOnPath } from '../hooks/command';
import { AGENTS, hooksStatus, installHooks, type AgentName } from '../hooks/install';
import type { AgentConnector } from './commands';

// What cli.js loads is copied before cli.js itself, so a hook starting mid-update finds it.
const CLI_FILES = ['sql-wasm.wasm', 'boocode.js', 'hook.js', 'cli.js'];

/** Copies the bundled CLI to `<storage>/cli/` when it differs; returns the stable `cli.js`, or undefined. */
export function stableCli(extensionPath: string, storageDir: string): string | undefined {
  const source = path.join(extensionPath, 'dist');
  if (!fs.existsSync(path.join(source, 'cli.js'))) return undefined;
  const target = path.join(storageDir, 'cli');
  fs.mkdirSync(target, { recursive: true });
  for (const name of CLI_FILES) {
    const from = path.join(source, name);
    const to = path.join(target, name);
    if (!fs.existsSync(from)) continue;
    if (fs.existsSync(to) && fs.readFileSync(from).equals(fs.readFileSync(to))) continue;
    const temporary = `${to}.tmp-${process.pid}`;
    fs.copyFileSync(from, temporary);
    fs.renameSync(temporary, to); // an agent's hook running right now sees the old or the new file, whole
  }
  return path.join(target, 'cli.js');
}

/** The command line an agent's shell runs: `node` on PATH (stable across VS Code updates), else VS Code's own runtime. */
function cliCommand(cli: string | undefined): string[] | undefined {
  if (!cli) return undefined;
  const node = findOnPath('node', process.env) ?? (path.basename(process.execPath).startsWith('node') ? process.execPath : null);
  return node ? [node, cli] : ['ELECTRON_RUN_AS_NODE=1', process.execPath, cli];
}

export function createAgentConnector(extensionPath: string, storageDir: string, log: (line: string) => void): AgentConnector {
  let command: string[] | undefined | null = null;
  const current = () => {
    if (command === null) {
      try {
        command = cliCommand(stableCli(extensionPath, storageDir));
      } catch (error) {
        log(`Could not copy the CLI to ${storageDir} (${(error as Error).message}); hooks will use the bundled one.`);
        command = cliCommand(path.join(extensionPath, 'dist', 'cli.js'));
      }
    }
    return command;
  };
  return {
    agents(workspace?: string) {
      const status = workspace ? hooksStatus({ workspace }) : [];
      return AGENTS.map((name) => {
        const known = status.find((entry) => entry.agent === name);
        return { name, label: known?.label ?? name, connected: !!known?.connected };
      });
    },
    async connect(agent, workspace) {
      const result = installHooks(agent as AgentName, { workspace, cliCommand: current() });
      const action = result.changed ? (result.created ? 'Created' : 'Updated') : 'Already connected in';
      const notes = result.notes.length ? ` ${result.notes.join(' ')}` : '';
      return `${action} ${result.file}: ${agent} now checkpoints this workspace before every turn.${notes}`;
    },
    repointStale(workspace: string) {
      current(); // refreshes the stable copy, so hooks already pointing there run this version's CLI
      const repointed: string[] = [];
      for (const entry of hooksStatus({ workspace })) {
        for (const config of entry.configs.filter((candidate) => candidate.stale)) {
          installHooks(entry.agent as AgentName, { workspace, scope: config.scope, cliCommand: current() });
          repointed.push(`${entry.agent} (${config.file})`);
        }
      }
      if (repointed.length) log(`Re-pointed hooks whose program had gone: ${repointed.join(', ')}.`);
      return repointed;
    },
  };
}
