// Placeholder until the agent hook commands land.
import { CliIO } from './io';
export async function runHookCommand(io: CliIO): Promise<number> {
  io.stderr('boocode: hooks are not available in this build.\n');
  return 0;
}
export async function runHooksCommand(io: CliIO): Promise<number> {
  io.stderr('boocode: hooks are not available in this build.\n');
  return 1;
}
