// Finding the repository without starting git must give exactly what `git rev-parse` gives, and
// must step aside (null) whenever the layout is one git has rules for that we do not copy.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { discoverQuickly, RepositoryProbe } from '../../src/core/workspace';
import { cleanupTemps, git, makeRepo, tempDir, write } from './helpers';

/** What git itself answers for `dir` (the fields the quick path fills). */
function gitAnswer(dir: string): RepositoryProbe {
  const [topLevel, gitDir, common] = git(dir, 'rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir').split('\n');
  let head: string | null = null;
  try {
    head = git(dir, 'rev-parse', '-q', '--verify', 'HEAD');
  } catch {
    head = null;
  }
  return { topLevel: fs.realpathSync(topLevel), gitDir, commonDir: path.resolve(fs.realpathSync(dir), common), head };
}

describe('finding the repository without starting git', () => {
  afterEach(cleanupTemps);

  it('agrees with git rev-parse at the top, in a subfolder, on a detached or unborn HEAD, with packed refs, and in a linked worktree', () => {
    const repo = makeRepo();
    const places: string[] = [repo, path.join(repo, 'src')];
    for (const dir of places) assert.deepEqual(discoverQuickly(dir), gitAnswer(dir), dir);

    git(repo, 'pack-refs', '--all');
    assert.deepEqual(discoverQuickly(repo), gitAnswer(repo), 'HEAD through packed-refs');

    git(repo, 'checkout', '-q', '--detach');
    assert.deepEqual(discoverQuickly(repo), gitAnswer(repo), 'detached HEAD');
    git(repo, 'checkout', '-q', 'main');

    const worktree = path.join(tempDir(), 'linked');
    git(repo, 'worktree', 'add', '-q', worktree);
    const quick = discoverQuickly(worktree);
    assert.ok(quick, 'a linked worktree is found quickly');
    assert.deepEqual(quick, gitAnswer(worktree));
    assert.notEqual(quick.gitDir, quick.commonDir);

    const unborn = tempDir();
    git(unborn, 'init', '-q', '-b', 'main');
    assert.deepEqual(discoverQuickly(unborn), { ...gitAnswer(unborn), head: null });
  });

  it('agrees with git through a symlinked path', () => {
    const repo = makeRepo();
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(repo, link);
    const worktree = path.join(tempDir(), 'wt');
    git(repo, 'worktree', 'add', '-q', worktree);
    const linkedWorktree = path.join(tempDir(), 'wt-link');
    fs.symlinkSync(worktree, linkedWorktree);
    // Workspaces are opened by their real path; discovery from there matches git from the link.
    assert.deepEqual(discoverQuickly(fs.realpathSync(link)), gitAnswer(link));
    assert.deepEqual(discoverQuickly(fs.realpathSync(linkedWorktree)), gitAnswer(linkedWorktree));
  });

  it('leaves to git: core.worktree, a bare repository, an [include] in the config, a symbolic HEAD to a non-branch, a broken .git file, plain folders', () => {
    const moved = makeRepo();
    git(moved, 'config', 'core.worktree', moved);
    assert.equal(discoverQuickly(moved), null);

    const included = makeRepo();
    fs.appendFileSync(path.join(included, '.git/config'), '[include]\n\tpath = other.config\n');
    assert.equal(discoverQuickly(included), null);

    const odd = makeRepo();
    fs.writeFileSync(path.join(odd, '.git/HEAD'), 'ref: refs/remotes/origin/main\n');
    assert.equal(discoverQuickly(odd), null);

    const bare = tempDir();
    git(bare, 'init', '-q', '--bare');
    assert.equal(discoverQuickly(bare), null);

    const broken = tempDir();
    write(broken, '.git', 'not a gitdir line\n');
    assert.equal(discoverQuickly(broken), null);

    assert.equal(discoverQuickly(tempDir()), null, 'a plain folder is for git (or the shadow store) to decide');
  });
});
