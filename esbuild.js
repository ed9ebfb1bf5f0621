// Bundles the extension and the CLI, and transpiles the tests file by file.
// Type checking is separate (`npm run typecheck`), as esbuild only strips types.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTs(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function copySqlWasm() {
  const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
  fs.mkdirSync('dist', { recursive: true });
  fs.copyFileSync(wasm, path.join('dist', 'sql-wasm.wasm'));
}

async function main() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Prefer ES module builds: UMD builds (e.g. jsonc-parser's) hide their requires from the bundler.
    mainFields: ['module', 'main'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    // The wasm is copied next to the bundle; this path is only a fallback for unbundled runs.
    external: ['sql.js/dist/sql-wasm.wasm'],
  };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...common.external] }),
    // The `boocode` program: a small entry (what a hook ending a turn runs) and the rest, loaded on demand.
    esbuild.build({
      ...common,
      entryPoints: ['src/cli/entry.ts'],
      outfile: 'dist/cli.js',
      banner: { js: '#!/usr/bin/env node' },
    }),
    esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/boocode.js' }),
    esbuild.build({ ...common, entryPoints: ['src/hooks/main.ts'], outfile: 'dist/hook.js' }),
    // Tests keep their file layout so mocha (and the extension host) can load them one by one.
    esbuild.build({
      entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('bench')],
      outdir: 'out',
      outbase: '.',
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'warning',
    }),
  ]);
  copySqlWasm();
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
