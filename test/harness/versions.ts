// What differs between the VS Code versions the tests run on (scripts/setup-vscode.js pins them: the oldest
// we support and the newest), in one entry per version: server flags, default settings and the workbench's
// CSS selectors. The harness and the UI checks take these from `vscodeTraits` (the entry for the version
// this process runs, BOOCODE_VSCODE), never spell a version-dependent selector themselves. When a new VS Code
// changes its DOM, override the selector in that version's entry.
import { codeServer } from './paths';

export interface WorkbenchSelectors {
  /** The whole workbench. */
  workbench: string;
  /** The activity bar (present once the workbench has loaded). */
  activityBar: string;
  /** A view container's icon in the activity bar, by the start of its title. */
  activityBarItem: (title: string) => string;
  sideBar: string;
  /** The side bar's title (the view container's name, or "Container: View" for a lone view). */
  sideBarTitle: string;
  /** A view's header in the side bar, by its name. A lone view's header is in the DOM but hidden. */
  viewPaneHeader: (viewName: string) => string;
  /** The side bar's progress bar while it is busy. */
  sideBarProgress: string;
  /** A row of a tree or list in the side bar. */
  treeRow: string;
  /** The label text of such a row. */
  treeRowLabel: string;
  /** An action button (inline on a row, or in a title bar), by its title, within a row or bar. */
  action: (title: string) => string;
  /** A hover (tooltip) widget. */
  hover: string;
  /** The quick input's (command palette, quick open, quick pick) text box and rows. */
  quickInputBox: string;
  quickInputRow: string;
  /** A modal dialog (showWarningMessage with modal: true, …). */
  dialog: string;
  /** A notification toast (bottom right). */
  notification: string;
  statusBar: string;
  statusBarItem: string;
  /** The editor area, and a diff editor inside it. */
  editorArea: string;
  diffEditor: string;
  /** A row of the Timeline view. */
  timelineRow: string;
  /** A button in the side bar (a view's welcome content). */
  sideBarButton: string;
  /** The Workspace Trust editor, and its row of Trust / Don't Trust buttons. */
  trustEditor: string;
  trustEditorButtons: string;
}

export interface VscodeTraits {
  /**
   * code-server arguments a run needs when the page loads an extension under development. VS Code 1.139's
   * built workbench ignores the payload's extensionDevelopmentPath / extensionTestsPath unless the smoke-test
   * driver is enabled (code-server 4.139 passes that VS Code flag through with --vscode-option; 1.100 reads
   * the payload as it is, and code-server 4.100 has no --vscode-option).
   */
  extensionDevelopmentArgs: string[];
  /** User settings of every run, before the run's own. */
  settings: Record<string, unknown>;
  selectors: WorkbenchSelectors;
}

// Checked on VS Code 1.100.3 and 1.139.1: the same on both so far.
const SELECTORS: WorkbenchSelectors = {
  workbench: '.monaco-workbench',
  activityBar: '.monaco-workbench .part.activitybar',
  activityBarItem: (title) => `.part.activitybar a.action-label[aria-label^="${title}"]`,
  sideBar: '.part.sidebar',
  sideBarTitle: '.part.sidebar .composite.title',
  viewPaneHeader: (viewName) => `.part.sidebar .pane-header[aria-label="${viewName} Section"]`,
  sideBarProgress: '.part.sidebar .monaco-progress-container.active',
  treeRow: '.part.sidebar .monaco-list-row',
  treeRowLabel: '.part.sidebar .monaco-list-row .label-name',
  action: (title) => `.action-label[aria-label="${title}"]`,
  hover: '.monaco-hover, .workbench-hover',
  quickInputBox: '.quick-input-widget input',
  quickInputRow: '.quick-input-widget .monaco-list-row',
  dialog: '.monaco-dialog-box',
  notification: '.notification-toast',
  statusBar: '.part.statusbar',
  statusBarItem: '.part.statusbar .statusbar-item',
  editorArea: '.part.editor',
  diffEditor: '.monaco-diff-editor',
  timelineRow: '.timeline-tree-view .monaco-list-row',
  sideBarButton: '.part.sidebar .monaco-button',
  trustEditor: '.workspace-trust-editor',
  trustEditorButtons: '.workspace-trust-buttons',
};

const TRAITS: Record<'oldest' | 'newest', VscodeTraits> = {
  // VS Code 1.100.3 when this was written (the version itself is pinned in scripts/setup-vscode.js only).
  oldest: {
    extensionDevelopmentArgs: [],
    settings: {},
    selectors: SELECTORS,
  },
  // VS Code 1.139.1 when this was written.
  newest: {
    extensionDevelopmentArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    settings: {
      // A fresh profile opens the Chat view in the secondary side bar, which leaves the editor about 500 px
      // (diffs wrap into inline view): keep it closed, so the screenshots show our UI as on 1.100.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    selectors: { ...SELECTORS },
  },
};

export const vscodeTraits: VscodeTraits = TRAITS[codeServer.key];
export const selectors: WorkbenchSelectors = vscodeTraits.selectors;
