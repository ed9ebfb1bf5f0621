// `npm run package`: the VSIX people install from the Marketplace declares no proposed API and passes
// vsce's own publish validation; the Timeline VSIX keeps the proposal and is refused by it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { cleanupTemps, tempDir } from './helpers';

const repoRoot = path.resolve(__dirname, '../../..');

function pack(extra: string[]): { out: string; stdout: string } {
  const out = path.join(tempDir('boocode-vsix-'), 'boocode.vsix');
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.js'), '--skip-build', '--out', out, ...extra], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  return { out, stdout: result.stdout };
}

async function manifestOf(vsix: string): Promise<{ enabledApiProposals?: string[] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readVSIXPackage } = require('@vscode/vsce/out/zip.js');
  return (await readVSIXPackage(vsix)).manifest;
}

async function filesOf(vsix: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readZip } = require('@vscode/vsce/out/zip.js');
  return [...(await readZip(vsix, () => true)).keys()].sort();
}

describe('npm run package', function () {
  this.timeout(120_000);
  after(cleanupTemps);

  it('builds a Marketplace-clean VSIX: no proposed API, accepted by vsce publish validation, with what the CLI needs', async () => {
    const { out, stdout } = pack([]);
    assert.match(stdout, /passes vsce publish validation/);
    assert.equal((await manifestOf(out)).enabledApiProposals, undefined);
    const files = await filesOf(out);
    for (const file of ['extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/boocode.js', 'extension/dist/hook.js', 'extension/dist/sql-wasm.wasm', 'extension/dist/turn-end.sh', 'extension/package.json']) {
      assert.ok(files.includes(file), `${file} is shipped: ${files.join(', ')}`);
    }
    assert.ok(!files.some((file) => file.endsWith('.map') || file.includes('codecache') || file.includes('/src/')), files.join(', '));
  });

  it('builds the Timeline VSIX with the proposal, which the same validation refuses', async () => {
    const { out, stdout } = pack(['--timeline']);
    assert.deepEqual((await manifestOf(out)).enabledApiProposals, ['timeline']);
    assert.match(stdout, /for installing by hand \(the Marketplace refuses proposed APIs\)/);
  });
});
