// Human-readable output of the CLI (`--json` prints the data itself).
import type { SharedCheckpoint, SharedSession } from '../core/share/remote';
import { CheckpointInfo, FileChange, Message, RestoreMode, RestoreOutcome, RestorePlan, RevertOutcome, RevertPlan, SessionInfo } from '../core/types';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const oneLine = (text: string, max = 60) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function describeCheckpoint(checkpoint: CheckpointInfo): string {
  if (checkpoint.label) return checkpoint.label;
  if (checkpoint.prompt) return `Before: ${oneLine(checkpoint.prompt)}`;
  return checkpoint.kind === 'safety' ? 'Safety checkpoint' : `${checkpoint.kind} checkpoint`;
}

export function formatList(list: CheckpointInfo[]): string {
  if (list.length === 0) return 'No checkpoints yet. Take one with `boocode checkpoint`.\n';
  return list
    .map((checkpoint) => {
      const session = checkpoint.sessionId ? `  [${checkpoint.agent ?? 'session'} ${checkpoint.sessionId}]` : '';
      const end = checkpoint.turnEnd ? `  (${checkpoint.turnEnd.interrupted ? 'interrupted, ' : ''}ended at ${checkpoint.turnEnd.id})` : checkpoint.kind === 'turn' ? '  (not ended)' : '';
      return `${checkpoint.id}  ${formatTime(checkpoint.createdAt)}  ${checkpoint.kind.padEnd(6)}  ${oneLine(describeCheckpoint(checkpoint), 70)}${session}${end}`;
    })
    .join('\n') + '\n';
}

const STATUS_LETTER = { added: 'A', modified: 'M', deleted: 'D', typechange: 'T' } as const;

export function formatChanges(changes: FileChange[]): string {
  if (changes.length === 0) return 'No changes.\n';
  return changes
    .map((change) => {
      const counts = change.added === null ? 'binary' : `+${change.added} -${change.removed}`;
      return `${STATUS_LETTER[change.status]}  ${change.path}  ${counts}`;
    })
    .join('\n') + '\n';
}

export function formatPlan(plan: RestorePlan, mode: RestoreMode, what = 'Restoring checkpoint'): string {
  const lines = [`${what} ${plan.checkpoint.id} (${formatTime(plan.checkpoint.createdAt)}):`];
  if (mode !== 'transcript') {
    const section = (title: string, files: string[]) => {
      if (files.length === 0) return;
      lines.push(`  ${title} (${files.length}):`);
      for (const file of files.slice(0, 50)) lines.push(`    ${file}`);
      if (files.length > 50) lines.push(`    … and ${files.length - 50} more`);
    };
    section('Changed back', plan.modified);
    section('Written back', plan.recreated);
    section('DELETED (created since)', plan.deleted);
    section('Permissions back', plan.modeChanged);
    for (const kept of plan.kept.slice(0, 50)) lines.push(`  Left alone: ${kept.path} (${kept.reason})`);
    if (plan.kept.length > 50) lines.push(`  … and ${plan.kept.length - 50} more left alone`);
    if (plan.modified.length + plan.recreated.length + plan.deleted.length + plan.modeChanged.length === 0) lines.push('  No file differs.');
  }
  if (mode !== 'files' && plan.checkpoint.sessionId) lines.push('  The transcript is trimmed from that turn on.');
  lines.push('A safety checkpoint is taken first; `boocode undo` reverses the restore. Files that change while it runs are kept.');
  return lines.join('\n') + '\n';
}

export function formatRestore(outcome: RestoreOutcome): string {
  const lines = [`Restored checkpoint ${outcome.restored}: ${outcome.filesChanged} file(s) changed, ${outcome.messagesDeleted} message(s) removed from the transcript.`];
  for (const kept of outcome.kept.slice(0, 50)) lines.push(`Left alone: ${kept.path} (${kept.reason})`);
  if (outcome.kept.length > 50) lines.push(`… and ${outcome.kept.length - 50} more left alone (--json lists them all)`);
  if (outcome.safetyCheckpoint) lines.push(`Undo with \`boocode undo\` (safety checkpoint ${outcome.safetyCheckpoint}).`);
  if (outcome.agentAdvice) lines.push(outcome.agentAdvice);
  return lines.join('\n') + '\n';
}

export function formatRevertPlan(plan: RevertPlan): string {
  const text = formatPlan(plan, 'files', 'Reverting the turn of checkpoint').replace(/\n[^\n]*\n$/, '\n');
  const end = plan.turnEnd.interrupted ? ' (the turn was interrupted: it ended where the next one began)' : '';
  return `${text}  Its changes are taken back by a 3-way merge${end}; lines changed since are kept.\nA safety checkpoint is taken first; \`boocode undo\` reverses the revert.\n`;
}

export function formatRevert(outcome: RevertOutcome): string {
  const lines = [`Reverted the turn of checkpoint ${outcome.reverted}: ${outcome.filesChanged} file(s) changed; the transcript is kept.`];
  if (outcome.conflicts.length > 0) lines.push(`Not reverted, left exactly as they are (${outcome.conflicts.length}): they changed since the turn.`);
  for (const kept of outcome.kept.slice(0, 50)) lines.push(`Left alone: ${kept.path} (${kept.reason})`);
  if (outcome.kept.length > 50) lines.push(`… and ${outcome.kept.length - 50} more left alone (--json lists them all)`);
  lines.push(`Undo with \`boocode undo\` (safety checkpoint ${outcome.safetyCheckpoint}).`);
  if (outcome.agentAdvice) lines.push(outcome.agentAdvice);
  return lines.join('\n') + '\n';
}

export function formatTranscript(messages: Message[]): string {
  if (messages.length === 0) return 'No messages in this session.\n';
  return messages.map((message) => `[${formatTime(message.createdAt)}] ${message.role}:\n${message.text}\n`).join('\n');
}

export function formatSessions(sessions: SessionInfo[]): string {
  if (sessions.length === 0) return 'No sessions recorded yet.\n';
  return sessions
    .map((session) => `${session.id}  ${formatTime(session.updatedAt)}  ${(session.agent ?? '-').padEnd(11)}  ${session.messageCount} msg  ${oneLine(session.title ?? '', 50)}${session.staleAt ? '  (agent context stale)' : ''}`)
    .join('\n') + '\n';
}

export function formatSharedSessions(sessions: SharedSession[]): string {
  if (sessions.length === 0) return '';
  return (
    sessions
      .map((s) => `${s.id}  ${formatTime(s.updatedAt)}  ${(s.agent ?? '-').padEnd(11)}  ${s.messageCount ?? '?'} msg  ${oneLine(s.encrypted ? '(encrypted transcript)' : s.title ?? '', 50)}  (shared by ${s.shared}; import shared:${s.shared}/${s.id})`)
      .join('\n') + '\n'
  );
}

export function formatSharedCheckpoints(list: SharedCheckpoint[]): string {
  if (list.length === 0) return '';
  return (
    list
      .map((c) => {
        const what = c.label ?? (c.prompt ? `Before: ${oneLine(c.prompt)}` : `${c.kind} checkpoint`);
        return `${c.id}  ${formatTime(c.createdAt)}  ${c.kind.padEnd(6)}  ${oneLine(what, 70)}  [shared by ${c.shared}: ${c.sessionId}]`;
      })
      .join('\n') + '\n'
  );
}
