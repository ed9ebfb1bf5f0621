// `boocode hook <agent>` (what agents' hooks run) and `boocode hooks install|uninstall|status`
// (how people connect agents). The work is in src/hooks/, which the extension uses too.
import * as path from 'path';
import { BooError, describeError } from '../core/errors';
import { AgentStatus, agentSpec, hooksStatus, installHooks, Scope, uninstallHooks } from '../hooks/install';
import { AGENTS } from '../hooks/payload';
import { runHook } from '../hooks/run';
import { openCheckpoints } from '../core/service';
import { parseArgs } from './args';
import { CliIO } from './io';

export const HOOK_USAGE = `Usage: boocode hook AGENT [-C DIR] [PAYLOAD]
Called by an agent's hooks: records the prompt and checkpoints the workspace at a turn's start;
at its end, a checkpoint of the files and the reply, taken by a detached follow-up once the hook
has returned, so the agent is not held up (BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP=1 waits for it). Reads the payload from stdin,
or from the last argument (Codex notify). Always exits 0 and prints only what the agent requires.
AGENT: ${AGENTS.join(', ')}.
`;

export const HOOKS_USAGE = `Usage: boocode hooks install AGENT [-C DIR] [--user | --shared] [--json]
       boocode hooks uninstall AGENT [-C DIR] [--user | --shared] [--json]
       boocode hooks status [-C DIR] [--json]
install writes our hooks into the agent's config. By default somewhere personal that is never
committed: the agent's personal file (Claude Code: .claude/settings.local.json), else its project
file kept out of git through .git/info/exclude; the command names the workspace (-C), and a turn's
end runs it through /bin/sh turn-end.sh, which returns at once and leaves the recording to a
detached follow-up. --shared writes the committed project file with a portable
\`boocode hook AGENT\`; --user the user-level file. Other settings are kept as they are.
uninstall removes only what install added. status shows which agents are connected, what still
keeps an agent from running the hooks (trust), and the last problem its hooks logged here within
a day (.git/boocode/hooks.log).
AGENT: ${AGENTS.join(', ')}.
`;

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

export async function runHookCommand(io: CliIO): Promise<number> {
  if (io.argv.length === 0 || isHelp(io.argv[0])) {
    io.stdout(HOOK_USAGE);
    return io.argv.length === 0 ? 2 : 0;
  }
  return runHook(io);
}

const SCOPE_WORDS: Record<Scope, string> = { personal: 'personal, not committed', shared: 'project, for committing', user: 'user-level' };

function home(file: string, env: NodeJS.ProcessEnv): string {
  const dir = env.HOME;
  return dir && file.startsWith(dir + path.sep) ? `~${file.slice(dir.length)}` : file;
}

function formatStatus(workspace: string, statuses: AgentStatus[], env: NodeJS.ProcessEnv): string {
  const lines = [`Agents connected for ${workspace}:`];
  const width = Math.max(...statuses.map((s) => s.agent.length));
  for (const status of statuses) {
    if (status.configs.length === 0) lines.push(`  ${status.agent.padEnd(width)}  not connected`);
    status.configs.forEach((config, i) => {
      const name = i === 0 ? status.agent.padEnd(width) : ' '.repeat(width);
      const stale = config.stale ? '  (the command it runs is gone: run `boocode hooks install` again)' : '';
      lines.push(`  ${name}  ${home(config.file, env)} (${config.scope}: ${config.events.join(', ')})${stale}`);
      for (const blocker of config.blockers) lines.push(`  ${' '.repeat(width)}    not running yet: ${blocker}`);
    });
    for (const problem of status.problems) lines.push(`  ${' '.repeat(width)}  problem: ${problem}`);
    if (status.lastProblem) {
      const ago = new Date(status.lastProblem.at).toISOString().replace('T', ' ').slice(0, 19);
      lines.push(`  ${' '.repeat(width)}  last problem (${ago} UTC, .git/boocode/hooks.log): ${status.lastProblem.text}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Prepares the workspace's checkpoint store; null when done, else why not (the install stands either way). */
async function prepareStore(workspace: string): Promise<string | null> {
  try {
    const store = await openCheckpoints(workspace, { onNotice: () => undefined });
    try {
      await store.prepare();
    } finally {
      store.close();
    }
    return null;
  } catch (error) {
    return `the checkpoint store could not be prepared yet (${describeError(error)}); the first turn will do it.`;
  }
}

export async function runHooksCommand(io: CliIO): Promise<number> {
  const [action, ...rest] = io.argv;
  if (action === undefined || isHelp(action) || rest.some(isHelp)) {
    io.stdout(HOOKS_USAGE);
    return action === undefined ? 2 : 0;
  }
  try {
    const args = parseArgs(rest, { values: ['-C'], switches: ['--user', '--shared', '--json'] });
    const workspace = path.resolve(io.cwd, args.values.get('-C') ?? '.');
    const json = args.switches.has('--json');
    if (action === 'status') {
      if (args.positionals.length > 0) throw new BooError('usage', `hooks status takes no agent name; run \`boocode hooks status [-C DIR]\`.`);
      const statuses = hooksStatus({ workspace, env: io.env });
      io.stdout(json ? JSON.stringify({ workspace, agents: statuses }, null, 2) + '\n' : formatStatus(workspace, statuses, io.env));
      return 0;
    }
    if (action !== 'install' && action !== 'uninstall') {
      throw new BooError('usage', `Unknown hooks action ${JSON.stringify(action)}; use install, uninstall or status.`);
    }
    if (args.positionals.length !== 1) throw new BooError('usage', `Name one agent: boocode hooks ${action} AGENT (${AGENTS.join(', ')}).`);
    const spec = agentSpec(args.positionals[0]);
    if (args.switches.has('--user') && args.switches.has('--shared')) throw new BooError('usage', 'Use --user or --shared, not both.');
    const scope: Scope = args.switches.has('--user') ? 'user' : args.switches.has('--shared') ? 'shared' : 'personal';
    if (action === 'install') {
      const result = installHooks(spec.name, { workspace, scope, env: io.env });
      // A project's first turn should not pay for setting the store up: done now, while nobody waits.
      const prepared = scope === 'user' ? null : await prepareStore(workspace);
      if (json) {
        io.stdout(JSON.stringify(result, null, 2) + '\n');
      } else {
        const where = `${home(result.file, io.env)} (${SCOPE_WORDS[result.scope]})`;
        const lines = [result.changed ? `Connected ${spec.label}: hooks written to ${where}.` : `${spec.label} was already connected in ${where}; nothing changed.`];
        lines.push(`  runs: ${result.command}`);
        for (const note of result.notes) lines.push(`  note: ${note}`);
        if (prepared) lines.push(`  note: ${prepared}`);
        const now = hooksStatus({ workspace, env: io.env }).find((s) => s.agent === spec.name)?.configs.find((c) => c.file === result.file);
        for (const blocker of now?.blockers ?? []) lines.push(`  not running yet: ${blocker}`);
        io.stdout(lines.join('\n') + '\n');
      }
      return 0;
    }
    const result = uninstallHooks(spec.name, { workspace, scope, env: io.env });
    if (json) io.stdout(JSON.stringify(result, null, 2) + '\n');
    else if (result.files.length === 0) io.stdout(`${spec.label} had no BooCode hooks in its ${result.scope} config; nothing changed.\n`);
    else {
      const lines = result.files.map((file) => (result.deleted.includes(file) ? `  deleted ${home(file, io.env)}` : `  removed our hooks from ${home(file, io.env)}`));
      io.stdout([`Disconnected ${spec.label}:`, ...lines].join('\n') + '\n');
    }
    return 0;
  } catch (error) {
    io.stderr(`boocode: ${describeError(error)}\n`);
    return error instanceof BooError && error.code === 'usage' ? 2 : 1;
  }
}
