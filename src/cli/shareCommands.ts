// `boocode export`, `import`, `push`, `fetch`: sessions that travel (see src/core/share/).
import * as path from 'path';
import { BooError } from '../core/errors';
import { readSettings } from '../core/settings';
import { maxBytesOf } from '../core/share/capped';
import { openShareContext, ShareContext } from '../core/share/context';
import { commandArgv, Encryption } from '../core/share/crypto';
import { exportSession } from '../core/share/exportSession';
import { importFile } from '../core/share/importFile';
import { importSession } from '../core/share/importSession';
import { fetchShared, incomingFromShared, planPush, PushPlan, runPush, sharerName } from '../core/share/remote';
import type { Command } from './commands';
import { ParsedArgs } from './args';
import { formatBytes } from './format';
import { confirm, one, print } from './common';
import { CliIO } from './io';

async function withContext<T>(args: ParsedArgs, io: CliIO, task: (context: ShareContext) => Promise<T>): Promise<T> {
  const context = await openShareContext(path.resolve(io.cwd, args.values.get('-C') ?? '.'), { onNotice: (line) => io.stderr(`boocode: ${line}\n`) });
  try {
    return await task(context);
  } finally {
    context.close();
  }
}

/** --key-file or a command (flag, else the setting); null when the transcript travels in the clear. */
function encryptionOf(args: ParsedArgs, io: CliIO, context: ShareContext, direction: 'encrypt' | 'decrypt'): Encryption | null {
  const keyFile = args.values.get('--key-file');
  const flag = args.values.get(`--${direction}-command`);
  if (keyFile !== undefined && flag !== undefined) throw new BooError('usage', `Choose one of --key-file and --${direction}-command.`);
  if (keyFile !== undefined) return { kind: 'key', keyFile: path.resolve(io.cwd, keyFile) };
  if (flag !== undefined) return { kind: 'command', argv: commandArgv(flag) };
  const setting = readSettings(context.ws.stateDir)[direction === 'encrypt' ? 'encryptCommand' : 'decryptCommand'];
  return setting ? { kind: 'command', argv: commandArgv(setting) } : null;
}

const ENCRYPTION_FLAGS = ['--key-file', '--encrypt-command'];

export const SHARE_COMMANDS: Record<string, Command> = {
  export: {
    usage: 'export SESSION [-C DIR] [-o FILE] [--encrypt (--key-file F | --encrypt-command CMD)] [--max-size MB] [--json]',
    summary:
      "Write a session to one file: its checkpoints as a git bundle, its transcript (JSON; encrypted with --encrypt) and a manifest. The receiving repository must already have the checkpoints' parent commits (listed).",
    values: ['-C', '-o', '--max-size', ...ENCRYPTION_FLAGS],
    switches: ['--encrypt', '--json'],
    run: (args, io) =>
      withContext(args, io, async (context) => {
        const sessionId = one(args, 'session id');
        const encryption = args.switches.has('--encrypt') ? encryptionOf(args, io, context, 'encrypt') : null;
        if (args.switches.has('--encrypt') && !encryption) {
          throw new BooError('usage', '--encrypt needs --key-file FILE, --encrypt-command CMD or the boocode.share.encryptCommand setting.');
        }
        if (!args.switches.has('--encrypt') && (args.values.has('--key-file') || args.values.has('--encrypt-command'))) {
          throw new BooError('usage', 'Add --encrypt to encrypt the transcript with that key or command.');
        }
        const output = path.resolve(io.cwd, args.values.get('-o') ?? `${sessionId}.boocode`);
        const result = await exportSession(context, sessionId, output, { encryption, maxBytes: maxBytesOf(args.values.get('--max-size')) });
        return print(io, args, result, () => {
          const needs = result.prerequisites.length
            ? `\nThe receiving repository needs ${result.prerequisites.length === 1 ? 'commit' : 'commits'} ${result.prerequisites.map((c) => c.slice(0, 12)).join(', ')} (the checkpoints' parents): push your branch first.`
            : '';
          const own = result.agentFile ? `, with the agent's own session file ${result.agentFile}` : '';
          return `Exported session ${result.sessionId} to ${result.file}: ${result.checkpoints.length} checkpoint(s), ${result.messages} message(s)${own}, ${formatBytes(result.bytes)}${result.encrypted ? ', transcript encrypted' : ''}.${needs}\n`;
        });
      }),
  },
  import: {
    usage: 'import FILE|shared:USER/SESSION [-C DIR] [--key-file F | --decrypt-command CMD] [--as-new] [--max-size MB] [--json]',
    summary:
      'Bring in a session file, or a session fetched from a remote (shared:USER/SESSION): verified against its manifest, checkpoints rebased onto this workspace, transcript added; all or nothing. The same file twice changes nothing; a different session under the same id needs --as-new.',
    values: ['-C', '--max-size', '--key-file', '--decrypt-command'],
    switches: ['--as-new', '--json'],
    run: (args, io) =>
      withContext(args, io, async (context) => {
        const source = one(args, 'session file (or shared:USER/SESSION)');
        const maxBytes = maxBytesOf(args.values.get('--max-size'));
        const decryption = encryptionOf(args, io, context, 'decrypt');
        const asNew = args.switches.has('--as-new');
        const result = source.startsWith('shared:')
          ? await importSession(context, await incomingFromShared(context, source, decryption, maxBytes), { asNew })
          : await importFile(context, path.resolve(io.cwd, source), { maxBytes, decryption, asNew });
        for (const skipped of result.skipped) io.stderr(`boocode: warning: checkpoint ${skipped.id} was skipped: ${skipped.reason}.\n`);
        return print(io, args, result, () =>
          result.alreadyImported
            ? `Session ${result.sessionId} is already here; nothing was changed.\n`
            : `Imported session ${result.sessionId}${result.sessionId !== result.sourceSessionId ? ` (was ${result.sourceSessionId})` : ''} into ${result.workspace}: ${result.imported.length} checkpoint(s), ${result.messages} message(s)${result.skipped.length ? `, ${result.skipped.length} checkpoint(s) skipped` : ''}.\n` +
              (result.agentFile ? `The agent's own session file is at ${result.agentFile}: \`boocode resume\` continues it here.\n` : ''),
        );
      }),
  },
  push: {
    usage: 'push REMOTE [SESSION…] [-C DIR] [--as NAME] [--encrypt (--key-file F | --encrypt-command CMD)] [--max-size MB] [--yes] [--json]',
    summary:
      'Share sessions (default: all) through a git remote under refs/boocode/shared/NAME/SESSION/: their checkpoint commits and the transcript as a blob in a commit. Says what it will send and how big first; `git push --all` never sends these refs.',
    values: ['-C', '--as', '--max-size', ...ENCRYPTION_FLAGS],
    switches: ['--encrypt', '--yes', '--json'],
    run: (args, io) =>
      withContext(args, io, async (context) => {
        const [remote, ...sessions] = args.positionals;
        if (!remote) throw new BooError('usage', 'Give the remote to push to (a name from `git remote -v`, or a URL).');
        const encryption = args.switches.has('--encrypt') ? encryptionOf(args, io, context, 'encrypt') : null;
        if (args.switches.has('--encrypt') && !encryption) throw new BooError('usage', '--encrypt needs --key-file FILE, --encrypt-command CMD or the boocode.share.encryptCommand setting.');
        const user = args.values.get('--as') ?? (await sharerName(context));
        const plan = await planPush(context, remote, sessions, { user, encryption, maxBytes: maxBytesOf(args.values.get('--max-size')) });
        io.stderr(describePush(plan));
        if (!args.switches.has('--yes')) {
          if (!process.stdin.isTTY || !process.stderr.isTTY) throw new BooError('refused', 'Pushing needs confirmation: run it in a terminal, or add --yes. Nothing was sent.');
          if (!(await confirm('Push? [y/N] '))) {
            io.stderr('Nothing was sent.\n');
            return 1;
          }
        }
        const result = await cancellable((signal) => runPush(context, plan, { onProgress: progressLine(io), signal }));
        return print(io, args, { ...plan, ...result }, () => `Shared ${plan.sessions.length} session(s) on ${remote} as ${plan.user}.\n`);
      }),
  },
  fetch: {
    usage: 'fetch REMOTE [-C DIR] [--json]',
    summary: 'Fetch the sessions others shared on a remote; `boocode sessions` and `boocode list` then show them, marked shared, and `boocode import shared:USER/SESSION` brings one in to restore.',
    values: ['-C'],
    switches: ['--json'],
    run: (args, io) =>
      withContext(args, io, async (context) => {
        const remote = one(args, 'remote');
        const shared = await cancellable((signal) => fetchShared(context, remote, { onProgress: progressLine(io), signal }));
        return print(io, args, shared, () =>
          shared.length === 0 ? `No shared sessions on ${remote}.\n` : shared.map((s) => `${s.shared}/${s.id}  ${s.agent ?? '-'}  ${s.checkpoints} checkpoint(s)${s.encrypted ? '  (encrypted)' : ''}  ${s.title ?? ''}`.trimEnd()).join('\n') + '\n',
        );
      }),
  },
};

function describePush(plan: PushPlan): string {
  const lines = [`Pushing to ${plan.remote} as ${plan.user} (refs/boocode/shared/${plan.user}/…):`];
  for (const session of plan.sessions) lines.push(`  ${session.id}: ${session.checkpoints} checkpoint(s), transcript of ${session.messages} message(s)${session.encrypted ? ' (encrypted)' : ' (readable by anyone who can fetch)'}`);
  lines.push(`  at most ${plan.objects} object(s), ${formatBytes(plan.bytes)} on disk`);
  if (plan.historyCommits > 0) lines.push(`  including ${plan.historyCommits} commit(s) of your own history the remote may not have (the checkpoints sit on them)`);
  return lines.join('\n') + '\n';
}

/** Ctrl-C stops git (simple-git's abort) and ends with one line instead of a half-written progress bar. */
async function cancellable<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await task(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw new BooError('refused', 'Stopped (Ctrl-C); the remote keeps what it had fully received, nothing local changed.');
    throw error;
  } finally {
    process.off('SIGINT', stop);
  }
}

function progressLine(io: CliIO): (event: { stage: string; progress: number }) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (event) => io.stderr(`\r${event.stage} ${event.progress}%   ${event.progress === 100 ? '\n' : ''}`);
}

