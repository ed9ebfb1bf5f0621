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

/**
 * `import * as fs from 'fs'` bundles as `__toESM(require('fs'))`, which copies every export of the
 * module into a new object at each importing file: some 60 copies of fs, path and os, about 4 ms of
 * every hook process's start. Node's built-in modules are plain CommonJS objects whose properties
 * are the named exports, so a namespace import of one is compiled as the `require` it stands for.
 */
const { builtinModules } = require('module');
const builtinNamespaceImport = /^import \* as (\w+) from '((?:node:)?[\w/]+)';$/gm;
const plainBuiltinRequires = {
  name: 'plain-builtin-requires',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const contents = source.replace(builtinNamespaceImport, (line, name, id) =>
        builtinModules.includes(id.replace(/^node:/, '')) ? `import ${name} = require('${id}');` : line,
      );
      return { contents, loader: 'ts' };
    });
  },
};

async function main() {
  const common = {
    plugins: [plainBuiltinRequires],
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
  // The turn's-end hand-over an agent runs with /bin/sh (see src/hooks/turn-end.sh).
  fs.copyFileSync(path.join('src', 'hooks', 'turn-end.sh'), path.join('dist', 'turn-end.sh'));
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
