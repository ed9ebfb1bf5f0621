// Our own copy of the parts of VS Code's proposed Timeline API we use (vscode.proposed.timeline.d.ts).
// It is a proposal on stable VS Code, so the extension registers it inside try/catch and works without it.
import 'vscode';

declare module 'vscode' {
  export interface TimelineItem {
    /** Unix ms, used to sort the items of all providers together. */
    timestamp: number;
    label: string;
    id?: string;
    iconPath?: Uri | { light: Uri; dark: Uri } | ThemeIcon;
    description?: string;
    tooltip?: string | MarkdownString;
    command?: Command;
    /** Matched by `timelineItem` in `when` clauses of `timeline/item/context` menus. */
    contextValue?: string;
    accessibilityInformation?: AccessibilityInformation;
  }

  export interface TimelineChangeEvent {
    uri: Uri;
    reset?: boolean;
  }

  export interface Timeline {
    readonly paging?: { readonly cursor: string | undefined };
    readonly items: readonly TimelineItem[];
  }

  export interface TimelineOptions {
    cursor?: string;
    limit?: number | { timestamp: number; id?: string };
  }

  export interface TimelineProvider {
    /** Fire `undefined` to refresh every timeline of this provider. */
    onDidChange?: Event<TimelineChangeEvent | undefined>;
    readonly id: string;
    readonly label: string;
    provideTimeline(uri: Uri, options: TimelineOptions, token: CancellationToken): ProviderResult<Timeline>;
  }
}
