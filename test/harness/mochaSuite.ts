// Runs the mocha tests of one folder inside the extension host: call it from a suite's index.ts `run()`
// (the @vscode/test-electron contract: resolve = exit 0, reject = exit 1).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import CountingReporter = require('./countingReporter');

function listTestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listTestFiles(full);
      return entry.name.endsWith('.test.js') ? [full] : [];
    })
    .sort();
}

/** Loads every *.test.js under `dir` (bdd: describe/it) and runs them. BOOCODE_TEST_GREP filters by title. */
export function runMochaSuite(dir: string, timeoutMs = 60000): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: timeoutMs, reporter: CountingReporter });
  if (process.env.BOOCODE_TEST_GREP) mocha.grep(process.env.BOOCODE_TEST_GREP);
  const files = listTestFiles(dir);
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files under ${dir}`));
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (error) {
      reject(error);
    }
  });
}
