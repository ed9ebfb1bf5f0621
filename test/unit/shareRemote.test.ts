// Sharing through a real bare repository (file://): Alice pushes, Bob fetches, lists, compares,
// imports and restores; plain `git push --all` never carries our refs.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, cleanupTemps, cli, cliJson, git, read, tempDir, write } from './helpers';

function setUp() {
  const base = tempDir('boocode-remote-');
  const remote = path.join(base, 'remote.git');
  git(base, 'init', '-q', '--bare', '-b', 'main', remote);
  const url = `file://${remote}`;
  const alice = path.join(base, 'alice');
  git(base, 'clone', '-q', url, alice);
  write(alice, 'src/app.js', 'console.log(1);\n');
  git(alice, 'add', '.');
  git(alice, 'commit', '-qm', 'initial');
  git(alice, 'push', '-q', 'origin', 'HEAD:main');
  const bob = path.join(base, 'bob');
  git(base, 'clone', '-q', url, bob);
  return { base, remote, alice, bob };
}

const remoteRefs = (remote: string) => git(remote, 'for-each-ref', '--format=%(refname)').split('\n').filter(Boolean);

/** A turn's end checkpoint, by the turn's own checkpoint id. */
const endOf = new Map<string, string>();

function turn(root: string, session: string, prompt: string, reply: string): string {
  const id = cliJson(['turn', 'begin', '-C', root, '--session', session, '--prompt', prompt, '--agent', 'opencode']).checkpoint.id;
  const ended = cliJson(['turn', 'end', '-C', root, '--session', session, '--reply', reply]);
  endOf.set(id, ended.checkpoint.id);
  return id;
}

/** Turns followed by their end checkpoints, as a session's checkpoints travel. */
const withEnds = (ids: string[]) => ids.flatMap((id) => [id, endOf.get(id) as string]);

describe('boocode push and fetch', () => {
  afterEach(cleanupTemps);

  it('shares a session: push from one clone, fetch in the other, list, compare, import and restore there', () => {
    const { remote, alice, bob } = setUp();
    const one = turn(alice, 'ses_abc', 'make it greet', 'greeting added');
    write(alice, 'src/app.js', 'console.log("hi");\n');
    write(alice, 'docs/new.md', 'new doc\n');
    const two = turn(alice, 'ses_abc', 'now document it', 'documented');

    // Plain git never sends our refs.
    git(alice, 'push', '-q', '--all', 'origin');
    git(alice, 'push', '-q', '--tags', 'origin');
    assert.deepEqual(remoteRefs(remote), ['refs/heads/main']);

    // push says what it will send first, and sends nothing without a yes.
    const unconfirmed = cli(['push', 'origin', '-C', alice, '--as', 'alice']);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /Pushing to origin as alice/);
    assert.match(unconfirmed.stderr, /ses_abc: 4 checkpoint\(s\), transcript of 4 message\(s\) \(readable by anyone who can fetch\)/);
    assert.match(unconfirmed.stderr, /at most \d+ object\(s\), [\d.]+ (B|KB) on disk/);
    assert.match(unconfirmed.stderr, /add --yes\. Nothing was sent\./);
    assert.deepEqual(remoteRefs(remote), ['refs/heads/main']);

    const pushed = cliJson(['push', 'origin', '-C', alice, '--as', 'alice', '--yes']);
    assert.equal(pushed.pushed, 5, 'two turns, their ends and the transcript');
    assert.deepEqual(remoteRefs(remote).sort(), [
      ...withEnds([one, two]).map((id) => 'refs/boocode/shared/alice/ses_abc/checkpoints/' + id),
      'refs/boocode/shared/alice/ses_abc/transcript',
      'refs/heads/main',
    ].sort());
    const transcriptBlob = git(remote, 'cat-file', 'blob', 'refs/boocode/shared/alice/ses_abc/transcript:transcript.json');
    assert.equal(JSON.parse(transcriptBlob).messages[0].text, 'make it greet');

    // Bob: fetch, then the shared session shows, marked with whose it is.
    const fetched = cliJson(['fetch', 'origin', '-C', bob]);
    assert.deepEqual(fetched.map((s: any) => [s.id, s.shared, s.checkpoints, s.messageCount]), [['ses_abc', 'alice', 4, 4]]);
    const sessions = cliJson(['sessions', '-C', bob]);
    assert.deepEqual(sessions.map((s: any) => [s.id, s.shared, s.title]), [['ses_abc', 'alice', 'make it greet']]);
    const human = cli(['sessions', '-C', bob]).stdout;
    assert.match(human, /ses_abc .*\(shared by alice; import shared:alice\/ses_abc\)/);
    const listed = cliJson(['list', '-C', bob]);
    assert.deepEqual(listed.map((c: any) => [c.id, c.shared]), [[two, 'alice'], [one, 'alice']]);
    assert.match(cli(['list', '-C', bob]).stdout, /Before: now document it {2}\[shared by alice: ses_abc\]/);

    // Compare with them before importing: against the files now, and between two of them.
    assert.deepEqual(cliJson(['diff', one, '--to', two, '-C', bob]).map((c: any) => `${c.status} ${c.path}`).sort(), ['added docs/new.md', 'modified src/app.js']);
    write(bob, 'bob.txt', 'bob was here\n');
    assert.deepEqual(cliJson(['diff', one, '-C', bob]).map((c: any) => `${c.status} ${c.path}`).sort(), ['added bob.txt']);
    fs.rmSync(path.join(bob, 'bob.txt'));

    // Restoring one before importing says how to bring it in, and changes nothing.
    const early = cli(['restore', two, '-C', bob, '--yes']);
    assert.equal(early.code, 1);
    assert.match(early.stderr, new RegExp(`Checkpoint ${two} is in alice's shared session ses_abc; bring it in with \`boocode import shared:alice/ses_abc\``));
    assert.equal(read(bob, 'src/app.js'), 'console.log(1);\n');

    // Import it, then compare and restore like any checkpoint of Bob's.
    const imported = cliJson(['import', 'shared:alice/ses_abc', '-C', bob]);
    assert.deepEqual(imported.imported, withEnds([one, two]));
    assert.equal(cliJson(['sessions', '-C', bob]).find((s: any) => !s.shared).workspace, fs.realpathSync(bob));
    const diff = cliJson(['diff', one, '--to', two, '-C', bob]);
    assert.deepEqual(diff.map((c: any) => `${c.status} ${c.path}`).sort(), ['added docs/new.md', 'modified src/app.js']);
    cliJson(['restore', two, '-C', bob, '--yes']);
    assert.equal(read(bob, 'src/app.js'), 'console.log("hi");\n');
    assert.deepEqual(fs.readFileSync(path.join(bob, 'docs/new.md')), spawnSync(process.execPath, [CLI, 'show', two, 'docs/new.md', '-C', alice]).stdout);
    assert.equal(git(bob, 'status', '--porcelain', '--', 'src/app.js'), 'M src/app.js', "Bob's branch and index are untouched");
    assert.equal(cliJson(['import', 'shared:alice/ses_abc', '-C', bob]).alreadyImported, true);
  });

  it('pushes an encrypted transcript: unreadable on the remote, imported only with the key', () => {
    const { base, remote, alice, bob } = setUp();
    turn(alice, 'ses_secret', 'the token is s3cr3t-t0ken', 'ok');
    const key = path.join(base, 'team.key');
    fs.writeFileSync(key, 'shared team passphrase\n');
    cliJson(['push', 'origin', '-C', alice, '--as', 'alice', '--yes', '--encrypt', '--key-file', key]);
    const objects = git(remote, 'cat-file', '--batch-all-objects', '--batch');
    assert.equal(objects.includes('s3cr3t-t0ken'), false, 'no object on the remote holds the prompt');

    const fetched = cliJson(['fetch', 'origin', '-C', bob]);
    assert.deepEqual(fetched.map((s: any) => [s.id, s.encrypted, s.title]), [['ses_secret', true, null]]);
    const refused = cli(['import', 'shared:alice/ses_secret', '-C', bob]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the transcript is encrypted; pass --key-file FILE/);
    const wrong = path.join(base, 'wrong.key');
    fs.writeFileSync(wrong, 'guess\n');
    const wrongKey = cli(['import', 'shared:alice/ses_secret', '-C', bob, '--key-file', wrong]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /shared:alice\/ses_secret: the transcript could not be decrypted/);
    assert.equal(git(bob, 'for-each-ref', 'refs/boocode/checkpoints/'), '', 'nothing imported');
    cliJson(['import', 'shared:alice/ses_secret', '-C', bob, '--key-file', key]);
    assert.equal(cliJson(['transcript', '-C', bob, '--session', 'ses_secret'])[0].text, 'the token is s3cr3t-t0ken');
  });

  it('says in one line when the remote cannot be reached, and shares nothing', () => {
    const { base, alice } = setUp();
    turn(alice, 'ses_x', 'p', 'r');
    const result = cli(['push', `file://${path.join(base, 'nowhere.git')}`, '-C', alice, '--yes']);
    assert.equal(result.code, 1);
    assert.match(result.stderr.trim().split('\n').pop() as string, /^boocode: git push to file:\/\/.*nowhere\.git failed: .*; nothing more was shared\.$/);
    const option = cli(['push', '--upload-pack=evil', '-C', alice, '--yes']);
    assert.equal(option.code, 2, 'a remote that looks like an option is refused before git runs');
  });

  describe('over git:// (a git daemon on loopback)', () => {
    let daemon: ChildProcess | null = null;
    afterEach(() => {
      daemon?.kill();
      daemon = null;
    });

    it('pushes and fetches through the daemon like through a file:// remote', async () => {
      const { base, alice, bob } = setUp();
      const port = 20000 + Math.floor(Math.random() * 20000);
      daemon = spawn('git', ['daemon', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--reuseaddr', base], { stdio: 'ignore' });
      const url = `git://127.0.0.1:${port}/remote.git`;
      for (let tries = 0; spawnSync('git', ['ls-remote', url]).status !== 0; tries++) {
        if (tries > 50) assert.fail(`git daemon did not answer on ${url} within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const one = turn(alice, 'ses_net', 'over the network', 'ok');
      cliJson(['push', url, '-C', alice, '--as', 'alice', '--yes']);
      assert.deepEqual(cliJson(['fetch', url, '-C', bob]).map((s: any) => [s.id, s.shared]), [['ses_net', 'alice']]);
      assert.deepEqual(cliJson(['import', 'shared:alice/ses_net', '-C', bob]).imported, withEnds([one]));
    });
  });
});
