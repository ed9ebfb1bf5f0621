// Reverting one agent turn in real repositories: its own changes go back by a 3-way merge, the
// user's edits and later turns stay, conflicts leave the file untouched, and undo is byte-exact.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, cliJson, cli, exists, git, makeRepo, read, repoState, stateHome, tempDir, write } from './helpers';
import { leftovers, manifest, manifestDiff } from './manifest';

const quiet = { onNotice: () => undefined };
const lines = (n: number, label = 'line') => Array.from({ length: n }, (_, i) => `${label} ${i + 1}`);
const text = (all: string[]) => all.join('\n') + '\n';
/** `file` with lines `at` (1-based) replaced by `with`. */
function edit(root: string, file: string, at: number[], mark: string): void {
  const all = read(root, file).split('\n');
  for (const n of at) all[n - 1] = `${all[n - 1]} ${mark}`;
  fs.writeFileSync(path.join(root, file), all.join('\n'));
}

describe('revert a turn', () => {
  afterEach(cleanupTemps);

  it('takes back lines 1-3 the turn changed and keeps the user edit on line 10 and a later turn on line 20; undo is byte-exact', async () => {
    const root = makeRepo();
    write(root, 'src/long.txt', text(lines(30)));
    write(root, 'src/other.txt', 'untouched by the turn\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'long file');
    const state = repoState(root);
    const store = await openCheckpoints(root, quiet);
    try {
      const first = await store.beginTurn({ sessionId: 'sess-r', prompt: 'edit the top', agent: 'claude-code' });
      edit(root, 'src/long.txt', [1, 2, 3], 'by turn 1');
      const ended = await store.endTurn({ sessionId: 'sess-r', reply: 'done' });
      assert.ok(ended.checkpoint, 'an after-checkpoint is taken at the end of the turn');
      edit(root, 'src/long.txt', [10], 'by the user');
      await store.beginTurn({ sessionId: 'sess-r', prompt: 'edit line 20', agent: 'claude-code' });
      edit(root, 'src/long.txt', [20], 'by turn 2');
      await store.endTurn({ sessionId: 'sess-r', reply: 'done too' });

      const expected = lines(30);
      expected[9] += ' by the user';
      expected[19] += ' by turn 2';
      const beforeRevert = manifest(root);
      const transcriptBefore = await store.transcript('sess-r');
      const outcome = await store.revert(first.checkpoint!.id);
      assert.equal(read(root, 'src/long.txt'), text(expected));
      assert.deepEqual(outcome.modified, ['src/long.txt']);
      assert.deepEqual(outcome.conflicts, []);
      assert.equal(outcome.filesChanged, 1);
      assert.ok(outcome.safetyCheckpoint);
      assert.deepEqual(manifestDiff(beforeRevert, manifest(root)), ['changed "src/long.txt" (file → file)']);
      // The conversation stays whole; the revert is recorded and marks the agent's context stale.
      assert.deepEqual(await store.transcript('sess-r'), transcriptBefore);
      const session = (await store.sessions()).find((candidate) => candidate.id === 'sess-r')!;
      assert.ok(session.staleAt);
      assert.match(outcome.agentAdvice ?? '', /reverted/);
      assert.deepEqual(repoState(root), state, 'HEAD, branch, index and stash are untouched');
      assert.deepEqual(leftovers(root), []);

      const undone = await store.undo();
      assert.equal(undone.undone, first.checkpoint!.id);
      assert.deepEqual(manifestDiff(beforeRevert, manifest(root)), [], 'undo gives back every byte and mode');
      assert.deepEqual(repoState(root), state);
      const afterUndo = (await store.sessions()).find((candidate) => candidate.id === 'sess-r')!;
      assert.equal(afterUndo.staleAt, null, 'undo takes the stale mark back too');
    } finally {
      store.close();
    }
  });

  it('leaves a file whose merge conflicts exactly as it is, lists it, and writes no conflict marker', async () => {
    const root = makeRepo();
    write(root, 'src/long.txt', text(lines(12)));
    write(root, 'src/clean.txt', text(lines(5, 'clean')));
    const store = await openCheckpoints(root, quiet);
    try {
      const turn = await store.beginTurn({ sessionId: 'sess-c', prompt: 'edit line 5' });
      edit(root, 'src/long.txt', [5], 'by the turn');
      edit(root, 'src/clean.txt', [1], 'by the turn');
      await store.endTurn({ sessionId: 'sess-c', reply: 'ok' });
      edit(root, 'src/long.txt', [5], 'and by the user');
      const conflicted = fs.readFileSync(path.join(root, 'src/long.txt'));
      // A scratch folder a killed merge left behind (copies of the person's files) is swept.
      const stale = path.join(store.stateDir, 'merge-dead0000');
      fs.mkdirSync(stale);
      fs.writeFileSync(path.join(stale, '0.ours'), 'left by a killed process');
      fs.utimesSync(stale, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
      const plan = await store.planRevert(turn.checkpoint!.id);
      assert.deepEqual(plan.conflicts, ['src/long.txt']);
      assert.deepEqual(plan.modified, ['src/clean.txt']);
      const outcome = await store.revert(turn.checkpoint!.id);
      assert.deepEqual(outcome.conflicts, ['src/long.txt']);
      assert.equal(outcome.kept.find((file) => file.path === 'src/long.txt')?.code, 'conflict');
      assert.deepEqual(fs.readFileSync(path.join(root, 'src/long.txt')), conflicted);
      assert.doesNotMatch(read(root, 'src/long.txt'), /<<<<<<<|>>>>>>>/);
      assert.equal(read(root, 'src/clean.txt'), text(lines(5, 'clean')), 'the file without conflict is reverted');
      assert.deepEqual(fs.readdirSync(store.stateDir).filter((name) => name.startsWith('merge-')), [], 'no scratch folder is left');
    } finally {
      store.close();
    }
  });

  it('deletes a file the turn created only if unchanged since, and brings back a deleted file only where the path is free', async () => {
    const root = makeRepo();
    write(root, 'src/gone.txt', 'deleted by the turn\n');
    write(root, 'src/gone-taken.txt', 'deleted by the turn, then the path is taken\n');
    write(root, 'tool.sh', '#!/bin/sh\necho hi\n', 0o755);
    const store = await openCheckpoints(root, quiet);
    try {
      const turn = await store.beginTurn({ sessionId: 'sess-f', prompt: 'create and delete' });
      write(root, 'src/new.txt', 'created by the turn\n');
      write(root, 'src/new-edited.txt', 'created by the turn\n');
      fs.rmSync(path.join(root, 'src/gone.txt'));
      fs.rmSync(path.join(root, 'src/gone-taken.txt'));
      fs.rmSync(path.join(root, 'tool.sh'));
      await store.endTurn({ sessionId: 'sess-f', reply: 'ok' });
      write(root, 'src/new-edited.txt', 'created by the turn, then edited by the user\n');
      write(root, 'src/gone-taken.txt', 'the user wrote here\n');

      const outcome = await store.revert(turn.checkpoint!.id);
      assert.equal(exists(root, 'src/new.txt'), false, 'an unchanged created file is deleted');
      assert.equal(read(root, 'src/new-edited.txt'), 'created by the turn, then edited by the user\n');
      assert.equal(read(root, 'src/gone.txt'), 'deleted by the turn\n');
      assert.equal(read(root, 'tool.sh'), '#!/bin/sh\necho hi\n');
      assert.equal(fs.statSync(path.join(root, 'tool.sh')).mode & 0o777, 0o755, 'it comes back with its permission bits');
      assert.equal(read(root, 'src/gone-taken.txt'), 'the user wrote here\n');
      assert.deepEqual(outcome.deleted, ['src/new.txt']);
      assert.deepEqual([...outcome.recreated].sort(), ['src/gone.txt', 'tool.sh']);
      assert.deepEqual([...outcome.conflicts].sort(), ['src/gone-taken.txt', 'src/new-edited.txt']);
      const codes = Object.fromEntries(outcome.kept.map((file) => [file.path, file.code]));
      assert.equal(codes['src/new-edited.txt'], 'changed-since-turn');
      assert.equal(codes['src/gone-taken.txt'], 'path-taken');
    } finally {
      store.close();
    }
  });

  it('reverts binary files, symlinks and the exec bit the turn changed, and reports a binary file changed since as a conflict', async () => {
    const root = makeRepo();
    write(root, 'img/logo.bin', Buffer.from([0, 1, 2, 3, 255, 0, 7]));
    write(root, 'img/icon.bin', Buffer.from([0, 9, 9, 9]));
    write(root, 'run.sh', '#!/bin/sh\necho run\n', 0o644);
    fs.symlinkSync('src/app.js', path.join(root, 'current'));
    const store = await openCheckpoints(root, quiet);
    try {
      const turn = await store.beginTurn({ sessionId: 'sess-b', prompt: 'binary' });
      write(root, 'img/logo.bin', Buffer.from([0, 1, 2, 3, 254, 0, 7]));
      write(root, 'img/icon.bin', Buffer.from([0, 8, 8, 8]));
      fs.chmodSync(path.join(root, 'run.sh'), 0o755);
      fs.rmSync(path.join(root, 'current'));
      fs.symlinkSync('README.md', path.join(root, 'current'));
      await store.endTurn({ sessionId: 'sess-b', reply: 'ok' });
      write(root, 'img/icon.bin', Buffer.from([0, 7, 7, 7])); // changed since: binary, cannot merge
      const outcome = await store.revert(turn.checkpoint!.id);
      assert.deepEqual(fs.readFileSync(path.join(root, 'img/logo.bin')), Buffer.from([0, 1, 2, 3, 255, 0, 7]));
      assert.deepEqual(fs.readFileSync(path.join(root, 'img/icon.bin')), Buffer.from([0, 7, 7, 7]), 'left exactly as it is');
      assert.deepEqual(outcome.conflicts, ['img/icon.bin']);
      assert.equal(fs.statSync(path.join(root, 'run.sh')).mode & 0o777, 0o644, 'the exec bit goes back');
      assert.equal(fs.readlinkSync(path.join(root, 'current')), 'src/app.js', 'the link points where it did');
    } finally {
      store.close();
    }
  });

  it('closes a turn that never ended at the next turn begin, marks it interrupted, and reverts it', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    try {
      const first = await store.beginTurn({ sessionId: 'sess-i', prompt: 'first' });
      write(root, 'src/app.js', 'changed by the interrupted turn\n');
      // No end: the next prompt arrives first.
      const second = await store.beginTurn({ sessionId: 'sess-i', prompt: 'second' });
      write(root, 'later.txt', 'by the second turn\n');
      const listed = await store.list({ sessionId: 'sess-i' });
      const info = listed.find((meta) => meta.id === first.checkpoint!.id)!;
      assert.deepEqual(info.turnEnd, { id: second.checkpoint!.id, interrupted: true });
      assert.equal(listed.find((meta) => meta.id === second.checkpoint!.id)!.turnEnd, null, 'the second turn is still open');
      assert.deepEqual(
        (await store.diff(first.checkpoint!.id, second.checkpoint!.id)).map((change) => change.path),
        ['src/app.js'],
        "the turn's own diff is before → where it ended",
      );
      const outcome = await store.revert(first.checkpoint!.id);
      assert.deepEqual(outcome.turnEnd, { id: second.checkpoint!.id, interrupted: true });
      assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
      assert.equal(read(root, 'later.txt'), 'by the second turn\n');
      // Its end closes the second turn normally, once.
      const end = await store.endTurn({ sessionId: 'sess-i', reply: 'ok' });
      assert.ok(end.checkpoint);
      assert.equal((await store.endTurn({ sessionId: 'sess-i', reply: 'again' })).checkpoint, null, 'a turn ends once');
      const after = (await store.list({ sessionId: 'sess-i' })).find((meta) => meta.id === second.checkpoint!.id)!;
      assert.deepEqual(after.turnEnd, { id: end.checkpoint!.id, interrupted: false });
    } finally {
      store.close();
    }
  });

  it('refuses a turn that has not ended, and a checkpoint that is not a turn, changing nothing', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    try {
      const turn = await store.beginTurn({ sessionId: 'sess-o', prompt: 'still running' });
      write(root, 'src/app.js', 'mid-turn\n');
      const manual = await store.createCheckpoint({ label: 'by hand' });
      const before = manifest(root);
      await assert.rejects(store.revert(turn.checkpoint!.id), /has not ended yet.*nothing was changed/);
      await assert.rejects(store.revert(manual.id), /not taken before an agent turn/);
      await assert.rejects(store.revert(turn.checkpoint!.id, { sessionId: 'someone-else' }), /belongs to session sess-o/);
      assert.deepEqual(manifestDiff(before, manifest(root)), []);
    } finally {
      store.close();
    }
  });

  it('keeps a session to its checkpoint limit counting a turn and its end as one', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, { ...quiet, keepPerSession: 2 });
    try {
      const ids = [];
      for (let i = 1; i <= 3; i++) {
        const turn = await store.beginTurn({ sessionId: 'sess-k', prompt: `turn ${i}` });
        write(root, `t${i}.txt`, `${i}\n`);
        const end = await store.endTurn({ sessionId: 'sess-k', reply: `reply ${i}` });
        ids.push({ turn: turn.checkpoint!.id, end: end.checkpoint!.id });
      }
      const listed = await store.list({ sessionId: 'sess-k' });
      assert.deepEqual(listed.map((meta) => meta.id), [ids[2].turn, ids[1].turn]);
      assert.deepEqual(listed.map((meta) => meta.turnEnd?.id), [ids[2].end, ids[1].end]);
      const refs = git(root, 'for-each-ref', '--format=%(refname:strip=3)', 'refs/boocode/checkpoints/').split('\n').sort();
      assert.deepEqual(refs, [ids[1].turn, ids[1].end, ids[2].turn, ids[2].end].sort(), "the dropped turn's end went with it");
    } finally {
      store.close();
    }
  });

  it('prune and delete take a turn and its end together; restoring a turn end touches files only', async () => {
    const root = makeRepo();
    const store = await openCheckpoints(root, quiet);
    try {
      const ids = [];
      for (let i = 1; i <= 3; i++) {
        const turn = await store.beginTurn({ sessionId: 'sess-p', prompt: `turn ${i}` });
        write(root, `p${i}.txt`, `${i}\n`);
        const end = await store.endTurn({ sessionId: 'sess-p', reply: `reply ${i}` });
        ids.push({ turn: turn.checkpoint!.id, end: end.checkpoint!.id });
      }
      const refs = () => git(root, 'for-each-ref', '--format=%(refname:strip=3)', 'refs/boocode/checkpoints/').split('\n').filter(Boolean).sort();
      await store.delete(ids[0].turn);
      assert.deepEqual(refs(), [ids[1].turn, ids[1].end, ids[2].turn, ids[2].end].sort());
      const pruned = await store.prune({ keep: 1 });
      assert.deepEqual(pruned.deleted, [ids[1].turn], 'counted as listed');
      assert.deepEqual(refs(), [ids[2].turn, ids[2].end].sort());

      await assert.rejects(store.restore(ids[2].end), /end of a turn: restore its files with --files-only.*Nothing was changed/);
      write(root, 'p3.txt', 'changed after the turn\n');
      const transcript = await store.transcript('sess-p');
      await store.restore(ids[2].end, { mode: 'files' });
      assert.equal(read(root, 'p3.txt'), '3\n');
      assert.deepEqual(await store.transcript('sess-p'), transcript);
    } finally {
      store.close();
    }
  });

  it('reverts in a subfolder workspace (never outside it) and in a plain folder; revert never touches ignored files', async () => {
    const root = makeRepo();
    write(root, 'packages/web/page.txt', text(lines(8)));
    write(root, 'packages/api/server.txt', 'api v1\n');
    const web = path.join(root, 'packages/web');
    const store = await openCheckpoints(web, quiet);
    try {
      const turn = await store.beginTurn({ sessionId: 'sess-sub', prompt: 'edit web' });
      edit(root, 'packages/web/page.txt', [1], 'by the turn');
      write(root, 'packages/web/new.txt', 'created\n');
      write(root, 'packages/api/server.txt', 'api v2, outside the workspace\n');
      await store.endTurn({ sessionId: 'sess-sub', reply: 'ok' });
      edit(root, 'packages/web/page.txt', [8], 'by the user');
      const outcome = await store.revert(turn.checkpoint!.id);
      assert.deepEqual([outcome.modified, outcome.deleted], [['page.txt'], ['new.txt']], 'paths relative to the workspace folder');
      const expected = lines(8);
      expected[7] += ' by the user';
      assert.equal(read(root, 'packages/web/page.txt'), text(expected));
      assert.equal(read(root, 'packages/api/server.txt'), 'api v2, outside the workspace\n');
      const restored = await store.restore(turn.checkpoint!.id, { paths: ['page.txt'] });
      assert.deepEqual(restored.modified, ['page.txt']);
      assert.equal(read(root, 'packages/web/page.txt'), text(lines(8)));
    } finally {
      store.close();
    }

    const folder = tempDir();
    write(folder, '.gitignore', 'build/\n');
    write(folder, 'a.txt', text(lines(5)));
    const shadow = await openCheckpoints(folder, { ...quiet, stateHome: stateHome() });
    try {
      assert.equal(shadow.kind, 'shadow');
      const turn = await shadow.beginTurn({ sessionId: 'sess-plain', prompt: 'edit a' });
      edit(folder, 'a.txt', [2], 'by the turn');
      write(folder, 'build/out.txt', 'ignored output of the turn\n');
      await shadow.endTurn({ sessionId: 'sess-plain', reply: 'ok' });
      const outcome = await shadow.revert(turn.checkpoint!.id);
      assert.deepEqual(outcome.modified, ['a.txt']);
      assert.equal(read(folder, 'a.txt'), text(lines(5)));
      assert.equal(read(folder, 'build/out.txt'), 'ignored output of the turn\n', 'an ignored file is never touched');
      assert.equal(exists(folder, '.git'), false);
    } finally {
      shadow.close();
    }
  });

  it('boocode revert --yes --json and boocode undo from the command line', () => {
    const root = makeRepo();
    write(root, 'src/long.txt', text(lines(10)));
    const turn = cliJson(['turn', 'begin', '--session', 'sess-cli', '--prompt', 'go', '-C', root]);
    edit(root, 'src/long.txt', [2], 'by the turn');
    const ended = cliJson(['turn', 'end', '--session', 'sess-cli', '--reply', 'done', '-C', root]);
    assert.equal(ended.checkpoint.kind, 'after');
    assert.equal(ended.checkpoint.endsTurn, turn.checkpoint.id);
    edit(root, 'src/long.txt', [9], 'by the user');
    const before = manifest(root);
    const refused = cli(['revert', turn.checkpoint.id, '-C', root]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /needs confirmation.*Nothing was changed/);
    const outcome = cliJson(['revert', turn.checkpoint.id, '--yes', '-C', root]);
    assert.deepEqual(outcome.modified, ['src/long.txt']);
    const expected = lines(10);
    expected[8] += ' by the user';
    assert.equal(read(root, 'src/long.txt'), text(expected));
    const human = cli(['list', '-C', root]);
    assert.match(human.stdout, new RegExp(`${turn.checkpoint.id}.*ended at ${ended.checkpoint.id}`));
    cliJson(['undo', '-C', root]);
    assert.deepEqual(manifestDiff(before, manifest(root)), []);
  });
});
