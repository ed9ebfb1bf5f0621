// "Connect Agent…" writes the agent's hook config through the same module as `boocode hooks install`,
// pointing it at the CLI bundled with this extension.
import * as fs from 'fs';
import * as path from 'path';
import { findOnPath } from '../hooks/command';
import { AGENTS, hooksStatus, installHooks, type AgentName } from '../hooks/install';
import { countLabel } from './format';
import type { AgentConnector } from './commands';

/** The command line an agent's shell runs to reach our CLI: Node when on PATH, else VS Code's own runtime. */
function cliCommand(extensionPath: string): string[] | undefined {
  const cli = path.join(extensionPath, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) return undefined;
  const node = path.basename(process.execPath).startsWith('node') ? process.execPath : findOnPath('node', process.env);
  return node ? [node, cli] : ['ELECTRON_RUN_AS_NODE=1', process.execPath, cli];
}

export function createAgentConnector(extensionPath: string): AgentConnector {
  return {
    agents(workspace?: string) {
      const status = workspace ? hooksStatus({ workspace }) : [];
      return AGENTS.map((name) => {
        const known = status.find((entry) => entry.agent === name);
        return { name, label: known?.label ?? name, connected: !!known?.connected };
      });
    },
    async connect(agent, workspace) {
      const result = installHooks(agent as AgentName, { workspace, cliCommand: cliCommand(extensionPath) });
      const action = result.changed ? (result.created ? 'Created' : 'Updated') : 'Already connected in';
      const notes = result.notes.length ? ` ${result.notes.join(' ')}` : '';
      return `${action} ${result.file}: ${agent} now checkpoints this workspace before every turn.${notes}`;
    },
  };
}


