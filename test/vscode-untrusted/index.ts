// Entry point of the Restricted Mode suite: the harness keeps Workspace Trust on and the folder untrusted
// (runVscodeTests --trust untrusted). The process watch starts before any test file loads.
import { runMochaSuite } from '../harness/mochaSuite';
import { processWatch } from './processWatch';

export function run(): Promise<void> {
  processWatch.start();
  return runMochaSuite(__dirname);
}
