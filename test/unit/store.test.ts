import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/core/store/schema';
import { TranscriptStore } from '../../src/core/store/transcriptStore';
import { cleanupTemps, cli, CLI, cliJson, makeRepo, tempDir } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const initSqlJs = require('sql.js') as (config?: object) => Promise<import('sql.js').SqlJsStatic>;

function messageIds(store: TranscriptStore): Promise<string[]> {
  return store.read((db) => (db.exec('SELECT id FROM messages ORDER BY id')[0]?.values ?? []).map((row) => String(row[0])));
}

describe('transcript store', () => {
  afterEach(cleanupTemps);

  it("finds a session's newest prompt in the journal without the database, and says when only the database can tell", async () => {
    const dir = tempDir();
    const store = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
    const message = (id: string, session: string, role: 'user' | 'assistant', text: string, at: number) => ({ op: 'message' as const, id, session, role, text, at });
    await store.append([{ op: 'session', id: 's1', agent: null, workspace: dir, at: 1 }]); // the first write creates the database
    await store.append([message('m1', 's1', 'user', 'first', 10), message('m2', 's1', 'assistant', 'reply', 11), message('m3', 's2', 'user', 'other', 12), message('m4', 's1', 'user', 'second', 20)]);
    store.close(); // nothing in memory: what follows reads the files
    // A database that cannot be read: answering from it would have moved it aside, with a notice.
    const database = path.join(dir, 'transcript.sqlite');
    const saved = fs.readFileSync(database);
    fs.writeFileSync(database, 'not a database');
    assert.equal(store.latestJournaledMessage('s1', 'user', Infinity)?.text, 'second');
    assert.equal(store.latestJournaledMessage('s1', 'user', 15)?.text, 'first');
    assert.equal(store.latestJournaledMessage('s1', 'assistant', Infinity)?.text, 'reply');
    assert.equal(store.latestJournaledMessage('s2', 'user', Infinity)?.text, 'other');
    assert.equal(store.latestJournaledMessage('s1', 'user', 5), undefined, 'older messages are in the database');
    assert.equal(fs.readFileSync(database, 'utf8'), 'not a database', 'the database was not read');
    fs.writeFileSync(database, saved);
    // An undo (or a restore, or an import) may bring back or remove messages the journal does not show.
    await store.append([{ op: 'undo', id: 'no-such-restore', at: 30 }]);
    assert.equal(store.latestJournaledMessage('s1', 'user', Infinity), undefined);
    await store.append([message('m5', 's1', 'user', 'third', 40)]);
    assert.equal(store.latestJournaledMessage('s1', 'user', Infinity)?.text, 'third', 'what came after it is known again');
    await store.fold();
    assert.equal(store.latestJournaledMessage('s1', 'user', Infinity), undefined, 'folded: only the database can tell');
    store.close();
  });

  it('records a reply once per prompt: a repeat of the same end is skipped, from the journal or the folded database', async () => {
    const dir = tempDir();
    const store = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
    const message = (id: string, role: 'user' | 'assistant', text: string, at: number) => ({ op: 'message' as const, id, session: 's', role, text, at });
    const reply = (id: string, text: string, at: number) => store.appendReplyOnce('s', at, text, [message(id, 'assistant', text, at)]);
    await store.append([{ op: 'session', id: 's', agent: null, workspace: dir, at: 1 }]); // the first write creates the database
    await store.append([message('p1', 'user', 'run the tests', 10)]);
    assert.equal(await reply('r1', 'All pass.', 11), true);
    // Told from the journal alone: a database that cannot be read is not read (nor moved aside).
    const database = path.join(dir, 'transcript.sqlite');
    const saved = fs.readFileSync(database);
    fs.writeFileSync(database, 'not a database');
    store.close();
    assert.equal(await reply('r1b', 'All pass.', 12), false, 'the same end reported again');
    assert.equal(fs.readFileSync(database, 'utf8'), 'not a database');
    fs.writeFileSync(database, saved);
    // The same prompt sent again is a new turn, and the same answer to it is its reply.
    await store.append([message('p2', 'user', 'run the tests', 20)]);
    assert.equal(await reply('r2', 'All pass.', 21), true);
    // A late report of turn one's end (it ended at 11, before the second prompt): already there.
    assert.equal(await reply('late', 'All pass.', 11), false);
    // Folded into the database: the journal no longer shows the prompt, the database answers.
    await store.fold();
    assert.equal(await reply('r2b', 'All pass.', 22), false);
    assert.equal(await reply('r3', 'Something else.', 23), true, 'another reply to the same prompt is kept');
    // After an undo the journal cannot tell: the database is asked.
    await store.append([{ op: 'undo', id: 'no-such-restore', at: 30 }]);
    assert.equal(await reply('r3b', 'Something else.', 31), false);
    assert.deepEqual(await messageIds(store), ['p1', 'p2', 'r1', 'r2', 'r3']);
    store.close();
  });

  it('records a reply reported by several processes at once exactly once', async function () {
    this.timeout(60_000);
    const root = makeRepo();
    cliJson(['turn', 'begin', '--session', 's', '--prompt', 'go', '-C', root]);
    const ends = Array.from({ length: 6 }, () =>
      new Promise<number>((resolve) => spawn(process.execPath, [CLI, 'turn', 'end', '--session', 's', '--reply', 'Done.', '-C', root], { stdio: 'ignore' }).on('close', (code) => resolve(code ?? -1))),
    );
    assert.deepEqual(await Promise.all(ends), [0, 0, 0, 0, 0, 0]);
    const transcript = cliJson(['transcript', '--session', 's', '-C', root]);
    assert.deepEqual(transcript.map((m: { role: string; text: string }) => `${m.role}: ${m.text}`), ['user: go', 'assistant: Done.']);
    const again = cli(['turn', 'end', '--session', 's', '--reply', 'Done.', '-C', root]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^This reply was already recorded for the turn; not recorded again\.$/m);
  });

  it('migrates forward from every earlier schema version, keeping the data', async () => {
    const SQL = await initSqlJs();
    for (let from = 0; from < SCHEMA_VERSION; from++) {
      const dir = tempDir();
      const db = new SQL.Database();
      migrate(db, from);
      if (from >= 1) {
        db.run("INSERT INTO sessions (id, agent, workspace, created_at, updated_at) VALUES ('old', 'codex', '/w', 1, 2)");
        db.run("INSERT INTO messages (id, session_id, role, text, created_at) VALUES ('m1', 'old', 'user', 'kept', 1)");
      }
      fs.writeFileSync(path.join(dir, 'transcript.sqlite'), db.export());
      db.close();
      const store = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
      const version = await store.read((current) => schemaVersion(current));
      assert.equal(version, SCHEMA_VERSION, `from version ${from}`);
      assert.deepEqual(await messageIds(store), from >= 1 ? ['m1'] : []);
      await store.append([{ op: 'session', id: 'new', agent: null, workspace: dir, at: 3 }]);
      await store.fold();
      store.close();
      const reopened = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
      assert.equal(await reopened.read((current) => schemaVersion(current)), SCHEMA_VERSION);
      assert.equal(await reopened.read((current) => Number(current.exec('SELECT count(*) FROM sessions')[0].values[0][0])), from >= 1 ? 2 : 1);
      reopened.close();
    }
    assert.equal(MIGRATIONS.length, SCHEMA_VERSION);
  });

  it('moves a corrupt database aside (kept, not overwritten), says where, and starts fresh with checkpoints still listed', async () => {
    const root = makeRepo();
    const turn = cliJson(['turn', 'begin', '--session', 's1', '--prompt', 'hello', '-C', root]);
    const dbPath = path.join(root, '.git/boocode/transcript.sqlite');
    const garbage = Buffer.from('this is not a database '.repeat(100));
    fs.writeFileSync(dbPath, garbage);
    fs.rmSync(path.join(root, '.git/boocode/transcript.journal'));
    const result = cli(['list', '-C', root, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /was unreadable; it was moved to .*transcript\.sqlite\.corrupt-.* and a new transcript was started/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    const listed = JSON.parse(result.stdout);
    assert.deepEqual(listed.map((c: { id: string }) => c.id), [turn.checkpoint.id], 'checkpoints (git refs) stay listed');
    const aside = fs.readdirSync(path.dirname(dbPath)).filter((name) => name.includes('.corrupt-'));
    assert.equal(aside.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(path.dirname(dbPath), aside[0])), garbage);
    cliJson(['turn', 'begin', '--session', 's1', '--prompt', 'after', '-C', root]);
    assert.equal(cliJson(['transcript', '--session', 's1', '-C', root]).length, 1);
  });

  it('ignores and cuts off a torn last journal line', async () => {
    const dir = tempDir();
    const store = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined, foldBytes: 1e9 });
    await store.append([{ op: 'session', id: 's', agent: null, workspace: dir, at: 1 }]);
    await store.append([{ op: 'message', id: 'm1', session: 's', role: 'user', text: 'one', at: 1 }]);
    fs.appendFileSync(store.journalPath, '0123abcd {"op":"message","id":"torn"');
    const other = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined, foldBytes: 1e9 });
    assert.deepEqual(await messageIds(other), ['m1']);
    await other.append([{ op: 'message', id: 'm2', session: 's', role: 'user', text: 'two', at: 2 }]);
    const fresh = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
    assert.deepEqual(await messageIds(fresh), ['m1', 'm2']);
    assert.equal(await fresh.integrity(), 'ok');
    for (const s of [store, other, fresh]) s.close();
  });

  it('keeps writes appended after a fold that died before starting the new journal', async () => {
    const dir = tempDir();
    const open = () => new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined, foldBytes: 1e9 });
    const first = open();
    await first.append([{ op: 'session', id: 's', agent: null, workspace: dir, at: 1 }]);
    await first.append([{ op: 'message', id: 'm1', session: 's', role: 'user', text: 'one', at: 1 }]);
    const oldJournal = fs.readFileSync(first.journalPath);
    await first.fold();
    first.close();
    // The database was replaced, then the process died before the new journal replaced the old one.
    fs.writeFileSync(first.journalPath, oldJournal);
    const second = open();
    await second.append([{ op: 'message', id: 'm2', session: 's', role: 'user', text: 'two', at: 2 }]);
    second.close();
    const third = open();
    assert.deepEqual(await messageIds(third), ['m1', 'm2']);
    third.close();
  });

  it('loses nothing with 8 processes writing 10 turns each at once', async function () {
    this.timeout(180_000);
    const root = makeRepo();
    const cliPath = path.resolve(__dirname, '../../../dist/cli.js');
    const worker = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const script = `for i in $(seq 1 10); do "${process.execPath}" "${cliPath}" turn begin --session w${n} --prompt "p${n}-$i" -C "${root}" >/dev/null || exit 1; done`;
        const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => (code === 0 && !/warning/.test(stderr) ? resolve() : reject(new Error(`worker ${n}: ${code} ${stderr}`))));
      });
    await Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
    const store = await openCheckpoints(root, { onNotice: () => undefined });
    const sessions = await store.sessions();
    assert.equal(sessions.length, 8);
    for (const session of sessions) {
      const texts = (await store.transcript(session.id)).map((m) => m.text);
      assert.deepEqual(texts, Array.from({ length: 10 }, (_, i) => `p${session.id.slice(1)}-${i + 1}`));
    }
    assert.equal((await store.list()).length, 80);
    store.close();
  });

  it('keeps every acknowledged write and a sound file across kill -9 at random moments', async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const script = path.resolve(__dirname, '../support/appender.js');
    const acked: string[] = [];
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [script, dir, `r${round}`, String(4096 + round * 3000)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const closed = new Promise((resolve) => child.on('close', resolve));
      let buffer = '';
      let roundAcks = 0;
      let firstAck: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (firstAck = resolve));
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.startsWith('ack ')) continue;
          acked.push(line.slice(4));
          if (++roundAcks === 1) firstAck();
        }
      });
      // Kill at a random moment once the writer is under way (slow machines take longer to start).
      await Promise.race([started, closed]);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 600));
      child.kill('SIGKILL');
      await closed;
    }
    assert.ok(acked.length >= 6, `every round made progress (${acked.length} acks)`);
    const store = new TranscriptStore(dir, { lockTimeoutMs: 5000, onNotice: () => undefined });
    const present = new Set(await messageIds(store));
    const missing = acked.filter((id) => !present.has(id));
    assert.deepEqual(missing, [], 'every acknowledged message survives');
    assert.equal(await store.integrity(), 'ok');
    await store.fold();
    store.close();
    const SQL = await initSqlJs();
    const file = new SQL.Database(fs.readFileSync(path.join(dir, 'transcript.sqlite')));
    assert.equal(String(file.exec('PRAGMA integrity_check')[0].values[0][0]), 'ok');
    assert.ok(Number(file.exec('SELECT count(*) FROM messages')[0].values[0][0]) >= acked.length);
    file.close();
  });
});
