// The checkpoint trees and commits written from Node must be the very objects fast-import writes:
// same tree ids, same commit ids, for any mix of deletions and writes over any base tree.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { writeLooseCommit } from '../../src/core/capture/looseCommit';
import { TreeWriter } from '../../src/core/capture/treeWriter';
import { Git } from '../../src/core/git';
import { readLooseObject } from '../../src/core/looseObjects';
import { RawPath } from '../../src/core/rawPath';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, git, tempDir } from './helpers';

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Names chosen for git's ordering traps ("a" vs "a.b" vs "a/" vs "a-"), a Latin-1 byte and a space.
const NAMES = ['a', 'a.b', 'a-', 'a0', 'b', 'é', 'x y', 'z\xe9', 'ab'];

type Put = { path: RawPath; mode: string; content: Buffer };

function randomPath(next: () => number): RawPath {
  const depth = 1 + Math.floor(next() * 3);
  return Array.from({ length: depth }, () => NAMES[Math.floor(next() * NAMES.length)]).join('/') as RawPath;
}

function randomPuts(next: () => number, count: number): Put[] {
  const modes = ['100644', '100644', '100755', '120000'];
  return Array.from({ length: count }, (_, i) => ({ path: randomPath(next), mode: modes[Math.floor(next() * modes.length)], content: Buffer.from(`content ${i} ${next()}\n`) }));
}

/** Later puts win over earlier ones at the same path, and nothing may be both a file and a folder. */
function consistent(puts: Put[]): Put[] {
  const kept: Put[] = [];
  for (const put of puts.reverse()) {
    const clash = kept.some((other) => other.path === put.path || other.path.startsWith(`${put.path}/`) || put.path.startsWith(`${other.path}/`));
    if (!clash) kept.push(put);
  }
  return kept;
}

async function viaFastImport(gitDir: Git, privateDir: string, request: { base: string | null; deletions: RawPath[]; puts: Put[]; message: string; parent: string | null; time: number }) {
  const writer = new TreeWriter(gitDir, privateDir);
  const marks = [];
  for (const put of request.puts) marks.push({ path: put.path, mode: put.mode, mark: await writer.blob(put.content) });
  return writer.commit({ ...request, puts: marks });
}

describe('checkpoint objects written from Node', () => {
  after(cleanupTemps);

  function setup() {
    const root = tempDir();
    git(root, 'init', '-q');
    const gitDir = path.join(root, '.git');
    return { root, objects: path.join(gitDir, 'objects'), git: new Git(root, gitDir, process.env, { config: ['core.sharedRepository=0600'] }), gitDir };
  }

  it('are the same trees and commits fast-import writes, over 60 random edits of random trees', async () => {
    const { objects, git: repoGit, gitDir } = setup();
    const next = random(20261206);
    let compared = 0;
    for (let round = 0; round < 60; round++) {
      const base = await viaFastImport(repoGit, gitDir, { base: null, deletions: [], puts: consistent(randomPuts(next, 12)), message: `base ${round}\n`, parent: null, time: 1_700_000_000 });
      const existing = git(gitDir, `--git-dir=${gitDir}`, 'ls-tree', '-r', '-t', '--name-only', base.tree).split('\n').filter(Boolean) as RawPath[];
      const deletions = existing.filter(() => next() < 0.3);
      // Deleting paths that are not there (or lie under a file) changes nothing, for both writers.
      if (next() < 0.5) deletions.push(randomPath(next));
      // Every fifth round changes no file (a checkpoint of an unchanged workspace keeps its tree).
      const request = { base: base.tree, deletions: round % 5 === 0 ? [] : deletions, puts: round % 5 === 0 ? [] : consistent(randomPuts(next, 1 + Math.floor(next() * 5))), message: `edit ${round} é\n`, parent: base.commit, time: 1_700_000_100 + round };
      const expected = await viaFastImport(repoGit, gitDir, request);
      // The loose writer must find every tree it needs loose: remove nothing, but repack nothing either.
      const loose = writeLooseCommit(objects, request);
      assert.ok(loose, `round ${round}: the base trees were loose, yet the writer gave up`);
      assert.deepStrictEqual(loose, expected, `round ${round}: ${JSON.stringify({ deletions, puts: request.puts.map((p) => [p.path, p.mode]) })}`);
      compared++;
    }
    assert.strictEqual(compared, 60);
    assert.strictEqual(git(gitDir, `--git-dir=${gitDir}`, 'fsck', '--no-dangling', '--strict'), '');
  });

  it('writes objects git reads back, read-only for their owner', async () => {
    const { objects, gitDir } = setup();
    const written = writeLooseCommit(objects, { base: null, deletions: [], puts: [{ path: 'src/a.txt' as RawPath, mode: '100644', content: Buffer.from('hello\n') }], message: 'm\n', parent: null, time: 1 });
    assert.ok(written);
    assert.strictEqual(git(gitDir, `--git-dir=${gitDir}`, 'show', `${written.commit}:src/a.txt`), 'hello');
    const file = path.join(objects, written.commit.slice(0, 2), written.commit.slice(2));
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o400);
    assert.strictEqual(readLooseObject(objects, written.commit)?.type, 'commit');
    // No temporary file is left behind.
    const leftovers = fs.readdirSync(objects).flatMap((dir) => (/^[0-9a-f]{2}$/.test(dir) ? fs.readdirSync(path.join(objects, dir)) : [])).filter((name) => name.startsWith('tmp_'));
    assert.deepStrictEqual(leftovers, []);
  });

  it('gives up, writing nothing, when a tree it needs is packed (after git gc)', async () => {
    const { objects, git: repoGit, gitDir } = setup();
    const base = await viaFastImport(repoGit, gitDir, { base: null, deletions: [], puts: [{ path: 'deep/er/file' as RawPath, mode: '100644', content: Buffer.from('x') }], message: 'base\n', parent: null, time: 1 });
    git(gitDir, `--git-dir=${gitDir}`, 'update-ref', 'refs/keep', base.commit);
    git(gitDir, `--git-dir=${gitDir}`, 'gc', '-q', '--prune=now');
    const count = () => git(gitDir, `--git-dir=${gitDir}`, 'count-objects').split(' ')[0];
    const before = count();
    const result = writeLooseCommit(objects, { base: base.tree, deletions: [], puts: [{ path: 'deep/er/other' as RawPath, mode: '100644', content: Buffer.from('new') }], message: 'm\n', parent: base.commit, time: 2 });
    assert.strictEqual(result, null);
    assert.strictEqual(count(), before, 'no object may be written when the writer gives up');
  });
});

describe('checkpoints on a packed history', () => {
  after(cleanupTemps);

  it('fall back to fast-import when the trees to edit are packed, remember it for that base, and capture the same bytes', async () => {
    const root = tempDir();
    git(root, 'init', '-q');
    for (let i = 0; i < 5; i++) fs.mkdirSync(path.join(root, `pkg${i}`, 'src'), { recursive: true });
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, `pkg${i}`, 'src', 'index.ts'), `export const n = ${i};\n`);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'packed history');
    git(root, 'gc', '-q');
    const store = await openCheckpoints(root, { onNotice: () => undefined });
    await store.createCheckpoint();
    const state = () => JSON.parse(fs.readFileSync(path.join(root, '.git', 'boocode', 'index.state'), 'utf8'));
    fs.writeFileSync(path.join(root, 'pkg3', 'src', 'index.ts'), 'export const n = 33;\n');
    const first = await store.createCheckpoint();
    assert.strictEqual(git(root, 'show', `${first.commit}:pkg3/src/index.ts`), 'export const n = 33;');
    assert.ok(state().packedBase, 'the packed base is remembered');
    fs.writeFileSync(path.join(root, 'pkg3', 'src', 'index.ts'), 'export const n = 333;\n');
    const second = await store.createCheckpoint();
    assert.strictEqual(git(root, 'show', `${second.commit}:pkg3/src/index.ts`), 'export const n = 333;');
    assert.strictEqual(git(root, 'show', `${second.commit}:pkg1/src/index.ts`), 'export const n = 1;');
    store.close();
  });
});
