// "Show Transcript": a session as a read-only Markdown document, with a marker where each checkpoint
// was taken (before the prompt it is anchored to). It refreshes when the store changes.
import * as vscode from 'vscode';
import type { CheckpointInfo, Message, SessionInfo } from '../core/types';
import { Disposable } from './disposable';
import { absoluteTime, checkpointLabel, sessionLabel } from './format';
import type { FolderModel, WorkspaceModel } from './workspaceModel';

export const TRANSCRIPT_SCHEME = 'boocode-transcript';

export function transcriptUri(folder: FolderModel, session: SessionInfo): vscode.Uri {
  // The file name is what the editor tab shows; keep it short and readable, with .md for highlighting.
  const name = sessionLabel(session).replace(/[\\/:*?"<>|#%]/g, ' ').slice(0, 40).trim() || 'Transcript';
  return vscode.Uri.from({
    scheme: TRANSCRIPT_SCHEME,
    path: `/Transcript - ${name}.md`,
    query: new URLSearchParams({ root: folder.uri.fsPath, session: session.id }).toString(),
  });
}

export class TranscriptDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly model: WorkspaceModel) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, this));
    this.register(
      model.onDidChange(() => {
        for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === TRANSCRIPT_SCHEME) this.changed.fire(doc.uri);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const folder = this.model.folderAt(query.get('root') ?? '');
    const sessionId = query.get('session') ?? '';
    if (!folder) return 'This workspace folder is not open in this window.';
    const store = await folder.store();
    const [sessions, messages, checkpoints] = await Promise.all([
      folder.sessions(),
      store.transcript(sessionId),
      store.list({ sessionId }),
    ]);
    const session = sessions.find((candidate) => candidate.id === sessionId);
    return renderTranscript(session, messages, checkpoints);
  }
}

export function renderTranscript(session: SessionInfo | undefined, messages: readonly Message[], checkpoints: readonly CheckpointInfo[]): string {
  const anchored = new Map(checkpoints.filter((c) => c.anchorMessageId).map((c) => [c.anchorMessageId as string, c]));
  const lines: string[] = [];
  lines.push(`# ${session?.title ? session.title.split('\n')[0] : 'Transcript'}`, '');
  if (session) {
    lines.push(`Agent: ${session.agent ?? 'unknown'} · started ${absoluteTime(session.createdAt)} · session \`${session.id}\``, '');
    if (session.staleAt) {
      lines.push(`> ⚠ A restore trimmed this conversation ${absoluteTime(session.staleAt)}; the agent may still remember the removed turns.`, '');
    }
  }
  if (!messages.length) lines.push('_No messages recorded yet._');
  for (const message of messages) {
    const checkpoint = anchored.get(message.id);
    if (checkpoint) {
      lines.push('---', '', `⏺ **Checkpoint** \`${checkpoint.id}\` · ${absoluteTime(checkpoint.createdAt)} · ${checkpointLabel(checkpoint, 60)}`, '');
    }
    const who = message.role === 'user' ? 'You' : (session?.agent ?? 'Agent');
    lines.push(`### ${who} · ${new Date(message.createdAt).toLocaleTimeString()}`, '', message.text, '');
  }
  return lines.join('\n');
}
