// The `boocode` program (dist/cli.js). Kept small: a hook that ends a turn hands the turn over to a
// detached follow-up and returns without loading anything else; other hook calls load the hook and
// its engine (dist/hook.js), every other command the whole CLI (dist/boocode.js).
import * as fs from 'fs';
import * as path from 'path';
import { ENDED_AT_FLAG, FOLLOW_UP_FLAG } from '../hooks/followUp';
import { handOverTurnEnd } from '../hooks/hookCall';
import { processIO } from './io';
import { requireWithCodeCache } from './loadBundle';

/**
 * BOOCODE_HOOK_TIMINGS=FILE: each hook process appends one line, from its start to its exit, so
 * `npm run bench:agents` can tell our processes' own time in a turn from the agent's.
 */
const processStartedAt = Math.round(Date.now() - process.uptime() * 1000);

function noteHookTiming(kind: () => string): void {
  const file = process.env.BOOCODE_HOOK_TIMINGS;
  if (!file) return;
  const startedAt = processStartedAt;
  process.once('exit', () => {
    try {
      fs.appendFileSync(file, JSON.stringify({ kind: kind(), pid: process.pid, startedAt, endedAt: Date.now() }) + '\n');
    } catch {
      // a benchmark's probe: never a reason to fail a hook
    }
  });
}

async function start(): Promise<void> {
  const argv = process.argv.slice(2);
  let payloadText: string | null = null;
  if (argv[0] === 'hook') {
    let handedOver = false;
    noteHookTiming(() => (argv.includes(FOLLOW_UP_FLAG) ? 'follow-up' : handedOver ? 'end' : 'hook'));
    const io = processIO(argv.slice(1));
    const outcome = await handOverTurnEnd(__filename, io);
    handedOver = outcome.handedOver;
    if (outcome.handedOver) {
      process.stdout.write('', () => process.exit(0));
      return;
    }
    payloadText = outcome.payloadText;
  }
  // The rest is loaded only now: the hook and its engine for a hook call, else the whole CLI.
  const hookCall = argv[0] === 'hook' && argv.length > 1 && !argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help');
  const file = path.join(__dirname, hookCall ? 'hook.js' : 'boocode.js');
  let full: { main(argv: string[], payloadText: string | null): void };
  try {
    full = requireWithCodeCache(file, { writeCache: !argv.includes(FOLLOW_UP_FLAG) }) as typeof full;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be loaded (${(error as Error).message.split('\n')[0]})`;
    process.stderr.write(`boocode: ${file} ${why}; reinstall BooCode (the extension, or the CLI).\n`);
    // A hook never fails its agent's turn.
    process.exitCode = argv[0] === 'hook' ? 0 : 1;
    return;
  }
  // A follow-up started by the turn-end script was started as the agent reported the turn's end.
  const hookArgv = argv.includes(FOLLOW_UP_FLAG) && !argv.includes(ENDED_AT_FLAG) ? [...argv, ENDED_AT_FLAG, String(processStartedAt)] : argv;
  full.main(hookCall ? hookArgv.slice(1) : argv, payloadText);
}

void start();
