// Entry point of the extension-host suite: the extension host calls run() (see test/harness/runVscodeTests.ts
// and scripts/test-electron). It loads every out/test/vscode/**/*.test.js with mocha (bdd: describe/it).
import { runMochaSuite } from '../harness/mochaSuite';

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
