// Export and import with real repositories: two clones of one bare remote stand for two machines.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS } from '../../src/cli/commands';
import { maxBytesOf } from '../../src/core/share/capped';
import { withShareContext } from '../../src/core/share/context';
import { importFile } from '../../src/core/share/importFile';
import { sha256 } from '../../src/core/share/manifest';
import { CLI, cleanupTemps, cli, cliJson, git, read, tempDir, write } from './helpers';

/** A bare remote and a first clone with one pushed commit. */
function remoteAndClone(): { remote: string; first: string; base: string } {
  const base = tempDir('boocode-share-');
  const remote = path.join(base, 'remote.git');
  git(base, 'init', '-q', '--bare', '-b', 'main', remote);
  const first = path.join(base, 'alice');
  git(base, 'clone', '-q', remote, first);
  write(first, 'README.md', '# demo\n');
  write(first, 'src/app.js', 'console.log(1);\n');
  git(first, 'add', '.');
  git(first, 'commit', '-qm', 'initial');
  git(first, 'push', '-q', 'origin', 'HEAD:main');
  return { remote, first, base };
}

function clone(remote: string, where: string): string {
  git(path.dirname(where), 'clone', '-q', remote, where);
  return where;
}

/** A turn's end checkpoint, by the turn's own checkpoint id. */
const endOf = new Map<string, string>();

function turn(root: string, session: string, prompt: string, reply?: string): string {
  const begun = cliJson(['turn', 'begin', '-C', root, '--session', session, '--prompt', prompt, '--agent', 'claude-code']);
  if (reply) {
    const ended = cliJson(['turn', 'end', '-C', root, '--session', session, '--reply', reply]);
    if (ended.checkpoint) endOf.set(begun.checkpoint.id, ended.checkpoint.id);
  }
  return begun.checkpoint.id as string;
}

/** Turns followed by their end checkpoints, as a session's checkpoints are exported and imported. */
const withEnds = (ids: string[]) => ids.flatMap((id) => (endOf.has(id) ? [id, endOf.get(id) as string] : [id]));

/** Everything an import could change: our refs and the transcript's sessions and messages. */
function snapshot(root: string) {
  const sessions = cliJson(['sessions', '-C', root]);
  return {
    refs: git(root, 'for-each-ref', 'refs/boocode/'),
    sessions: JSON.stringify(sessions),
    messages: sessions.map((s: { id: string }) => JSON.stringify(cliJson(['transcript', '-C', root, '--session', s.id]))).join('\n'),
  };
}

/** The recorded metadata of a checkpoint commit. */
function recorded(root: string, ref: string): { workspace: string; session: string; id: string } {
  const line = git(root, 'cat-file', 'commit', ref).split('\n').find((l) => l.startsWith('boocode: ')) as string;
  return JSON.parse(line.slice('boocode: '.length));
}

/** The git bundle part of a session file, written out on its own. */
function bundlePart(file: string, out: string): string {
  const data = fs.readFileSync(file);
  const first = data.indexOf(10);
  const second = data.indexOf(10, first + 1);
  const length = Number(data.subarray(first + 1, second).toString());
  const manifest = JSON.parse(data.subarray(second + 1, second + 1 + length).toString());
  const start = second + 1 + length + 1;
  fs.writeFileSync(out, data.subarray(start, start + manifest.parts.bundle.size));
  return out;
}

/** Re-encodes a session file with a changed manifest (its length prefix kept right). */
function withManifest(file: string, change: (manifest: any) => void, out: string): void {
  const data = fs.readFileSync(file);
  const first = data.indexOf(10);
  const second = data.indexOf(10, first + 1);
  const length = Number(data.subarray(first + 1, second).toString());
  const manifest = JSON.parse(data.subarray(second + 1, second + 1 + length).toString());
  change(manifest);
  const json = Buffer.from(JSON.stringify(manifest));
  fs.writeFileSync(out, Buffer.concat([data.subarray(0, first + 1), Buffer.from(`${json.length}\n`), json, data.subarray(second + 1 + length)]));
}

describe('boocode export and import', () => {
  afterEach(cleanupTemps);

  it('imports into a second clone at another path: checkpoints and transcript rebased, restore gives the same bytes', () => {
    const { remote, first, base } = remoteAndClone();
    const one = turn(first, 'sess-1', 'add a greeting', 'added it');
    write(first, 'src/app.js', 'console.log("hello");\n');
    write(first, 'notes/todo.txt', Buffer.from([0, 1, 2, 255]));
    const two = turn(first, 'sess-1', 'now a second change', 'done');
    write(first, 'src/app.js', 'console.log("third");\n');
    const file = path.join(base, 'sess-1.boocode');
    const exported = cliJson(['export', 'sess-1', '-C', first, '-o', file]);
    assert.deepEqual(exported.checkpoints, withEnds([one, two]));
    assert.deepEqual(exported.prerequisites, [git(first, 'rev-parse', 'HEAD')]);
    // The bundle inside is a real git bundle that names what the receiver needs.
    const verified = git(first, 'bundle', 'list-heads', bundlePart(file, path.join(base, 'part.bundle')));
    assert.match(verified, new RegExp(`refs/boocode/checkpoints/${two}`));
    assert.match(fs.readFileSync(path.join(base, 'part.bundle'), 'utf8').split('\n\n')[0], new RegExp(`^-${exported.prerequisites[0]} `, 'm'));

    // Bob's machine: another clone, and the session goes into a linked worktree of it at yet another path.
    const bob = clone(remote, path.join(base, 'bob'));
    const bobTree = path.join(base, 'bob-feature');
    git(bob, 'worktree', 'add', '-q', bobTree, '-b', 'feature');
    const result = cliJson(['import', file, '-C', bobTree]);
    assert.equal(result.sessionId, 'sess-1');
    assert.deepEqual(result.imported, withEnds([one, two]));
    assert.deepEqual(result.skipped, []);

    // The directory rebase: the transcript and every checkpoint's metadata name the destination.
    const sessions = cliJson(['sessions', '-C', bobTree]);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].workspace, fs.realpathSync(bobTree));
    assert.equal(sessions[0].agent, 'claude-code');
    for (const id of [one, two]) {
      const meta = recorded(bobTree, `refs/boocode/checkpoints/${id}`);
      assert.equal(meta.workspace, 'worktree:bob-feature');
      assert.equal(meta.session, 'sess-1');
      assert.equal(recorded(first, `refs/boocode/checkpoints/${id}`).workspace, 'main', 'the source is untouched');
    }
    const listed = cliJson(['list', '-C', bobTree]);
    assert.deepEqual(listed.map((c: { id: string }) => c.id), [two, one]);
    assert.equal(listed[0].prompt, 'now a second change');
    const messages = cliJson(['transcript', '-C', bobTree, '--session', 'sess-1']);
    assert.deepEqual(messages.map((m: { text: string }) => m.text), ['add a greeting', 'added it', 'now a second change', 'done']);
    assert.ok(messages.every((m: { createdAt: number }) => Number.isInteger(m.createdAt)));
    assert.equal(cliJson(['list', '-C', bob]).length, 0, "the clone's main worktree does not list them");

    // Restoring there gives the bytes the source recorded.
    cliJson(['restore', two, '-C', bobTree, '--yes']);
    assert.equal(read(bobTree, 'src/app.js'), 'console.log("hello");\n');
    assert.deepEqual(fs.readFileSync(path.join(bobTree, 'notes/todo.txt')), Buffer.from([0, 1, 2, 255]));
    for (const name of git(first, 'ls-tree', '-r', '--name-only', `refs/boocode/checkpoints/${two}`).split('\n')) {
      const shown = spawnSync(process.execPath, [CLI, 'show', two, name, '-C', first]).stdout;
      assert.deepEqual(fs.readFileSync(path.join(bobTree, name)), shown, name);
    }
    cliJson(['restore', one, '-C', bobTree, '--yes']);
    assert.equal(read(bobTree, 'src/app.js'), 'console.log(1);\n');
    assert.equal(fs.existsSync(path.join(bobTree, 'notes/todo.txt')), false);
  });

  it('is idempotent: the same file twice changes nothing; different content under the same id needs --as-new', () => {
    const { remote, first, base } = remoteAndClone();
    turn(first, 'sess-2', 'first prompt', 'first reply');
    const file = path.join(base, 'a.boocode');
    cliJson(['export', 'sess-2', '-C', first, '-o', file]);
    const bob = clone(remote, path.join(base, 'bob'));
    cliJson(['import', file, '-C', bob]);
    const before = snapshot(bob);
    const again = cliJson(['import', file, '-C', bob]);
    assert.equal(again.alreadyImported, true);
    assert.deepEqual(snapshot(bob), before);

    // Alice edits history under the same session id (a different conversation reuses it).
    cliJson(['restore', cliJson(['list', '-C', first])[0].id, '-C', first, '--yes']);
    turn(first, 'sess-2', 'another first prompt', 'another reply');
    const changed = path.join(base, 'b.boocode');
    cliJson(['export', 'sess-2', '-C', first, '-o', changed]);
    const refused = cli(['import', changed, '-C', bob]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists here with different content; add --as-new/);
    assert.deepEqual(snapshot(bob), before);

    const asNew = cliJson(['import', changed, '-C', bob, '--as-new']);
    assert.notEqual(asNew.sessionId, 'sess-2');
    assert.equal(asNew.sourceSessionId, 'sess-2');
    const copies = cliJson(['list', '-C', bob, '--session', asNew.sessionId]);
    assert.equal(copies.length, 2, 'the restored checkpoint and the new turn');
    for (const copy of copies) {
      assert.ok(!before.refs.includes(copy.id), 'new checkpoint ids');
      assert.equal(recorded(bob, copy.ref).session, asNew.sessionId);
    }
    assert.deepEqual(cliJson(['transcript', '-C', bob, '--session', asNew.sessionId]).map((m: { text: string }) => m.text), ['another first prompt', 'another reply']);
  });

  it('refuses a truncated, tampered, oversized or newer-format file and changes nothing', () => {
    const { remote, first, base } = remoteAndClone();
    write(first, 'big.bin', randomBytes(1536 * 1024));
    turn(first, 'sess-3', 'with a big file');
    const file = path.join(base, 'c.boocode');
    cliJson(['export', 'sess-3', '-C', first, '-o', file]);
    const bob = clone(remote, path.join(base, 'bob'));
    const before = snapshot(bob);
    const data = fs.readFileSync(file);

    const truncated = path.join(base, 'truncated.boocode');
    fs.writeFileSync(truncated, data.subarray(0, data.length - 100));
    const tampered = path.join(base, 'tampered.boocode');
    const flipped = Buffer.from(data);
    flipped[flipped.length - 5] ^= 1; // a byte of the transcript
    fs.writeFileSync(tampered, flipped);
    const tamperedPack = path.join(base, 'tampered-pack.boocode');
    const flippedPack = Buffer.from(data);
    flippedPack[Math.floor(data.length / 2)] ^= 1; // a byte of the bundle
    fs.writeFileSync(tamperedPack, flippedPack);
    const newer = path.join(base, 'newer.boocode');
    withManifest(file, (manifest) => (manifest.format = '2.0'), newer);

    const garbage = path.join(base, 'garbage.boocode');
    fs.writeFileSync(garbage, randomBytes(4096));
    const cases: [string[], RegExp][] = [
      [['import', garbage], /is not a valid BooCode session file \(no session header\); nothing was imported/],
      [['import', truncated], /truncated \(\d+ of \d+ bytes\); nothing was imported/],
      [['import', tampered], /the transcript part does not match its sha256/],
      [['import', tamperedPack], /the bundle part does not match its sha256/],
      [['import', file, '--max-size', '1'], /past the 1 MB limit; raise it with --max-size MB/],
      [['import', newer], /format 2\.0, newer than this BooCode reads \(1\.1\); update BooCode Checkpoints/],
    ];
    for (const [args, message] of cases) {
      const result = cli([...args, '-C', bob]);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
      assert.deepEqual(snapshot(bob), before, args.join(' '));
    }
    const stateDir = path.join(bob, '.git/boocode');
    assert.deepEqual(fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((name) => name.startsWith('incoming-')) : [], [], 'no quarantine left');
    const exportCapped = cli(['export', 'sess-3', '-C', first, '-o', path.join(base, 'x.boocode'), '--max-size', '1']);
    assert.equal(exportCapped.code, 1);
    assert.match(exportCapped.stderr, /--max-size MB/);
    assert.equal(fs.existsSync(path.join(base, 'x.boocode')), false);
  });

  it('imports the rest of a session when one checkpoint lost its objects, and lists the one skipped', () => {
    const { remote, first, base } = remoteAndClone();
    const bob = clone(remote, path.join(base, 'bob'));
    const kept = turn(first, 'sess-4', 'on the pushed commit', 'ok');
    // A commit Alice never pushed: the second checkpoint sits on it, so Bob lacks what it needs.
    write(first, 'local.txt', 'only on alice\n');
    git(first, 'add', 'local.txt');
    git(first, 'commit', '-qm', 'local only');
    const lost = turn(first, 'sess-4', 'on the local commit', 'ok again');
    const file = path.join(base, 'd.boocode');
    const exported = cliJson(['export', 'sess-4', '-C', first, '-o', file]);
    assert.equal(exported.prerequisites.length, 2);

    const result = cli(['import', file, '-C', bob, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout);
    assert.deepEqual(outcome.imported, withEnds([kept]));
    assert.deepEqual(outcome.skipped.map((s: { id: string }) => s.id), withEnds([lost]));
    assert.match(result.stderr, new RegExp(`warning: checkpoint ${lost} was skipped: this repository lacks commit ${git(first, 'rev-parse', 'HEAD').slice(0, 12)}`));
    assert.deepEqual(cliJson(['list', '-C', bob]).map((c: { id: string }) => c.id), [kept]);
    assert.equal(cliJson(['transcript', '-C', bob, '--session', 'sess-4']).length, 4, 'the whole conversation comes in');
    assert.equal(git(bob, 'fsck', '--connectivity-only', '--no-dangling').includes('missing'), false);
  });

  it('encrypts the transcript: built-in key round trip, wrong or missing key refused loudly, a command of your own', () => {
    const { remote, first, base } = remoteAndClone();
    turn(first, 'sess-5', 'the password is hunter2', 'noted');
    const key = path.join(base, 'key.txt');
    fs.writeFileSync(key, 'correct horse battery staple\n');
    const file = path.join(base, 'e.boocode');
    const exported = cliJson(['export', 'sess-5', '-C', first, '-o', file, '--encrypt', '--key-file', key]);
    assert.equal(exported.encrypted, true);
    assert.equal(fs.readFileSync(file).includes('hunter2'), false, 'the prompt is not readable in the file');
    // Nor in the checkpoint commits, whose messages would otherwise carry it.
    const scratch = path.join(base, 'scratch');
    git(base, 'clone', '-q', remote, scratch);
    git(scratch, 'bundle', 'unbundle', bundlePart(file, path.join(base, 'e.bundle')));
    assert.equal(git(scratch, 'cat-file', '--batch-all-objects', '--batch').includes('hunter2'), false, 'no object of the bundle holds the prompt');

    const bob = clone(remote, path.join(base, 'bob'));
    const before = snapshot(bob);
    const wrong = path.join(base, 'wrong.txt');
    fs.writeFileSync(wrong, 'not the key\n');
    const refused = cli(['import', file, '-C', bob, '--key-file', wrong]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `boocode: ${file}: the transcript could not be decrypted with ${wrong} (wrong key, or the file was altered); nothing was imported.\n`);
    const missing = cli(['import', file, '-C', bob]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the transcript is encrypted; pass --key-file FILE/);
    assert.deepEqual(snapshot(bob), before);

    cliJson(['import', file, '-C', bob, '--key-file', key]);
    assert.deepEqual(cliJson(['transcript', '-C', bob, '--session', 'sess-5']).map((m: { text: string }) => m.text), ['the password is hunter2', 'noted']);
    const back = cliJson(['list', '-C', bob])[0];
    assert.equal((recorded(bob, back.ref) as { prompt?: string }).prompt, 'the password is hunter2', 'the prompt is back in the checkpoint commit');

    // A person's own tool, run without a shell: base64 stands in for age here.
    const viaCommand = path.join(base, 'f.boocode');
    cliJson(['export', 'sess-5', '-C', first, '-o', viaCommand, '--encrypt', '--encrypt-command', 'base64 -w0']);
    assert.equal(fs.readFileSync(viaCommand).includes('hunter2'), false);
    const carol = clone(remote, path.join(base, 'carol'));
    const failing = cli(['import', viaCommand, '-C', carol, '--decrypt-command', 'false']);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /decrypting the transcript: false failed/);
    assert.deepEqual(cliJson(['sessions', '-C', carol]), []);
    cliJson(['import', viaCommand, '-C', carol, '--decrypt-command', 'base64 -d']);
    assert.equal(cliJson(['transcript', '-C', carol, '--session', 'sess-5'])[0].text, 'the password is hunter2');
  });

  it('takes the checkpoint refs back when the transcript cannot be written: both legs or neither', async () => {
    const { remote, first, base } = remoteAndClone();
    turn(first, 'sess-6', 'a prompt', 'a reply');
    const file = path.join(base, 'g.boocode');
    cliJson(['export', 'sess-6', '-C', first, '-o', file]);
    const bob = clone(remote, path.join(base, 'bob'));
    const before = snapshot(bob);
    // Another live process holds Bob's transcript for longer than the import waits.
    const lock = path.join(bob, '.git/boocode/transcript.lock');
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: require('os').hostname(), at: Date.now() }));
    await assert.rejects(
      withShareContext(bob, { lockTimeoutMs: 300, onNotice: () => undefined }, (context) => importFile(context, file, { maxBytes: maxBytesOf(undefined) })),
      /The transcript of .* could not be written \(The transcript is busy.*\); nothing was imported\./,
    );
    fs.rmSync(lock);
    assert.deepEqual(snapshot(bob), before, 'no refs, no transcript rows');
    // Once the transcript is free, the same file imports whole.
    assert.equal(cliJson(['import', file, '-C', bob]).imported.length, 2, 'the turn and its end');
  });

  it('refuses an encrypted transcript altered after encryption even when the manifest was made to match', () => {
    const { remote, first, base } = remoteAndClone();
    turn(first, 'sess-7', 'secret prompt', 'ok');
    const key = path.join(base, 'k');
    fs.writeFileSync(key, 'k3y');
    const file = path.join(base, 'h.boocode');
    cliJson(['export', 'sess-7', '-C', first, '-o', file, '--encrypt', '--key-file', key]);
    // Flip a ciphertext byte and recompute the transcript's sha256: only the cipher's tag can tell.
    const data = fs.readFileSync(file);
    data[data.length - 3] ^= 0x40;
    const forged = path.join(base, 'forged.boocode');
    fs.writeFileSync(forged, data);
    const size = JSON.parse(data.subarray(data.indexOf(10, 16) + 1).toString().split('\n')[0]).parts.transcript.size;
    withManifest(forged, (manifest) => (manifest.parts.transcript.sha256 = sha256(data.subarray(data.length - size))), forged);
    const bob = clone(remote, path.join(base, 'bob'));
    const result = cli(['import', forged, '-C', bob, '--key-file', key]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /forged\.boocode: the transcript could not be decrypted with .* \(wrong key, or the file was altered\); nothing was imported\./);
    assert.equal(git(bob, 'for-each-ref', 'refs/boocode/'), '');
  });

  it('keeps --help true: the share commands are listed, and each names every option it accepts', () => {
    const help = cli(['--help']).stdout;
    for (const name of ['export', 'import', 'push', 'fetch']) {
      assert.match(help, new RegExp(`boocode ${name} `));
      const command = COMMANDS[name];
      for (const flag of [...(command.values ?? []), ...(command.switches ?? [])]) assert.ok(command.usage.includes(flag), `${name} usage names ${flag}`);
      const own = cli([name, '--help']);
      assert.equal(own.code, 0);
      assert.equal(own.stdout.split('\n')[0], `Usage: boocode ${command.usage}`);
    }
  });

  it('skips a checkpoint whose metadata would make a restore reach outside the workspace', () => {
    const { remote, first, base } = remoteAndClone();
    const good = turn(first, 'sess-8', 'fine', 'ok');
    const bad = turn(first, 'sess-8', 'crafted', 'ok');
    // Someone edits the second checkpoint's metadata by hand before sharing it.
    const ref = `refs/boocode/checkpoints/${bad}`;
    const raw = git(first, 'cat-file', 'commit', ref);
    const crafted = raw.replace(/^boocode: (.*)$/m, (_, json) => `boocode: ${JSON.stringify({ ...JSON.parse(json), emptyFolders: [['../escaped', 0o755]] })}`);
    const commit = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: first, input: crafted + '\n' }).toString().trim();
    git(first, 'update-ref', ref, commit);
    const file = path.join(base, 'i.boocode');
    cliJson(['export', 'sess-8', '-C', first, '-o', file]);

    const bob = clone(remote, path.join(base, 'bob'));
    const result = cli(['import', file, '-C', bob, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).imported, withEnds([good]), "the crafted turn's end is skipped with it");
    assert.match(result.stderr, new RegExp(`checkpoint ${bad} was skipped: its metadata names a path outside the workspace`));
    assert.deepEqual(cliJson(['list', '-C', bob]).map((c: { id: string }) => c.id), [good]);
    assert.equal(fs.existsSync(path.join(base, 'escaped')), false);
  });

  it('into a linked worktree of the same repository: the ids are taken there, so --as-new brings a copy', () => {
    const { first, base } = remoteAndClone();
    const id = turn(first, 'sess-9', 'in the main worktree', 'ok');
    const file = path.join(base, 'j.boocode');
    cliJson(['export', 'sess-9', '-C', first, '-o', file]);
    const other = path.join(base, 'alice-other');
    git(first, 'worktree', 'add', '-q', other, '-b', 'other');
    const refsBefore = git(first, 'for-each-ref', 'refs/boocode/');
    const clash = cli(['import', file, '-C', other]);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, new RegExp(`Checkpoint ${id} already exists in this repository .*add --as-new`));
    assert.equal(git(first, 'for-each-ref', 'refs/boocode/'), refsBefore);
    assert.deepEqual(cliJson(['sessions', '-C', other]), []);
    const copy = cliJson(['import', file, '-C', other, '--as-new']);
    assert.notEqual(copy.sessionId, 'sess-9');
    assert.equal(copy.imported.length, 2, 'the turn and its end');
    assert.notEqual(copy.imported[0], id);
    assert.deepEqual(cliJson(['list', '-C', other]).map((c: { id: string }) => c.id), [copy.imported[0]]);
    assert.deepEqual(cliJson(['list', '-C', first]).map((c: { id: string }) => c.id), [id], 'the main worktree lists only its own');
  });

  it('encrypts with the boocode.share.encryptCommand / decryptCommand settings when no key is given', () => {
    const { remote, first, base } = remoteAndClone();
    turn(first, 'sess-10', 'settings say how', 'ok');
    // What the extension writes from the user's settings, for the CLI and hooks.
    const settings = (root: string, values: object) => {
      fs.mkdirSync(path.join(root, '.git/boocode'), { recursive: true });
      fs.writeFileSync(path.join(root, '.git/boocode/settings.json'), JSON.stringify({ maxFileBytes: 50 * 1024 * 1024, keepPerSession: 100, exclude: [], ...values }));
    };
    settings(first, { encryptCommand: ['base64', '-w0'] });
    const file = path.join(base, 'k.boocode');
    assert.equal(cliJson(['export', 'sess-10', '-C', first, '-o', file, '--encrypt']).encrypted, true);
    const data = fs.readFileSync(file);
    const manifest = JSON.parse(data.subarray(data.indexOf(10, 16) + 1).toString().split('\n')[0]);
    assert.equal(manifest.parts.transcript.encryption, 'command');
    const sealed = data.subarray(data.length - manifest.parts.transcript.size).toString();
    assert.match(Buffer.from(sealed, 'base64').toString(), /settings say how/, 'the command did the encrypting');

    const bob = clone(remote, path.join(base, 'bob'));
    settings(bob, { decryptCommand: ['base64', '-d'] });
    cliJson(['import', file, '-C', bob]);
    assert.equal(cliJson(['transcript', '-C', bob, '--session', 'sess-10'])[0].text, 'settings say how');
  });
});
