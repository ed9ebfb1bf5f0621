// Shared helpers for the extension-host tests: the extension's API (with its test hook), the CLI as an
// agent's hooks would run it, a scripted Prompter that answers dialogs, and polling.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BooCodeCheckpointsApi } from '../../src/vscode/api';
import type { CheckpointTree, TreeNode } from '../../src/vscode/checkpointTree';
import type { PickItem, Prompter } from '../../src/vscode/prompter';
import type { CheckpointStatusBar } from '../../src/vscode/statusBar';
import type { CheckpointTimeline } from '../../src/vscode/timelineProvider';
import type { WorkspaceModel } from '../../src/vscode/workspaceModel';
import type { CheckpointInfo } from '../../src/core/types';

export const EXTENSION_ID = 'boocode.boocode-checkpoints';

export interface Testing {
  setPrompter(prompter: Prompter | undefined): void;
  model: WorkspaceModel;
  tree: CheckpointTree;
  statusBar: CheckpointStatusBar;
  timeline: CheckpointTimeline;
  /** What activation does after start-up: offers to finish or roll back an interrupted restore. */
  offerInterruptedRestores(): Promise<void>;
}

export type Api = BooCodeCheckpointsApi & { testing: Testing };

export async function extensionApi(): Promise<Api> {
  const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api.testing, 'the test hook is available outside production mode');
  return api;
}

export function workspaceDir(): string {
  const dir = process.env.BOOCODE_TEST_WORKSPACE;
  assert.ok(dir, 'BOOCODE_TEST_WORKSPACE is not set');
  return fs.realpathSync(dir);
}

/** Runs the built CLI in the test workspace, as an agent's hook would, and parses its --json output. */
export function cli<T = unknown>(...args: string[]): T {
  const cliPath = process.env.BOOCODE_CLI;
  assert.ok(cliPath, 'BOOCODE_CLI is not set');
  const out = execFileSync(process.execPath, [cliPath, ...args, '-C', workspaceDir(), '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  return (out.trim() ? JSON.parse(out) : undefined) as T;
}

/** One agent turn through the CLI: prompt + checkpoint, then `edit` (the agent's work), then the reply. */
export function agentTurn(session: string, prompt: string, edit: () => void, agent = 'claude-code'): CheckpointInfo {
  const begun = cli<{ checkpoint: CheckpointInfo | null; warning: string | null }>(
    'turn', 'begin', '--session', session, '--prompt', prompt, '--agent', agent,
  );
  assert.ok(begun.checkpoint, `turn begin made no checkpoint: ${begun.warning}`);
  edit();
  cli('turn', 'end', '--session', session, '--reply', `Done: ${prompt}`);
  return begun.checkpoint as CheckpointInfo;
}

export function file(relative: string): string {
  return path.join(workspaceDir(), relative);
}

export function write(relative: string, text: string): void {
  fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
  fs.writeFileSync(file(relative), text);
}

export function read(relative: string): string | undefined {
  return fs.existsSync(file(relative)) ? fs.readFileSync(file(relative), 'utf8') : undefined;
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function treeItems(api: Api, node?: TreeNode): Promise<{ node: TreeNode; item: vscode.TreeItem }[]> {
  const children = await api.testing.tree.getChildren(node);
  return Promise.all(children.map(async (child) => ({ node: child, item: await api.testing.tree.getTreeItem(child) })));
}

export function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  if (typeof label === 'string') return label;
  if (label) return label.label;
  return item.resourceUri ? path.basename(item.resourceUri.fsPath) : '';
}

type Answer<T> = T | undefined | ((offered: T[]) => T | undefined);

/**
 * Answers the extension's questions from a script and records everything it said. An unscripted
 * question is recorded in `unexpected` and answered with Cancel, so a test can assert none happened.
 */
export class ScriptedPrompter implements Prompter {
  readonly asked: { message: string; detail: string; choices: readonly string[] }[] = [];
  readonly picked: { placeHolder: string; labels: string[] }[] = [];
  readonly inputs: string[] = [];
  readonly notes: { severity: string; message: string; actions: string[] }[] = [];
  readonly unexpected: string[] = [];
  private readonly askAnswers: Answer<string>[] = [];
  private readonly pickAnswers: ((items: readonly PickItem<unknown>[]) => unknown)[] = [];
  private readonly pickManyAnswers: ((items: readonly PickItem<unknown>[]) => unknown[] | undefined)[] = [];
  private readonly inputAnswers: (string | undefined)[] = [];
  private readonly notifyAnswers: string[] = [];

  /** Next modal answer: a button label, or undefined for Cancel. */
  answer(choice: string | undefined): this {
    this.askAnswers.push(choice);
    return this;
  }
  /** Next quick-pick answer: the first item whose label matches (none: dismissed). */
  choose(match: string | RegExp | undefined): this {
    this.pickAnswers.push((items) =>
      match === undefined ? undefined : items.find((item) => (typeof match === 'string' ? item.label.includes(match) : match.test(item.label)))?.value,
    );
    return this;
  }
  async pick<T>(items: readonly PickItem<T>[], placeHolder: string): Promise<T | undefined> {
    this.picked.push({ placeHolder, labels: items.map((item) => item.label) });
    const next = this.pickAnswers.shift();
    if (!next) this.unexpected.push(`pick: ${placeHolder}`);
    return next ? (next(items) as T | undefined) : undefined;
  }
  /** Next multi-pick answer: every offered item (all come checked) but those labelled `drop`. */
  uncheck(...drop: string[]): this {
    this.pickManyAnswers.push((items) => items.filter((item) => !drop.includes(item.label)).map((item) => item.value));
    return this;
  }
  async pickMany<T>(items: readonly PickItem<T>[], placeHolder: string): Promise<T[] | undefined> {
    this.picked.push({ placeHolder, labels: items.map((item) => item.label) });
    const next = this.pickManyAnswers.shift();
    if (!next) this.unexpected.push(`pickMany: ${placeHolder}`);
    return next ? (next(items) as T[] | undefined) : undefined;
  }
  /** Next notification that offers `action` gets it clicked. */
  click(action: string): this {
    this.notifyAnswers.push(action);
    return this;
  }
  type(text: string | undefined): this {
    this.inputAnswers.push(text);
    return this;
  }

  async ask(message: string, detail: string, choices: readonly string[]): Promise<string | undefined> {
    this.asked.push({ message, detail, choices });
    if (!this.askAnswers.length) {
      this.unexpected.push(`ask: ${message}`);
      return undefined;
    }
    const answer = this.askAnswers.shift();
    const chosen = typeof answer === 'function' ? answer([...choices]) : answer;
    assert.ok(chosen === undefined || choices.includes(chosen), `"${chosen}" is not among the offered choices ${JSON.stringify(choices)}`);
    return chosen;
  }
  async input(prompt: string): Promise<string | undefined> {
    this.inputs.push(prompt);
    if (!this.inputAnswers.length) this.unexpected.push(`input: ${prompt}`);
    return this.inputAnswers.shift();
  }
  notify(severity: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Thenable<string | undefined> {
    this.notes.push({ severity, message, actions });
    const index = this.notifyAnswers.findIndex((action) => actions.includes(action));
    return Promise.resolve(index < 0 ? undefined : this.notifyAnswers.splice(index, 1)[0]);
  }
  errors(): string[] {
    return this.notes.filter((note) => note.severity === 'error').map((note) => note.message);
  }
}

/** Installs a fresh ScriptedPrompter for the duration of each test. */
export function usePrompter(getApi: () => Api): () => ScriptedPrompter {
  let current: ScriptedPrompter;
  beforeEach(() => {
    current = new ScriptedPrompter();
    getApi().testing.setPrompter(current);
  });
  afterEach(() => getApi().testing.setPrompter(undefined));
  return () => current;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Newest checkpoints of the workspace, as the extension sees them after a refresh. */
export async function freshList(api: Api): Promise<CheckpointInfo[]> {
  api.testing.model.refresh();
  return api.list();
}
