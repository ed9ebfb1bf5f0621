// Entry point of the multi-root suite: the extension host opens a .code-workspace of two git repositories
// and a plain folder (see makeMultiRootWorkspace in test/harness/workspace.ts) and calls run().
import { runMochaSuite } from '../harness/mochaSuite';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
