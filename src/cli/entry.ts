// The `boocode` program (dist/cli.js). Kept small: a hook that ends a turn hands the turn over to a
// detached follow-up and returns without loading anything else; other hook calls load the hook and
// its engine (dist/hook.js), every other command the whole CLI (dist/boocode.js).
import * as path from 'path';
import { handOverTurnEnd } from '../hooks/hookCall';
import { processIO } from './io';
import { requireWithCodeCache } from './loadBundle';

async function start(): Promise<void> {
  const argv = process.argv.slice(2);
  let payloadText: string | null = null;
  if (argv[0] === 'hook') {
    const io = processIO(argv.slice(1));
    const outcome = await handOverTurnEnd(__filename, io);
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
    full = requireWithCodeCache(file) as typeof full;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be loaded (${(error as Error).message.split('\n')[0]})`;
    process.stderr.write(`boocode: ${file} ${why}; reinstall BooCode (the extension, or the CLI).\n`);
    // A hook never fails its agent's turn.
    process.exitCode = argv[0] === 'hook' ? 0 : 1;
    return;
  }
  full.main(hookCall ? argv.slice(1) : argv, payloadText);
}

void start();
