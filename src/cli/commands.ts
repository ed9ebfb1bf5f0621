// The `boocode` commands: one table, each entry its flags, usage line and handler.
import * as path from 'path';
import { BooError } from '../core/errors';
import { assertCheckpointId } from '../core/ids';
import { Checkpoints, openCheckpoints } from '../core/service';
import { RestoreMode } from '../core/types';
import { parseArgs, parseCount, ParsedArgs } from './args';
import { formatBytes, formatChanges, formatList, formatPlan, formatRestore, formatRevert, formatRevertPlan, formatSessions, formatSharedCheckpoints, formatSharedSessions, formatTranscript } from './format';
import { runHookCommand, runHooksCommand } from './hookCommands';
import { confirm, one, print } from './common';
import { CliIO } from './io';
import { SHARE_COMMANDS } from './shareCommands';
import { ShareContext, withShareContext } from '../core/share/context';
import { listShared, listSharedCheckpoints } from '../core/share/remote';
import { hasSharedRefs } from '../core/share/sharedRefs';
import { diffWithShared } from '../core/share/sharedDiff';
import { commandLine, prepareResume } from '../core/resume/plan';
import { spawn } from 'child_process';

export interface Command {
  usage: string;
  summary: string;
  values?: string[];
  switches?: string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
  /** Commands that parse their own arguments (hooks). */
  raw?: (io: CliIO) => Promise<number>;
}

const WORKSPACE = ['-C'];

async function open(args: ParsedArgs, io: CliIO): Promise<Checkpoints> {
  const dir = path.resolve(io.cwd, args.values.get('-C') ?? '.');
  return openCheckpoints(dir, { onNotice: (line) => io.stderr(`boocode: ${line}\n`) });
}

function none(args: ParsedArgs): void {
  if (args.positionals.length > 0) throw new BooError('usage', `Unexpected argument ${JSON.stringify(args.positionals[0])}.`);
}

function required(args: ParsedArgs, flag: string, what: string): string {
  const value = args.values.get(flag);
  if (value === undefined) throw new BooError('usage', `${flag} ${what} is required.`);
  return value;
}

/** A checkpoint id that is one of a fetched shared session's: say how to bring it in, rather than "no such checkpoint". */
async function explainShared<T>(args: ParsedArgs, io: CliIO, task: Promise<T>): Promise<T> {
  try {
    return await task;
  } catch (error) {
    const ids = [...args.positionals.slice(0, 1), ...(args.values.has('--to') ? [args.values.get('--to') as string] : [])];
    if (!(error instanceof BooError) || error.code !== 'not-found' || !/^No checkpoint /.test(error.message)) throw error;
    const root = path.resolve(io.cwd, args.values.get('-C') ?? '.');
    const shared = (await sharedIn(root, io, listSharedCheckpoints)).find((checkpoint) => ids.includes(checkpoint.id));
    if (!shared) throw error;
    throw new BooError(
      'not-found',
      `Checkpoint ${shared.id} is in ${shared.shared}'s shared session ${shared.sessionId}; bring it in with \`boocode import shared:${shared.shared}/${shared.sessionId}\`, then try again. Nothing was changed.`,
    );
  }
}

/** Sessions and checkpoints others shared (fetched with `boocode fetch`); none when nothing was ever fetched. */
async function sharedIn<T>(root: string, io: CliIO, read: (context: ShareContext) => Promise<T[]>): Promise<T[]> {
  return withShareContext(root, { onNotice: (line) => io.stderr(`boocode: ${line}\n`) }, async (context) => (hasSharedRefs(context.ws.commonDir) ? read(context) : []));
}

/** --yes, or a person in a terminal who saw the plan and said yes; false when they said no. */
async function confirmed(args: ParsedArgs, io: CliIO, verb: string, plan: () => Promise<string>): Promise<boolean> {
  if (args.switches.has('--yes')) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new BooError('refused', `${verb} needs confirmation: run it in a terminal, or add --yes. Nothing was changed.`);
  }
  io.stderr(await plan());
  if (await confirm(`${verb}? [y/N] `)) return true;
  io.stderr('Nothing was changed.\n');
  return false;
}

async function withStore<T>(args: ParsedArgs, io: CliIO, task: (store: Checkpoints) => Promise<T>): Promise<T> {
  const store = await open(args, io);
  try {
    return await task(store);
  } finally {
    store.close();
  }
}

/** Runs a resume command in this terminal, no shell between: its exit code is ours. */
function runInTerminal(argv: string[], cwd: string, env: Record<string, string> | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new BooError('not-found', `${argv[0]} is not on your PATH: install it, or run the command \`boocode resume\` prints where it is.`) : error),
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export const COMMANDS: Record<string, Command> = {
  checkpoint: {
    usage: 'checkpoint [-C DIR] [--label TEXT] [--session ID] [--json]',
    summary: 'Take a checkpoint of the whole workspace now.',
    values: [...WORKSPACE, '--label', '--session'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const meta = await store.createCheckpoint({ label: args.values.get('--label'), sessionId: args.values.get('--session') });
        const skipped = meta.skipped.map((file) => `\n  left out: ${file.path} (${file.reason}${file.size ? `, ${formatBytes(file.size)}` : ''})`).join('');
        return print(io, args, meta, () => `Checkpoint ${meta.id} taken.${skipped}\n`);
      }),
  },
  list: {
    usage: 'list [-C DIR] [--session ID] [--json]',
    summary: 'List checkpoints, newest first; then those of sessions others shared (fetched), marked with whose they are.',
    values: [...WORKSPACE, '--session'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const sessionId = args.values.get('--session');
        const list = await store.list({ sessionId });
        // A shared turn's end is listed with its turn, as our own are.
        const shared = (await sharedIn(store.root, io, listSharedCheckpoints)).filter((c) => c.kind !== 'after' && (sessionId === undefined || c.sessionId === sessionId));
        return print(io, args, [...list, ...shared], () => (shared.length && !list.length ? '' : formatList(list)) + formatSharedCheckpoints(shared));
      }),
  },
  diff: {
    usage: 'diff ID [--to ID] [-C DIR] [--json]',
    summary: 'Files changed since a checkpoint (or between two); fetched shared checkpoints too.',
    values: [...WORKSPACE, '--to'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        const id = one(args, 'checkpoint id');
        const to = args.values.get('--to');
        const changes = await store.diff(id, to).catch(async (error) => {
          // A checkpoint someone shared (fetched, not imported) can be compared with too.
          if (!(error instanceof BooError) || error.code !== 'not-found') throw error;
          const shared = await withShareContext(store.root, { onNotice: (line) => io.stderr(`boocode: ${line}\n`) }, (context) => diffWithShared(context, id, to));
          if (!shared) throw error;
          return shared;
        });
        return print(io, args, changes, () => formatChanges(changes));
      }),
  },
  show: {
    usage: 'show ID PATH [-C DIR]',
    summary: "Print a file's contents at a checkpoint.",
    values: WORKSPACE,
    run: (args, io) =>
      explainShared(args, io, withStore(args, io, async (store) => {
        if (args.positionals.length !== 2) throw new BooError('usage', 'Give a checkpoint id and a file path.');
        const bytes = await store.fileAt(args.positionals[0], args.positionals[1]);
        process.stdout.write(bytes);
        return 0;
      })),
  },
  restore: {
    usage: 'restore ID [-C DIR] [--session ID] [--path P]... [--files-only | --transcript-only] [--yes] [--json]',
    summary:
      'Bring files (and the transcript) back to a checkpoint; with --path, only those files or folders (files only, the transcript is kept). Undo with `boocode undo`. Ignored files, nested repositories and files changed while it runs are left alone; an interrupted restore is finished by the next command.',
    values: [...WORKSPACE, '--session', '--path'],
    switches: ['--files-only', '--transcript-only', '--yes', '--json'],
    run: (args, io) =>
      explainShared(args, io, withStore(args, io, async (store) => {
        // With --path, more paths may follow the id: `restore ID --path a b c`.
        const paths = args.repeated.has('--path') ? [...args.repeated.get('--path')!, ...args.positionals.slice(1)] : undefined;
        const id = paths ? args.positionals[0] : one(args, 'checkpoint id');
        if (id === undefined) throw new BooError('usage', 'Give exactly one checkpoint id.');
        if (args.switches.has('--files-only') && args.switches.has('--transcript-only')) {
          throw new BooError('usage', 'Choose one of --files-only and --transcript-only.');
        }
        if (paths && args.switches.has('--transcript-only')) throw new BooError('usage', '--path restores files only; it cannot go with --transcript-only.');
        const mode: RestoreMode = paths || args.switches.has('--files-only') ? 'files' : args.switches.has('--transcript-only') ? 'transcript' : 'all';
        const sessionId = args.values.get('--session');
        assertCheckpointId(id); // A malformed id is reported before anything else.
        if (!(await confirmed(args, io, 'Restore', async () => formatPlan(await store.planRestore(id, { sessionId, paths }), mode)))) return 1;
        const outcome = await store.restore(id, { sessionId, mode, paths });
        return print(io, args, outcome, () => formatRestore(outcome));
      })),
  },
  revert: {
    usage: 'revert ID [-C DIR] [--session ID] [--yes] [--json]',
    summary:
      "Undo one agent turn and keep everything else: the turn's own changes (from its checkpoint ID to its end) are taken back by a 3-way merge per file; your edits and later turns stay. Files that changed since on the same lines are left as they are and listed. Undo with `boocode undo`.",
    values: [...WORKSPACE, '--session'],
    switches: ['--yes', '--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        const id = assertCheckpointId(one(args, 'checkpoint id'));
        const sessionId = args.values.get('--session');
        if (!(await confirmed(args, io, 'Revert', async () => formatRevertPlan(await store.planRevert(id, { sessionId }))))) return 1;
        const outcome = await store.revert(id, { sessionId });
        return print(io, args, outcome, () => formatRevert(outcome));
      }),
  },
  undo: {
    usage: 'undo [-C DIR] [--json]',
    summary: 'Undo the latest restore or revert: files, transcript and checkpoint list.',
    values: WORKSPACE,
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const outcome = await store.undo();
        return print(
          io,
          args,
          outcome,
          () =>
            `Undid the restore to ${outcome.undone}: ${outcome.filesChanged} file(s), ${outcome.messagesRestored} message(s) and ${outcome.checkpointsRestored} checkpoint(s) back.\n` +
            (outcome.safetyCheckpoint ? `To redo it, restore ${outcome.safetyCheckpoint}.\n` : ''),
        );
      }),
  },
  delete: {
    usage: 'delete ID [-C DIR] [--json]',
    summary: "Delete one checkpoint (a turn's end goes with it).",
    values: WORKSPACE,
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        const id = one(args, 'checkpoint id');
        await store.delete(id);
        return print(io, args, { deleted: id }, () => `Deleted checkpoint ${id}.\n`);
      }),
  },
  prune: {
    usage: 'prune [--keep N] [--older-than DAYS] [-C DIR] [--json]',
    summary: 'Keep the newest N checkpoints and/or drop those older than DAYS.',
    values: [...WORKSPACE, '--keep', '--older-than'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const result = await store.prune({
          keep: parseCount('--keep', args.values.get('--keep')),
          olderThanDays: parseCount('--older-than', args.values.get('--older-than')),
        });
        return print(io, args, result, () => `Deleted ${result.deleted.length} checkpoint(s).\n`);
      }),
  },
  info: {
    usage: 'info [-C DIR] [--json]',
    summary: 'Where the store lives, how many checkpoints, disk used.',
    values: WORKSPACE,
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const info = await store.info();
        return print(
          io,
          args,
          info,
          () =>
            `Workspace:   ${info.workspace} (${info.kind === 'git' ? 'git repository' : 'plain folder, shadow repository'})\n` +
            `Git dir:     ${info.gitDir}\nTranscript:  ${info.store}\nCheckpoints: ${info.checkpoints}\nDisk used:   ${formatBytes(info.diskBytes)}\n`,
        );
      }),
  },
  turn: {
    usage: 'turn begin --session ID --prompt TEXT [--agent NAME] [-C DIR] [--json]\n  boocode turn end --session ID [--reply TEXT] [-C DIR] [--json]',
    summary:
      "Record an agent turn: its prompt and a checkpoint before it, then a checkpoint at its end and its reply. A turn that never ended is closed by the session's next `turn begin` (marked interrupted). A reply already recorded for the turn is not recorded again. `--prompt -` and `--reply -` read stdin.",
    values: [...WORKSPACE, '--session', '--prompt', '--agent', '--reply'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        const [phase, ...rest] = args.positionals;
        if (rest.length > 0 || (phase !== 'begin' && phase !== 'end')) throw new BooError('usage', 'Use `boocode turn begin` or `boocode turn end`.');
        const sessionId = required(args, '--session', 'ID');
        const fromStdin = async (flag: string) => {
          const value = args.values.get(flag);
          return value === '-' ? io.readStdin() : value;
        };
        if (phase === 'end') {
          const reply = await fromStdin('--reply');
          const result = await store.endTurn({ sessionId, reply });
          if (result.warning) io.stderr(`boocode: warning: ${result.warning}\n`);
          const replyLine = result.messageId ? `Recorded the reply in session ${sessionId}.` : reply ? `This reply was already recorded for the turn; not recorded again.` : '';
          const said = [result.checkpoint ? `Checkpoint ${result.checkpoint.id} taken at the end of the turn.` : '', replyLine].filter(Boolean);
          return print(io, args, result, () => said.map((line) => `${line}\n`).join(''));
        }
        const prompt = await fromStdin('--prompt');
        if (prompt === undefined) throw new BooError('usage', '--prompt TEXT is required.');
        const result = await store.beginTurn({ sessionId, prompt, agent: args.values.get('--agent') });
        if (result.warning) io.stderr(`boocode: warning: ${result.warning}\n`);
        return print(io, args, result, () => (result.checkpoint ? `Checkpoint ${result.checkpoint.id} taken before this turn.\n` : ''));
      }),
  },
  transcript: {
    usage: 'transcript --session ID [-C DIR] [--json]',
    summary: "A session's messages in order.",
    values: [...WORKSPACE, '--session'],
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const messages = await store.transcript(required(args, '--session', 'ID'));
        return print(io, args, messages, () => formatTranscript(messages));
      }),
  },
  sessions: {
    usage: 'sessions [-C DIR] [--json]',
    summary: 'Agent sessions recorded in this workspace; then sessions others shared (fetched), marked with whose they are.',
    values: WORKSPACE,
    switches: ['--json'],
    run: (args, io) =>
      withStore(args, io, async (store) => {
        none(args);
        const sessions = await store.sessions();
        const shared = await sharedIn(store.root, io, listShared);
        return print(io, args, [...sessions, ...shared], () => (shared.length && !sessions.length ? '' : formatSessions(sessions)) + formatSharedSessions(shared));
      }),
  },
  resume: {
    usage: 'resume SESSION|CHECKPOINT [-C DIR] [--run] [--json]',
    summary:
      "Continue the agent's own conversation at a checkpoint (before its turn) or where a session stands (after a restore: before the restored turn). Prints the command (and what it does) to run in a terminal; --run runs it here, without a shell. Where the agent cannot resume at that turn, or its session is gone, a new conversation starts seeded with the transcript up to there, and it says so.",
    values: WORKSPACE,
    switches: ['--run', '--json'],
    run: async (args, io) => {
      const ref = one(args, 'session id or checkpoint id');
      const plan = await withStore(args, io, async (store) => prepareResume(await store.resumeTarget(ref)));
      if (!args.switches.has('--run')) {
        const line = commandLine(plan);
        return print(io, args, { ...plan, command: line }, () => `${plan.note}\n${line ? `  ${line}\n` : ''}`);
      }
      if (!plan.argv) throw new BooError('refused', plan.note);
      io.stderr(`boocode: ${plan.note}\n`);
      return runInTerminal(plan.argv, plan.cwd, plan.env);
    },
  },
  hook: {
    usage: "hook AGENT [-C DIR]  (reads the agent's hook payload from stdin, or from the last argument)",
    summary: 'Entry point for agent hooks: claude-code, copilot, codex, gemini, opencode, cursor. Always exits 0.',
    run: async () => 0,
    raw: runHookCommand,
  },
  hooks: {
    usage: 'hooks install|uninstall AGENT [-C DIR] [--user | --shared] [--json]\n  boocode hooks status [-C DIR] [--json]',
    summary: "Connect an agent: write (or remove) our hooks in the agent's config.",
    run: async () => 0,
    raw: runHooksCommand,
  },
  ...SHARE_COMMANDS,
};
