// The `boocode` program (dist/cli.js). Kept small: a hook that ends a turn hands the turn over to a
// detached follow-up and returns without loading the rest (dist/boocode.js), which every other
// command loads on demand.
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
  // The full CLI is its own file, loaded only now.
  const file = path.join(__dirname, 'boocode.js');
  let full: typeof import('./main');
  try {
    full = requireWithCodeCache(file) as typeof import('./main');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be loaded (${(error as Error).message.split('\n')[0]})`;
    process.stderr.write(`boocode: ${file} ${why}; reinstall BooCode (the extension, or the CLI).\n`);
    // A hook never fails its agent's turn.
    process.exitCode = argv[0] === 'hook' ? 0 : 1;
    return;
  }
  full.main(argv, payloadText);
}

void start();
