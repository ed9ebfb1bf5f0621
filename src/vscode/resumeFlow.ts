// Resume <agent> Here: the agent's own conversation continued from a checkpoint's turn, in a VS Code
// terminal that runs the agent directly (argv, no shell between). What to run comes from the core
// (src/core/resume/plan.ts); this file only shows it.
import * as vscode from 'vscode';
import { agentLabel } from '../core/resume/commands';
import { commandLine, prepareResume, ResumePlan } from '../core/resume/plan';
import type { CheckpointInfo } from '../core/types';
import { findOnPath } from '../hooks/command';
import type { Prompter } from './prompter';
import type { FolderModel } from './workspaceModel';

export interface ResumeDependencies {
  prompter: Prompter;
  log: (line: string) => void;
  /** Opens the terminal (tests replace it). */
  openTerminal?: (options: vscode.TerminalOptions) => void;
}

const OPEN_SEED = 'Open Transcript Sent';
const COPY = 'Copy Command';

/** The title of the action that resumes `agent`, as menus and notifications show it. */
export const resumeTitle = (agent: string | null) => `Resume ${agentLabel(agent)} Here`;

export async function resumeAgent(deps: ResumeDependencies, folder: FolderModel, checkpoint: CheckpointInfo): Promise<ResumePlan> {
  const store = await folder.store();
  const label = agentLabel(checkpoint.agent);
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Preparing ${label} to resume…` }, async () =>
    prepareResume(await store.resumeTarget(checkpoint.id)),
  );
  const line = commandLine(plan);
  deps.log(`Resume at ${checkpoint.id}: ${plan.mode}, ${line ?? 'no command'}`);
  const actions = plan.fallbackSeedFile ? [OPEN_SEED] : [];
  if (plan.argv) {
    // The program as the terminal will find it; a clear message when VS Code's PATH lacks it.
    const program = plan.argv[0].includes('/') ? plan.argv[0] : findOnPath(plan.argv[0], process.env);
    if (!program) {
      void deps.prompter.notify('error', `${plan.argv[0]} is not on the PATH VS Code sees, so ${label} cannot be started here: run this in a terminal: ${line}`, COPY).then((action) => {
        if (action === COPY && line) void vscode.env.clipboard.writeText(line);
      });
      return plan;
    }
    const options: vscode.TerminalOptions = { name: `${label} (resumed)`, shellPath: program, shellArgs: plan.argv.slice(1), cwd: vscode.Uri.file(plan.cwd), env: plan.env };
    (deps.openTerminal ?? ((terminal) => vscode.window.createTerminal(terminal).show()))(options);
  }
  void deps.prompter.notify(plan.mode === 'seeded' ? 'warning' : 'info', plan.note, ...actions).then(async (action) => {
    if (action === OPEN_SEED && plan.fallbackSeedFile) await vscode.window.showTextDocument(vscode.Uri.file(plan.fallbackSeedFile));
  });
  return plan;
}
