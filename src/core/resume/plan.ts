// Resume the agent at a turn: from where (a ResumeTarget, read from our transcript) to the command
// that continues the agent's own conversation there, preparing what that command needs (a fork of
// the agent's session). Falls back, never fails: when the agent's own session cannot be found, or the
// agent can only resume whole sessions, a new conversation starts seeded with our transcript up to
// that turn, and the note says so. Plain Node: the CLI prints or runs the plan, VS Code opens a
// terminal with it (argv, never a shell string).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ResumeTarget } from '../types';
import { claudeLaunchDir, findClaudeSession, forkClaudeSession } from './claudeCode';
import { AGENT_CLIS, agentCli, agentLabel, geminiSessionFile, ResumableAgent, shellQuote } from './commands';
import { findGeminiSession, inGeminiHome, rewindGeminiSession } from './gemini';
import { forkOpencodeSession } from './opencode';
import { fileSafe, resumeDir, writeSeed } from './seed';

export type ResumeMode =
  /** The agent's own session, whole (nothing of it was restored away). */
  | 'resume'
  /** The agent's own conversation up to the turn, as a fork of its session. */
  | 'resume-at-turn'
  /** Nothing before the turn: a new conversation. */
  | 'fresh'
  /** A new conversation whose first message is our transcript up to the turn. */
  | 'seeded';

export interface ResumePlan {
  agent: string | null;
  /** The agent's name for people, e.g. "Claude Code". */
  label: string;
  mode: ResumeMode;
  /** The program and its arguments, run without a shell; null when the agent has no command line we can start (Cursor). */
  argv: string[] | null;
  cwd: string;
  /** Extra environment for the command, if any. */
  env?: Record<string, string>;
  /** What the command does, for people: where it resumes, and any fallback and why. */
  note: string;
  sessionId: string;
  checkpointId: string | null;
  /** The agent's session the command continues: the original, or the fork made for this resume (null: a new one the agent names). */
  agentSessionId: string | null;
  /** Our prompts the resumed conversation holds. */
  keptTurns: number;
  /** A file written for this resume: Claude Code's forked session, Gemini CLI's rewound chat file. */
  preparedFile?: string;
  /** The first message of a seeded conversation (our transcript up to the turn). */
  fallbackSeedFile?: string;
  /** The index in argv that holds the seed text (shown as `"$(cat FILE)"`). */
  seedArg?: number;
}

export interface ResumeOptions {
  env?: NodeJS.ProcessEnv;
  /** The program to run per agent (default: its usual name, found on PATH when run). */
  programs?: Partial<Record<ResumableAgent, string>>;
  /** How long opencode's server may take to start (ms). */
  opencodeTimeoutMs?: number;
}

const isDir = (dir: string | null): dir is string => {
  try {
    return !!dir && fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
};

const exists = (file: string | null | undefined): file is string => !!file && fs.existsSync(file);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A Codex rollout file of the session: where the hook said, else under $CODEX_HOME/sessions/YYYY/MM/DD/. */
function findCodexRollout(sessionId: string, recorded: string | null, env: NodeJS.ProcessEnv): string | null {
  if (exists(recorded)) return recorded;
  const root = path.join(env.CODEX_HOME || path.join(env.HOME || os.homedir(), '.codex'), 'sessions');
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir).sort().reverse();
    } catch {
      return [];
    }
  };
  for (const year of list(root)) {
    for (const month of list(path.join(root, year))) {
      for (const day of list(path.join(root, year, month))) {
        const name = list(path.join(root, year, month, day)).find((file) => file.endsWith(`-${sessionId}.jsonl`));
        if (name) return path.join(root, year, month, day, name);
      }
    }
  }
  return null;
}

/** Copilot CLI keeps a session in $COPILOT_HOME/session-state/<id>/. */
function findCopilotSession(sessionId: string, recorded: string | null, env: NodeJS.ProcessEnv): string | null {
  if (exists(recorded)) return recorded;
  const dir = path.join(env.COPILOT_HOME || path.join(env.HOME || os.homedir(), '.copilot'), 'session-state', sessionId);
  return isDir(dir) ? dir : null;
}

/** Builds the plan for `target`, writing what its command needs (a fork, a rewound copy, a seed file). */
export async function prepareResume(target: ResumeTarget, options: ResumeOptions = {}): Promise<ResumePlan> {
  const env = options.env ?? process.env;
  const cli = agentCli(target.agent);
  const label = agentLabel(target.agent);
  const program = cli ? options.programs?.[target.agent as ResumableAgent] ?? cli.program : null;
  const cwd = isDir(target.agentCwd) ? target.agentCwd : target.workspace;
  const id = target.agentSessionId;
  const cut = target.cut;
  const point = target.checkpointId ?? 'latest';
  const keptPrompts = target.kept.filter((message) => message.role === 'user').length;
  const base = { agent: target.agent, label, sessionId: target.sessionId, checkpointId: target.checkpointId, cwd, keptTurns: keptPrompts };
  const where = cut ? `before the prompt “${oneLine(cut.text, 60)}”` : 'where the session stands';

  const resumed = (argv: string[], agentSessionId: string | null, note: string, extra: Partial<ResumePlan> = {}): ResumePlan => ({
    ...base,
    mode: cut ? 'resume-at-turn' : 'resume',
    argv,
    agentSessionId,
    note,
    ...extra,
  });
  const fresh = (): ResumePlan => ({
    ...base,
    keptTurns: 0,
    mode: 'fresh',
    argv: program ? [program] : null,
    agentSessionId: null,
    note: `Nothing came before this turn in the conversation, so there is nothing to resume: ${program ? `a new ${label} conversation starts` : `start a new ${label} conversation`}.`,
  });
  /** The fallback: a new conversation seeded with our transcript up to the cut; `why` says why. */
  const seeded = (why: string): ResumePlan => {
    if (keptPrompts === 0) return fresh();
    const seed = writeSeed(target.stateDir, `seed-${target.sessionId}-${point}`, target.kept, label, target.sessionId);
    const how = seed.inline ? 'as its first message' : 'named in its first message (too long to pass whole)';
    if (!cli || !program) {
      return {
        ...base,
        mode: 'seeded',
        argv: null,
        agentSessionId: null,
        fallbackSeedFile: seed.file,
        note: `${why} BooCode cannot start ${label} from here: paste the conversation up to this turn (${plural(keptPrompts, 'prompt')}), saved in ${seed.file}, as the first message of a new conversation.`,
      };
    }
    const args = cli.firstPrompt(seed.prompt);
    return {
      ...base,
      mode: 'seeded',
      argv: [program, ...args],
      agentSessionId: null,
      fallbackSeedFile: seed.file,
      ...(seed.inline ? { seedArg: 1 + args.indexOf(seed.prompt) } : {}),
      note: `${why} So a new ${label} conversation starts with our transcript up to this turn (${plural(keptPrompts, 'prompt')}, saved in ${seed.file}) ${how}.`,
    };
  };

  if (!cli || !program) return seeded(target.agent ? `${label} has no command line to resume its conversation.` : 'This session names no agent.');
  if (cut && keptPrompts === 0 && !cli.atTurn) return fresh();

  switch (target.agent as ResumableAgent) {
    case 'claude-code': {
      const file = findClaudeSession(id, target.agentTranscript, [target.agentCwd, target.workspace].filter((dir): dir is string => !!dir), env);
      if (!file) return seeded(`Claude Code's own session ${id} is not on this machine (no ${id}.jsonl under ${path.join('~', '.claude', 'projects')}).`);
      const launch = claudeLaunchDir(file, [target.agentCwd, target.workspace]);
      if (!launch) return seeded(`Claude Code's session ${id} belongs to a folder that is gone (${path.basename(path.dirname(file))}).`);
      if (!cut) return resumed([program, ...AGENT_CLIS['claude-code'].resume(id)], id, `Claude Code resumes its own session ${id}, ${where}.`, { cwd: launch });
      const fork = forkClaudeSession(file, cut);
      if (!fork) return seeded(`Claude Code's session ${id} has no entry for this turn's prompt.`);
      if (fork.prompts === 0) {
        fs.rmSync(fork.file, { force: true });
        return fresh();
      }
      return resumed(
        [program, ...AGENT_CLIS['claude-code'].resume(fork.sessionId)],
        fork.sessionId,
        `Claude Code resumes its own conversation ${where} (${plural(fork.prompts, 'earlier prompt')}), as session ${fork.sessionId}: a copy of ${id} that ends there (${id} itself is kept as it was).`,
        { cwd: launch, preparedFile: fork.file },
      );
    }
    case 'opencode': {
      const result = await forkOpencodeSession({ program, cwd, env, sessionId: id, cut, timeoutMs: options.opencodeTimeoutMs });
      if (!result.ok) {
        return seeded(result.missing ? `opencode's own session ${id} cannot be found here (${result.reason}).` : `opencode could not be asked for its session ${id} (${result.reason}).`);
      }
      if (!cut) return resumed([program, ...AGENT_CLIS.opencode.resume(id)], id, `opencode resumes its own session ${id}, ${where}.`);
      if (result.prompts === 0) return fresh();
      return resumed(
        [program, ...AGENT_CLIS.opencode.resume(result.sessionId)],
        result.sessionId,
        `opencode resumes its own conversation ${where} (${plural(result.prompts, 'earlier prompt')}), as session ${result.sessionId}, which opencode forked from ${id} at that message (${id} itself is kept as it was).`,
      );
    }
    case 'gemini': {
      const file = findGeminiSession(id, target.agentTranscript, env);
      if (!file) return seeded(`Gemini CLI's own session ${id} is not on this machine.`);
      if (!cut) {
        return inGeminiHome(file, env)
          ? resumed([program, ...AGENT_CLIS.gemini.resume(id)], id, `Gemini CLI resumes its own session ${id}, ${where}.`)
          : resumed([program, ...geminiSessionFile(file)], id, `Gemini CLI continues session ${id} from its chat file ${file}, ${where} (as a new session of this project).`);
      }
      const rewound = rewindGeminiSession(file, cut, path.join(resumeDir(target.stateDir), `gemini-${fileSafe(target.sessionId)}-${point}.jsonl`));
      if (!rewound) return seeded(`Gemini CLI's session ${id} has no message for this turn's prompt.`);
      if (rewound.prompts === 0) return fresh();
      return resumed(
        [program, ...geminiSessionFile(rewound.file)],
        // Gemini CLI gives the imported copy a session id of its own.
        null,
        `Gemini CLI continues its own conversation ${where} (${plural(rewound.prompts, 'earlier prompt')}): a copy of its chat file rewound there (${rewound.file}), imported as a new session; ${id} itself is kept as it was.`,
        { preparedFile: rewound.file },
      );
    }
    case 'codex': {
      if (cut) return seeded(`Codex resumes only whole sessions: \`codex resume ${id}\` would bring back this turn and everything after it.`);
      if (!findCodexRollout(id, target.agentTranscript, env)) return seeded(`Codex's own session ${id} is not on this machine.`);
      return resumed([program, ...AGENT_CLIS.codex.resume(id)], id, `Codex resumes its own session ${id}, ${where}.`);
    }
    case 'copilot': {
      if (cut) return seeded(`Copilot CLI resumes only whole sessions: \`copilot --resume=${id}\` would bring back this turn and everything after it.`);
      if (!findCopilotSession(id, target.agentTranscript, env)) return seeded(`Copilot CLI's own session ${id} is not on this machine.`);
      return resumed([program, ...AGENT_CLIS.copilot.resume(id)], id, `Copilot CLI resumes its own session ${id}, ${where}.`);
    }
  }
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** The plan as a line a person can paste into a POSIX shell (the seed as `"$(cat FILE)"`); null without a command. */
export function commandLine(plan: ResumePlan): string | null {
  if (!plan.argv) return null;
  const words = plan.argv.map((word, index) => (index === plan.seedArg && plan.fallbackSeedFile ? `"$(cat ${shellQuote(plan.fallbackSeedFile)})"` : shellQuote(word)));
  return `cd ${shellQuote(plan.cwd)} && ${words.join(' ')}`;
}
