// Small helpers every command uses: printing (human or --json), positional checks, confirmation.
import * as readline from 'readline';
import { BooError } from '../core/errors';
import { ParsedArgs } from './args';
import { CliIO } from './io';

export function print(io: CliIO, args: ParsedArgs, value: unknown, human: () => string): number {
  io.stdout(args.switches.has('--json') ? JSON.stringify(value, null, 2) + '\n' : human());
  return 0;
}

export function one(args: ParsedArgs, what: string): string {
  if (args.positionals.length !== 1) throw new BooError('usage', `Give exactly one ${what}.`);
  return args.positionals[0];
}

/** Asks on the terminal (stderr), y/yes answers true. */
export async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
