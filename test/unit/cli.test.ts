import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cleanupTemps, cli, cliJson, git, makeRepo, read, repoState, stateHome, tempDir, write } from './helpers';

describe('boocode CLI', () => {
  afterEach(cleanupTemps);

  it('takes, lists, diffs, shows and restores checkpoints with the documented JSON', () => {
    const root = makeRepo();
    const taken = cliJson(['checkpoint', '-C', root, '--label', 'before refactor']);
    assert.match(taken.id, /^[0-9a-z]{9}-[0-9a-z]{6}$/);
    assert.equal(taken.ref, `refs/boocode/checkpoints/${taken.id}`);
    assert.equal(typeof taken.createdAt, 'number');
    assert.ok(Math.abs(taken.createdAt - Date.now()) < 60_000);
    assert.equal(git(root, 'rev-parse', taken.ref), taken.commit);

    write(root, 'src/app.js', 'changed\n');
    write(root, 'agent.txt', 'made by agent\n');
    const second = cliJson(['checkpoint', '-C', root]);
    const list = cliJson(['list', '-C', root]);
    assert.deepEqual(list.map((c: { id: string }) => c.id), [second.id, taken.id], 'newest first');
    const diff = cliJson(['diff', taken.id, '-C', root]);
    assert.deepEqual(diff.map((c: { path: string; status: string }) => `${c.status} ${c.path}`).sort(), ['added agent.txt', 'modified src/app.js']);
    assert.deepEqual(cliJson(['diff', taken.id, '--to', second.id, '-C', root]).length, 2);
    const shown = cli(['show', taken.id, 'src/app.js', '-C', root]);
    assert.equal(shown.stdout, 'console.log(1);\n');

    const restored = cliJson(['restore', taken.id, '-C', root, '--yes']);
    assert.equal(restored.restored, taken.id);
    assert.match(restored.safetyCheckpoint, /^[0-9a-z]{9}-[0-9a-z]{6}$/);
    assert.equal(restored.filesChanged, 2);
    assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
    assert.equal(fs.existsSync(path.join(root, 'agent.txt')), false);

    const info = cliJson(['info', '-C', root]);
    assert.equal(info.store, path.join(root, '.git/boocode/transcript.sqlite'));
    assert.equal(info.checkpoints, 3);
  });

  it('refuses to restore without --yes when there is no terminal, and changes nothing', () => {
    const root = makeRepo();
    const taken = cliJson(['checkpoint', '-C', root]);
    write(root, 'src/app.js', 'changed\n');
    const result = cli(['restore', taken.id, '-C', root]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /add --yes/);
    assert.equal(read(root, 'src/app.js'), 'changed\n');
    assert.equal(cliJson(['list', '-C', root]).length, 1, 'no safety checkpoint either');
  });

  it('on a terminal, shows what will change and what will be deleted, and asks', function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip();
    const root = makeRepo();
    const taken = cliJson(['checkpoint', '-C', root]);
    write(root, 'src/app.js', 'changed\n');
    write(root, 'agent-made.txt', 'new\n');
    // `script` gives the CLI a real terminal; the answer comes on its stdin.
    const ask = (answer: string) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${path.resolve(__dirname, '../../../dist/cli.js')}" restore ${taken.id} -C "${root}"`, '/dev/null'], {
        input: `${answer}\n`,
        encoding: 'utf8',
      });
    const declined = ask('n');
    assert.match(declined.stdout, /Changed back \(1\):\s+src\/app\.js/);
    assert.match(declined.stdout, /DELETED \(created since\) \(1\):\s+agent-made\.txt/);
    assert.match(declined.stdout, /Restore\? \[y\/N\]/);
    assert.match(declined.stdout, /Nothing was changed/);
    assert.equal(read(root, 'src/app.js'), 'changed\n');
    const accepted = ask('y');
    assert.match(accepted.stdout, /Restored checkpoint/);
    assert.equal(read(root, 'src/app.js'), 'console.log(1);\n');
    assert.equal(fs.existsSync(path.join(root, 'agent-made.txt')), false);
  });

  it('refuses bad input with one clear line and changes nothing', () => {
    const root = makeRepo();
    const taken = cliJson(['checkpoint', '-C', root]);
    write(root, 'src/app.js', 'changed\n');
    const before = repoState(root);
    const refs = git(root, 'for-each-ref');
    const cases: [string[], number, RegExp][] = [
      [['restore', '0mwqtxxzl-aaaaaa', '-C', root, '--yes'], 1, /No checkpoint 0mwqtxxzl-aaaaaa/],
      [['restore', '../../x', '-C', root, '--yes'], 1, /is not a checkpoint id/],
      [['restore', 'refs/heads/main', '-C', root, '--yes'], 1, /is not a checkpoint id/],
      [['restore', `refs/boocode/checkpoints/${taken.id}`, '-C', root, '--yes'], 1, /is not a checkpoint id/],
      [['restore', '--yes', '-C', root], 2, /Give exactly one checkpoint id/],
      [['restore', '--force', taken.id, '-C', root], 2, /Unknown option --force/],
      [['show', taken.id, '../../etc/passwd', '-C', root], 1, /not a path inside the workspace/],
      [['diff', 'HEAD', '-C', root], 1, /is not a checkpoint id/],
      [['delete', '-C', root, '--', '--yes'], 1, /is not a checkpoint id/],
      [['list', '-C', path.join(root, 'missing')], 1, /does not exist/],
      [['list', '-C', path.join(root, 'README.md')], 1, /is not a folder/],
      [['prune', '-C', root], 2, /--keep N/],
      [['prune', '--keep', 'many', '-C', root], 2, /needs a number/],
      [['turn', 'begin', '--session', '../evil', '--prompt', 'x', '-C', root], 1, /not a valid session id/],
      [['nonsense'], 2, /unknown command/],
    ];
    for (const [args, code, message] of cases) {
      const result = cli(args);
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}`);
    }
    assert.deepEqual(repoState(root), before);
    assert.equal(git(root, 'for-each-ref'), refs);
    assert.equal(read(root, 'src/app.js'), 'changed\n');
  });

  it('refuses a folder it cannot read', function () {
    const folder = tempDir();
    const secret = path.join(folder, 'secret');
    fs.mkdirSync(secret, { mode: 0o700 });
    fs.chmodSync(folder, 0o755);
    let result;
    if (process.getuid && process.getuid() === 0) {
      // root reads everything: check as an unprivileged user instead.
      const probe = spawnSync('runuser', ['-u', 'nobody', '--', 'true']);
      if (probe.status !== 0) this.skip();
      const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, path.resolve(__dirname, '../../../dist/cli.js'), 'list', '-C', secret], {
        encoding: 'utf8',
        cwd: '/',
        env: { PATH: process.env.PATH, HOME: '/tmp' },
      });
      result = { code: run.status, stderr: run.stderr };
    } else {
      fs.chmodSync(secret, 0o000);
      result = cli(['list', '-C', secret]);
      fs.chmodSync(secret, 0o700);
    }
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not readable|does not exist/);
  });

  it('uses a shadow repository under XDG_STATE_HOME for a plain folder', () => {
    const folder = tempDir();
    const home = stateHome();
    write(folder, 'a.txt', 'a\n');
    const env = { XDG_STATE_HOME: home };
    const taken = cliJson(['checkpoint', '-C', folder], { env });
    const info = cliJson(['info', '-C', folder], { env });
    assert.equal(info.kind, 'shadow');
    assert.ok(info.gitDir.startsWith(path.join(home, 'boocode')));
    assert.equal(fs.existsSync(path.join(folder, '.git')), false);
    assert.equal(cliJson(['list', '-C', folder], { env })[0].id, taken.id);
  });

  it('prints help and exits 0 for --help, 2 without a command', () => {
    const help = cli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['checkpoint', 'list', 'diff', 'show', 'restore', 'undo', 'delete', 'prune', 'info', 'turn begin', 'transcript', 'sessions', 'hook', 'hooks']) {
      assert.match(help.stdout, new RegExp(`boocode ${command}`));
    }
    assert.equal(cli([]).code, 2);
  });
});
