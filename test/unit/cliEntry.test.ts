// dist/cli.js is a small entry: a hook that ends a turn returns without loading the engine
// (dist/hook.js, dist/boocode.js), which is loaded through a V8 code cache kept next to it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, cleanupTemps, makeRepo, tempDir } from './helpers';

const LOADER = path.resolve(__dirname, '../../src/cli/loadBundle.js');

describe('boocode entry (dist/cli.js)', function () {
  this.timeout(60_000);
  afterEach(cleanupTemps);

  it("answers a turn's end without the engine file: the hand-over needs only cli.js", () => {
    const root = makeRepo();
    const alone = tempDir('boocode-entry-');
    fs.copyFileSync(CLI, path.join(alone, 'cli.js'));
    const stop = JSON.stringify({ session_id: 'entry-1', turn_id: 't1', cwd: root, hook_event_name: 'Stop', model: 'm', last_assistant_message: 'done' });
    const handedOver = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'hook', 'codex'], { input: stop, encoding: 'utf8', env: { ...process.env, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '' } });
    assert.equal(handedOver.status, 0, handedOver.stderr);
    assert.equal(handedOver.stdout, '{}\n', "Codex's Stop hook gets its JSON answer");
    assert.equal(handedOver.stderr, '');
    // A turn's begin needs the engine: the same lone entry cannot run it, which shows the hand-over above never loaded it.
    const begin = JSON.stringify({ session_id: 'entry-1', turn_id: 't2', cwd: root, hook_event_name: 'UserPromptSubmit', model: 'm', prompt: 'go' });
    const failed = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'hook', 'codex'], { input: begin, encoding: 'utf8' });
    assert.equal(failed.status, 0, 'a hook never fails the turn');
    assert.match(failed.stderr, /^boocode: .*hook\.js is missing; reinstall BooCode/);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
  });

  it("leaves the hook bundle's code cache to a turn's begin, not the follow-up, and logs each hook process when asked", () => {
    const root = makeRepo();
    const dist = tempDir('boocode-dist-');
    for (const file of ['cli.js', 'hook.js', 'sql-wasm.wasm']) fs.copyFileSync(path.join(path.dirname(CLI), file), path.join(dist, file));
    const timings = path.join(tempDir('boocode-timings-'), 'hooks.jsonl');
    const env = { ...process.env, BOOCODE_HOOK_WAIT_FOR_FOLLOW_UP: '1', BOOCODE_HOOK_TIMINGS: timings };
    const hook = (payload: object) => spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'hook', 'codex', '-C', root], { input: JSON.stringify(payload), encoding: 'utf8', env });
    const hookCache = () => fs.readdirSync(dist).filter((name) => name.startsWith('.hook.js.') && name.endsWith('.codecache'));
    const stop = hook({ session_id: 'cache-1', turn_id: 't1', cwd: root, hook_event_name: 'Stop', model: 'm', last_assistant_message: 'done' });
    assert.equal(stop.status, 0, stop.stderr);
    assert.deepEqual(hookCache(), [], 'the follow-up (which loaded hook.js) wrote no cache');
    const begin = hook({ session_id: 'cache-1', turn_id: 't2', cwd: root, hook_event_name: 'UserPromptSubmit', model: 'm', prompt: 'go' });
    assert.equal(begin.status, 0, begin.stderr);
    assert.equal(hookCache().length, 1, "a turn's begin writes it");
    const lines = fs.readFileSync(timings, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; startedAt: number; endedAt: number });
    assert.deepEqual(lines.map((line) => line.kind).sort(), ['end', 'follow-up', 'hook']);
    for (const line of lines) assert.ok(line.startedAt > Date.now() - 60_000 && line.startedAt <= line.endedAt, JSON.stringify(line));
  });

  it('loads a bundle through a code cache it writes next to it, and survives a damaged cache', () => {
    const dir = tempDir('boocode-cache-');
    const bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, '#!/usr/bin/env node\nexports.answer = 40 + 2; exports.file = __filename;\n');
    const load = () => spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(bundle)}); console.log(m.answer, m.file)`], { encoding: 'utf8' });
    const cacheFiles = () => fs.readdirSync(dir).filter((name) => name.endsWith('.codecache'));
    assert.deepEqual(cacheFiles(), []);
    const first = load();
    assert.equal(first.stdout, `42 ${bundle}\n`, first.stderr);
    assert.equal(cacheFiles().length, 1, 'the cache is written at exit');
    const cache = path.join(dir, cacheFiles()[0]);
    const written = fs.readFileSync(cache);
    assert.ok(written.length > 0);
    assert.equal(load().stdout, `42 ${bundle}\n`);
    assert.ok(fs.readFileSync(cache).equals(written), 'an accepted cache is left as it is');
    fs.writeFileSync(cache, 'garbage');
    const damaged = load();
    assert.equal(damaged.stdout, `42 ${bundle}\n`, damaged.stderr);
    assert.notEqual(fs.readFileSync(cache, 'utf8'), 'garbage', 'a rejected cache is rewritten');
    // A new build of the same length (V8 checks only that): the new code runs, and the old cache goes.
    fs.writeFileSync(bundle, '#!/usr/bin/env node\nexports.answer = 40 + 3; exports.file = __filename;\n');
    const rebuilt = load();
    assert.equal(rebuilt.stdout, `43 ${bundle}\n`, rebuilt.stderr);
    assert.equal(cacheFiles().length, 1);
    assert.notEqual(path.join(dir, cacheFiles()[0]), cache);
  });
});
