// The permission bits of every file the seeded index lists, read once when the index is seeded so
// a checkpoint records modes git trees cannot hold (see modes.ts). A few thousand files are read
// inline. Reading 50,000 costs ~100-300 ms, more than the checkpoint itself, so a large repository
// hands it to a detached process and the checkpoints taken before it reports are marked as having
// partial modes (a restore of one never changes the modes of files it did not read: nothing is
// widened or narrowed on a guess). The next capture after the report merges it.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { diskPath, RawPath } from '../rawPath';
import { stampKey, stampOf } from '../fileState';
import { writePrivateFile } from '../privateFiles';
import { ModeManifest, noteMode } from './modes';

/** Above this many files the sweep runs in the background. */
export const INLINE_SWEEP_LIMIT = 5000;

export interface SweptModes {
  modes: ModeManifest;
  /** Entries changed in the last seconds (git compares ctimes to the second): checked again next time. */
  racy: [RawPath, string][];
}

/** What the background sweep reports: unusual modes of files unchanged since seeding, and files changed since. */
interface SweepReport {
  unusual: [string, string, number][];
  recheck: string[];
  ignored: string[];
}

const inputFile = (stateDir: string) => path.join(stateDir, 'modes.sweep-input');
const reportFile = (stateDir: string) => path.join(stateDir, 'modes.sweep-report');

// Self-contained (run with `node -e`): Node's own modules only. argv: topLevel, input, report,
// seededAt, git dir, index, objects, umask. The paths come from our index, listed by git with no inherited GIT_*.
const SWEEP_SCRIPT = `
const fs = require('fs');
const { execFileSync } = require('child_process');
const [topLevel, input, report, seededAtText, gitDir, indexFile, objectsDir, umaskText] = process.argv.slice(1);
const seededAt = Number(seededAtText);
const umask = Number(umaskText);
const defaults = { f: 0o666 & ~umask, x: 0o777 & ~umask, d: 0o777 & ~umask };
// Only what the capture needs: unusual modes of files unchanged since seeding, and the files changed since.
const unusual = [];
const recheck = [];
const note = (name, kind, stat) => {
  if (stat.ctimeMs >= seededAt - 2000) {
    if (kind !== 'd') recheck.push(name);
  } else if ((stat.mode & 0o7777) !== defaults[kind]) unusual.push([name, kind, stat.mode & 0o7777]);
};
const env = {};
for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
env.GIT_INDEX_FILE = indexFile;
env.GIT_OBJECT_DIRECTORY = objectsDir;
const listed = execFileSync('git', ['-c', 'core.quotePath=false', '-c', 'core.fsmonitor=false', '-c', 'core.splitIndex=false', '--git-dir=' + gitDir, '--work-tree=' + topLevel, 'ls-files', '-z'], { env, maxBuffer: 1 << 30 });
const names = listed.toString('latin1').split('\\0').filter(Boolean);
// Entries that match ignore rules: the user tracks them all at seeding; they leave once untracked.
const ignoredListed = execFileSync('git', ['-c', 'core.quotePath=false', '-c', 'core.fsmonitor=false', '-c', 'core.splitIndex=false', '-c', 'core.ignorecase=false', '--git-dir=' + gitDir, '--work-tree=' + topLevel, 'ls-files', '-z', '-c', '-i', '--exclude-standard'], { env, maxBuffer: 1 << 30 });
const ignored = ignoredListed.toString('latin1').split('\\0').filter(Boolean);
const prefix = Buffer.from(topLevel + '/', 'utf8');
const ascii = /^[\\x00-\\x7f]*$/;
const full = (name) => (ascii.test(name) ? topLevel + '/' + name : Buffer.concat([prefix, Buffer.from(name, 'latin1')]));
const folders = new Set();
for (const name of names) {
  const stat = fs.lstatSync(full(name), { throwIfNoEntry: false });
  if (stat && stat.isFile()) note(name, stat.mode & 0o100 ? 'x' : 'f', stat);
  for (let slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
    const folder = name.slice(0, slash);
    if (folders.has(folder)) break;
    folders.add(folder);
  }
}
for (const folder of folders) {
  const stat = fs.lstatSync(full(folder), { throwIfNoEntry: false });
  if (stat && stat.isDirectory()) note(folder, 'd', stat);
}
const temporary = report + '.tmp-' + process.pid;
fs.writeFileSync(temporary, JSON.stringify({ unusual, recheck, ignored }), { mode: 0o600 });
fs.renameSync(temporary, report);
fs.rmSync(input, { force: true });
`;

/** Reads the modes of `names` now (a small repository). */
export function sweepInline(topLevel: string, names: readonly RawPath[], umask: number): SweptModes {
  const racySince = (Math.floor(Date.now() / 1000) - 2) * 1000;
  const modes: ModeManifest = new Map();
  const racy: [RawPath, string][] = [];
  const folders = new Set<string>();
  for (const name of names) {
    const stat = fs.lstatSync(diskPath(topLevel, name), { throwIfNoEntry: false });
    if (stat) {
      if (stat.ctimeMs >= racySince) racy.push([name, stampKey(stampOf(diskPath(topLevel, name)))]);
      if (stat.isFile()) noteMode(modes, name, stat.mode & 0o100 ? 'exec' : 'file', stat.mode, umask);
    }
    for (let slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
      const folder = name.slice(0, slash);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  for (const folder of folders) {
    const stat = fs.lstatSync(diskPath(topLevel, folder as RawPath), { throwIfNoEntry: false });
    if (stat?.isDirectory()) noteMode(modes, folder as RawPath, 'dir', stat.mode, umask);
  }
  return { modes, racy };
}

/** Starts the sweep in a detached process that outlives this one; its report is merged later. */
export function sweepInBackground(stateDir: string, topLevel: string, seededAt: number, umask: number, git: { dir: string; index: string; objects: string }): void {
  try {
    if (!fs.existsSync(inputFile(stateDir))) return;
    const args = ['-e', SWEEP_SCRIPT, topLevel, inputFile(stateDir), reportFile(stateDir), String(seededAt), git.dir, git.index, git.objects, String(umask)];
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: 'ignore',
      // VS Code's own runtime runs as plain Node with this; Node ignores it.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No sweep: checkpoints keep partial modes until the next seeding.
  }
}

/** True while a background sweep has not reported yet (its input is still there). */
export const sweepPending = (stateDir: string): boolean => fs.existsSync(inputFile(stateDir));

/**
 * The background sweep's report, if it has come: modes of files unchanged since seeding (a file
 * changed since is read by the capture that sees it). Consumed: the report file is removed.
 */
export function takeSweepReport(stateDir: string, umask: number): { modes: ModeManifest; recheck: RawPath[]; ignored: RawPath[] } | null {
  let report: SweepReport;
  try {
    report = JSON.parse(fs.readFileSync(reportFile(stateDir), 'utf8')) as SweepReport;
  } catch {
    return null;
  }
  fs.rmSync(reportFile(stateDir), { force: true });
  const modes: ModeManifest = new Map();
  for (const [name, kind, mode] of report.unusual) noteMode(modes, name as RawPath, kind === 'd' ? 'dir' : kind === 'x' ? 'exec' : 'file', mode, umask);
  return { modes, recheck: report.recheck as RawPath[], ignored: (report.ignored ?? []) as RawPath[] };
}

/** Notes that a sweep is due (at seeding); `sweepInBackground` starts it once the capture is done. */
export function prepareSweep(stateDir: string): void {
  fs.rmSync(reportFile(stateDir), { force: true });
  writePrivateFile(inputFile(stateDir), '');
}
