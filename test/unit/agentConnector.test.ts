import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { hooksStatus } from '../../src/hooks/install';
import { createAgentConnector, stableCli } from '../../src/vscode/agentConnector';
import { cleanupTemps, makeRepo, tempDir, write } from './helpers';

/** A fake installed extension folder with a bundled CLI. */
function extensionFolder(version: string): string {
  const dir = path.join(tempDir(), `boocode.boocode-checkpoints-${version}`);
  write(dir, 'dist/cli.js', `// cli ${version}\n`);
  write(dir, 'dist/sql-wasm.wasm', `wasm ${version}`);
  return dir;
}

describe('agent hooks from the extension', () => {
  afterEach(cleanupTemps);

  it('copies the bundled CLI to a stable place, and refreshes it when the extension is updated', () => {
    const storage = tempDir();
    const v1 = extensionFolder('0.1.0');
    const cli = stableCli(v1, storage)!;
    assert.equal(cli, path.join(storage, 'cli', 'cli.js'));
    assert.equal(fs.readFileSync(cli, 'utf8'), '// cli 0.1.0\n');
    const copied = fs.statSync(cli).mtimeMs;
    assert.equal(stableCli(v1, storage), cli);
    assert.equal(fs.statSync(cli).mtimeMs, copied, 'an unchanged CLI is not rewritten');
    const v2 = extensionFolder('0.2.0');
    assert.equal(stableCli(v2, storage), cli, 'the same path across versions');
    assert.equal(fs.readFileSync(cli, 'utf8'), '// cli 0.2.0\n');
    assert.equal(fs.readFileSync(path.join(storage, 'cli', 'sql-wasm.wasm'), 'utf8'), 'wasm 0.2.0');
  });

  it('connects an agent at the stable CLI and re-points hooks whose program is gone', async () => {
    const workspace = makeRepo();
    const storage = tempDir();
    const settings = path.join(workspace, '.claude/settings.local.json');
    const gone = '/gone/boocode.boocode-checkpoints-0.0.1/dist/cli.js';
    const original = {
      permissions: { allow: ['Bash(ls:*)'] },
      hooks: {
        UserPromptSubmit: [{ hooks: [{ type: 'command', command: `/usr/bin/node ${gone} hook claude-code` }] }],
        Stop: [{ hooks: [{ type: 'command', command: `/usr/bin/node ${gone} hook claude-code` }] }],
      },
    };
    write(workspace, '.claude/settings.local.json', JSON.stringify(original, null, 2) + '\n');
    assert.ok(hooksStatus({ workspace }).find((entry) => entry.agent === 'claude-code')!.configs.every((config) => config.stale));

    const lines: string[] = [];
    const connector = createAgentConnector(extensionFolder('0.2.0'), storage, (line) => lines.push(line));
    assert.deepEqual(connector.repointStale(workspace), [`claude-code (${settings})`]);
    const text = fs.readFileSync(settings, 'utf8');
    assert.ok(!text.includes(gone), 'the old path is gone');
    assert.ok(text.includes(path.join(storage, 'cli', 'cli.js')), 'hooks point at the stable CLI');
    assert.deepEqual(JSON.parse(text).permissions, original.permissions, 'other settings are kept');
    const status = hooksStatus({ workspace }).find((entry) => entry.agent === 'claude-code')!;
    assert.ok(status.connected && status.configs.every((config) => !config.stale));
    assert.deepEqual(connector.repointStale(workspace), [], 'nothing more to do');
    assert.match(lines.join('\n'), /Re-pointed hooks/);
  });
});
