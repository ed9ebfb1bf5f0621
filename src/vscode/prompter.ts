// Every question the extension asks a person goes through this one small interface, so tests can
// answer them (via the extension's test hook) while users get VS Code's own dialogs and pickers.
import * as vscode from 'vscode';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface Prompter {
  /** A modal question; resolves to the chosen button, or undefined for Cancel. */
  ask(message: string, detail: string, choices: readonly string[], severity?: 'info' | 'warning'): Promise<string | undefined>;
  pick<T>(items: readonly PickItem<T>[], placeHolder: string): Promise<T | undefined>;
  /** A quick pick with every item checked; resolves to those still checked, or undefined when dismissed. */
  pickMany<T>(items: readonly PickItem<T>[], placeHolder: string): Promise<T[] | undefined>;
  input(prompt: string, placeHolder?: string): Promise<string | undefined>;
  /** A notification. Resolves when the person clicks an action or dismisses it, so never await it in a command. */
  notify(severity: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Thenable<string | undefined>;
}

export const windowPrompter: Prompter = {
  async ask(message, detail, choices, severity = 'warning') {
    const show = severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(message, { modal: true, detail }, ...choices);
  },
  async pick(items, placeHolder) {
    const chosen = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, item })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return chosen?.item.value;
  },
  async pickMany(items, placeHolder) {
    const chosen = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, picked: true, item })),
      { placeHolder, canPickMany: true, matchOnDescription: true },
    );
    return chosen?.map((entry) => entry.item.value);
  },
  async input(prompt, placeHolder) {
    return vscode.window.showInputBox({ prompt, placeHolder });
  },
  notify(severity, message, ...actions) {
    if (severity === 'error') return vscode.window.showErrorMessage(message, ...actions);
    if (severity === 'warning') return vscode.window.showWarningMessage(message, ...actions);
    return vscode.window.showInformationMessage(message, ...actions);
  },
};

/** Lets tests swap the prompter while everything else keeps a stable reference. */
export class SwitchablePrompter implements Prompter {
  constructor(public current: Prompter = windowPrompter) {}
  ask(...args: Parameters<Prompter['ask']>) {
    return this.current.ask(...args);
  }
  pick<T>(items: readonly PickItem<T>[], placeHolder: string) {
    return this.current.pick(items, placeHolder);
  }
  pickMany<T>(items: readonly PickItem<T>[], placeHolder: string) {
    return this.current.pickMany(items, placeHolder);
  }
  input(prompt: string, placeHolder?: string) {
    return this.current.input(prompt, placeHolder);
  }
  notify(severity: 'info' | 'warning' | 'error', message: string, ...actions: string[]) {
    return this.current.notify(severity, message, ...actions);
  }
}
