// Mocha's spec reporter that also writes the counts to BOOCODE_TEST_COUNTS, so scripts/test-all.js can add up
// every tier. Used by the Node tiers (`--reporter out/test/harness/countingReporter.js`) and in the extension host.
// CommonJS-style export because mocha's --reporter expects module.exports to be the class.
import Mocha = require('mocha');
import counts = require('./counts');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const failed: string[] = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test) => failed.push(test.fullTitle()));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats ?? this.stats;
      counts.writeCounts(process.env.BOOCODE_TEST_COUNTS, {
        passes: stats.passes,
        failures: stats.failures,
        pending: stats.pending,
        failed,
      });
    });
  }
}

export = CountingReporter;
