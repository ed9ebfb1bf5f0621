#!/usr/bin/env node
// Builds the VSIX (`npm run package`). The Marketplace and Open VSX refuse extensions that declare
// proposed APIs, and the Timeline API is still a proposal in VS Code (src/vscode-dts/
// vscode.proposed.timeline.d.ts at 1.139/1.140). So:
//   node scripts/package.js              boocode-checkpoints.vsix: no `enabledApiProposals`, checked with
//                                        vsce's own publish validation; the Timeline stays off (the
//                                        extension says so), everything else works.
//   node scripts/package.js --timeline   boocode-checkpoints-timeline.vsix: declares the Timeline proposal,
//                                        for installing by hand and starting VS Code with
//                                        --enable-proposed-api boocode.boocode-checkpoints.
// The repository's own package.json keeps the proposal (development and tests run with it); the
// VSIX is made from a staged copy, so an interrupted run never leaves package.json changed.
// Options: --out FILE, --skip-build.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const stage = path.join(repoRoot, '.cache', 'package', `stage-${process.pid}`);

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The files the VSIX ships: the `!path` lines of the allow-list .vscodeignore. */
function shippedPatterns() {
  return fs
    .readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).trim());
}

function copyShipped() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const pattern of shippedPatterns()) {
    const relative = pattern.replace(/\/\*\*$/, '');
    const from = path.join(repoRoot, relative);
    if (!fs.existsSync(from)) throw new Error(`${relative} (listed in .vscodeignore) does not exist: run the build first`);
    fs.cpSync(from, path.join(stage, relative), { recursive: true });
  }
  fs.copyFileSync(path.join(repoRoot, '.vscodeignore'), path.join(stage, '.vscodeignore'));
}

/**
 * vsce's own check that a manifest may be published (`validateManifestForPublishing`, which
 * `vsce publish` runs before it talks to the Marketplace). vsce does not export it, so its module is
 * loaded with one line added that hands the function out; nothing else of vsce changes.
 */
function vscePublishValidation() {
  const Module = require('module');
  const file = require.resolve('@vscode/vsce/out/publish.js');
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod._compile(`${fs.readFileSync(file, 'utf8')}\nmodule.exports.__validateManifestForPublishing = validateManifestForPublishing;\n`, file);
  return mod.exports.__validateManifestForPublishing;
}

async function main() {
  const timeline = process.argv.includes('--timeline');
  const out = path.resolve(option('--out') ?? path.join(repoRoot, timeline ? 'boocode-checkpoints-timeline.vsix' : 'boocode-checkpoints.vsix'));
  if (!process.argv.includes('--skip-build')) {
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'esbuild.js'), '--production'], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the production build failed');
  }
  copyShipped();
  const manifestFile = path.join(stage, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  if (!timeline) delete manifest.enabledApiProposals;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');

  const vsce = require.resolve('@vscode/vsce/vsce');
  const packed = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: stage, stdio: 'inherit' });
  if (packed.status !== 0) throw new Error('vsce package failed');

  const { readVSIXPackage } = require('@vscode/vsce/out/zip.js');
  const shipped = (await readVSIXPackage(out)).manifest;
  let verdict = 'passes vsce publish validation';
  try {
    vscePublishValidation()(shipped, {});
  } catch (error) {
    if (!timeline) throw new Error(`the VSIX would be refused by the Marketplace: ${error.message}`);
    verdict = 'for installing by hand (the Marketplace refuses proposed APIs)';
  }
  console.log(`${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1024).toFixed(0)} KB, ${verdict}`);
}

process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));

main().catch((error) => {
  console.error(`package: ${error.message}`);
  process.exit(1);
});
