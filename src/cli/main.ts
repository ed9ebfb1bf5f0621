// `boocode`: checkpoints from a terminal, and the command agents' hooks call.
// Exit codes: 0 ok, 1 failure, 2 usage. Errors are one line on stderr.
import { BooError, describeError } from '../core/errors';
import { parseArgs } from './args';
import { COMMANDS } from './commands';
import { CliIO, processIO } from './io';

const VERSION = '0.1.0';

export function helpText(): string {
  const lines = ['Usage: boocode <command> [options]', '', 'Commands:'];
  for (const command of Object.values(COMMANDS)) {
    lines.push(`  boocode ${command.usage}`, `      ${command.summary}`);
  }
  lines.push(
    '',
    'Options:',
    '  -C DIR      the workspace folder (default: the current folder)',
    '  --json      print the result as JSON',
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  );
  return lines.join('\n') + '\n';
}

export async function runCli(argv: string[], makeIO: (rest: string[]) => CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  const io = makeIO(rest);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`boocode: unknown command ${JSON.stringify(name)}; run \`boocode help\` for the list.\n`);
    return 2;
  }
  try {
    if (command.raw) return await command.raw(io);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`Usage: boocode ${command.usage}\n${command.summary}\n`);
      return 0;
    }
    return await command.run(parseArgs(rest, command), io);
  } catch (error) {
    io.stderr(`boocode: ${describeError(error)}\n`);
    return error instanceof BooError && error.code === 'usage' ? 2 : 1;
  }
}

/** Runs the CLI as the `boocode` process (from dist/cli.js, which may have read a hook's payload already). */
export function main(argv: string[], payloadText: string | null): void {
  const makeIO = (rest: string[]): CliIO => {
    const io = processIO(rest);
    return payloadText === null ? io : { ...io, readStdin: () => Promise.resolve(payloadText) };
  };
  runCli(argv, makeIO).then(
    (code) => {
      process.exitCode = code;
      // A hook must never outlive its agent's turn, even if the agent left stdin open: exit once
      // what it printed (e.g. Cursor's {"continue":true}) has been handed to the pipe.
      if (argv[0] === 'hook') process.stdout.write('', () => process.exit(code));
    },
    (error) => {
      process.stderr.write(`boocode: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
