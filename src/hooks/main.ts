// dist/hook.js: what `boocode hook AGENT` loads after dist/cli.js when a call is more than a turn's
// end to hand over (a turn's begin, the follow-up): the hook and the engine, without the rest of the
// CLI (its other commands, sharing through remotes, the installers), which a hook never needs.
import { describeError } from '../core/errors';
import { processIO } from '../cli/io';
import { runHook } from './run';

export function main(argv: string[], payloadText: string | null): void {
  const io = processIO(argv);
  const withPayload = payloadText === null ? io : { ...io, readStdin: () => Promise.resolve(payloadText) };
  runHook(withPayload).then(
    // A hook must never outlive its agent's turn, even if the agent left stdin open: exit once what
    // it printed (e.g. Cursor's {"continue":true}) has been handed to the pipe.
    (code) => process.stdout.write('', () => process.exit(code)),
    (error) => {
      // runHook resolves to 0 whatever happens; this is the last guard: a hook never fails a turn.
      process.stderr.write(`boocode hook: ${describeError(error)}\n`);
      process.stdout.write('', () => process.exit(0));
    },
  );
}
