// A large repository's first checkpoint does not wait for the modes of every file: a background
// process reads them and the next capture merges its report. Until then checkpoints say their
// modes are partial, and restoring one never changes the mode of a file it did not read.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { INLINE_SWEEP_LIMIT } from '../../src/core/capture/modeSweep';
import { cleanupTemps, git, stateHome, tempDir, write } from './helpers';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('modes of a large seeded index', () => {
  afterEach(cleanupTemps);

  it('are read in the background, merged by the next capture, and never guessed by a restore before that', async function () {
    this.timeout(120_000);
    const previous = process.umask(0o022);
    try {
      const root = tempDir();
      git(root, 'init', '-q', '-b', 'main');
      for (let i = 0; i <= INLINE_SWEEP_LIMIT; i++) write(root, `src/d${i % 50}/f${i}.txt`, `file ${i}\n`);
      write(root, 'secret.env', 'TOKEN=1\n', 0o600);
      write(root, '.gitignore', '*.log\n');
      write(root, 'build/out.log', 'tracked although ignored\n');
      git(root, 'add', '-A');
      git(root, 'add', '-f', 'build/out.log');
      git(root, 'commit', '-qm', 'large');
      // Older than the seeding by more than git's one-second ctime granularity.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const secret = path.join(root, 'secret.env');
      const state = () => JSON.parse(fs.readFileSync(path.join(root, '.git/boocode/index.state'), 'utf8'));

      // Untracked files for the first capture to add: more than it defers, so it hands the index update
      // to the background process (which may already be done by the time the checkpoint returns).
      for (let i = 0; i < 40; i++) write(root, `new/n${i}.txt`, `untracked ${i}\n`);
      const store = await openCheckpoints(root, { onNotice: () => undefined, stateHome: stateHome() });
      const first = await store.createCheckpoint({ label: 'first' });
      assert.equal(state().modesSwept, false, 'the first checkpoint did not wait for the sweep');
      const indexedNow = () => execFileSync('git', ['ls-files'], { cwd: root, env: { ...process.env, GIT_INDEX_FILE: path.join(root, '.git/boocode/index') }, encoding: 'utf8' });
      await until('the background sweep to report', () => fs.existsSync(path.join(root, '.git/boocode/modes.sweep-report')));
      assert.equal(state().catchUp, null, 'the background process updated the index');
      assert.equal(state().tree, git(root, 'rev-parse', `${first.commit}^{tree}`), 'and recorded its tree: the checkpoint tree, as nothing changed since');
      assert.ok(indexedNow().includes('new/n39.txt'), 'the untracked files are in our index');

      write(root, 'src/d1/f1.txt', 'changed\n');
      const second = await store.createCheckpoint({ label: 'second' });
      assert.equal(state().modesSwept, true, 'the report was merged');
      assert.deepEqual(state().modes, [['secret.env', 0o600]], 'the unread 0600 file is recorded');
      assert.equal(fs.existsSync(path.join(root, '.git/boocode/modes.sweep-report')), false, 'the report was consumed');
      assert.deepEqual(state().ignoredTracked, ['build/out.log'], 'the report also said which tracked entries are ignored');

      // Untracked by the user and ignored: it leaves the checkpoints.
      git(root, 'rm', '-q', '--cached', 'build/out.log');
      write(root, 'build/out.log', 'now only ignored\n');
      const third = await store.createCheckpoint({ label: 'third' });
      assert.equal(git(root, 'ls-tree', '-r', '--name-only', third.commit).split('\n').includes('build/out.log'), false);

      // A complete checkpoint brings the mode back exactly.
      fs.chmodSync(secret, 0o644);
      await store.restore(second.id);
      assert.equal(modeOf(secret), 0o600);

      // The partial one never guesses: a mode it did not read stays as it is (nothing widened).
      fs.chmodSync(secret, 0o640);
      await store.restore(first.id);
      assert.equal(modeOf(secret), 0o640);
      assert.equal(fs.readFileSync(path.join(root, 'src/d1/f1.txt'), 'utf8'), 'file 1\n', 'its files are restored all the same');
      store.close();
    } finally {
      process.umask(previous);
    }
  });
});
