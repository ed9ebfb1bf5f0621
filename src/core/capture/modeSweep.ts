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

// Self-contained (run with `node -e`): Node's own modules only. argv[1] is a JSON job: git's
// command line and environment as capture runs it (never an inherited GIT_*), the files to use, and
// optionally an index update the first capture handed over (done under our lock: the index and
// its state are ours to write only while holding it).
const SWEEP_SCRIPT = `
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');
const job = JSON.parse(process.argv[1]);
const git = (args, input) => execFileSync('git', [...job.git.args, ...args], { env: job.git.env, input, maxBuffer: 1 << 30 });
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
if (job.catchUp && fs.existsSync(job.catchUp)) {
  let locked = false;
  for (const deadline = Date.now() + 30000; !locked && Date.now() < deadline; ) {
    try {
      const fd = fs.openSync(job.lockFile, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
      fs.closeSync(fd);
      locked = true;
    } catch (error) {
      if (error.code !== 'EEXIST') break;
      sleep(20);
    }
  }
  if (locked) {
    try {
      const stateText = fs.readFileSync(job.stateFile, 'utf8');
      const state = JSON.parse(stateText);
      // Only if nothing changed the index since the capture that handed this over.
      if (state.catchUp === job.catchUpId) {
        git(['update-index', '--add', '--remove', '--replace', '-z', '--stdin'], fs.readFileSync(job.catchUp));
        // The index now holds the files as they are on disk (maybe newer than what the capture read): its own tree is the next base.
        const tree = git(['write-tree']).toString('latin1').trim();
        const stat = fs.statSync(job.indexFile);
        Object.assign(state, { tree: /^[0-9a-f]{40,64}$/.test(tree) ? tree : null, catchUp: null, indexStamp: stat.ino + ':' + stat.size + ':' + stat.mtimeMs + ':' + stat.ctimeMs });
        const temporary = job.stateFile + '.tmp-' + process.pid;
        fs.writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
        fs.renameSync(temporary, job.stateFile);
      }
    } catch {
      // the next capture brings the index up to date itself
    } finally {
      fs.rmSync(job.catchUp, { force: true });
      fs.rmSync(job.lockFile, { force: true });
    }
  }
}
if (fs.existsSync(job.input)) {
  const { topLevel, seededAt, umask } = job;
  const defaults = { f: 0o666 & ~umask, x: 0o777 & ~umask, d: 0o777 & ~umask };
  // Only what the capture needs: unusual modes of files unchanged since seeding, and the files changed since.
  const unusual = [];
  const recheck = [];
  const note = (name, kind, stat) => {
    if (stat.ctimeMs >= seededAt - 2000) {
      if (kind !== 'd') recheck.push(name);
    } else if ((stat.mode & 0o7777) !== defaults[kind]) unusual.push([name, kind, stat.mode & 0o7777]);
  };
  const names = git(['ls-files', '-z']).toString('latin1').split('\\0').filter(Boolean);
  // Entries that match ignore rules: the user tracks them all at seeding; they leave once untracked.
  const ignored = git(['ls-files', '-z', '-c', '-i', '--exclude-standard']).toString('latin1').split('\\0').filter(Boolean);
  const prefix = Buffer.from(topLevel + '/', 'utf8');
  const ascii = /^[\\x00-\\x7f]*$/;
  const full = (name) => (ascii.test(name) ? topLevel + '/' + name : Buffer.concat([prefix, Buffer.from(name, 'latin1')]));
  // A path under what is now a file (ENOTDIR) or an unreadable folder is simply not there.
  const lstatOrNone = (file) => {
    try {
      return fs.lstatSync(file);
    } catch {
      return undefined;
    }
  };
  const folders = new Set();
  for (const name of names) {
    const stat = lstatOrNone(full(name));
    if (stat && stat.isFile()) note(name, stat.mode & 0o100 ? 'x' : 'f', stat);
    for (let slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
      const folder = name.slice(0, slash);
      if (folders.has(folder)) break;
      folders.add(folder);
    }
  }
  for (const folder of folders) {
    const stat = lstatOrNone(full(folder));
    if (stat && stat.isDirectory()) note(folder, 'd', stat);
  }
  const temporary = job.report + '.tmp-' + process.pid;
  fs.writeFileSync(temporary, JSON.stringify({ unusual, recheck, ignored }), { mode: 0o600 });
  fs.renameSync(temporary, job.report);
  fs.rmSync(job.input, { force: true });
}
`;

/** A path's lstat, or none when it is not there: missing, under what is now a file (ENOTDIR), or unreadable. */
function lstatOrNone(file: string | Buffer): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Reads the modes of `names` now (a small repository). */
export function sweepInline(topLevel: string, names: readonly RawPath[], umask: number): SweptModes {
  const racySince = (Math.floor(Date.now() / 1000) - 2) * 1000;
  const modes: ModeManifest = new Map();
  const racy: [RawPath, string][] = [];
  const folders = new Set<string>();
  for (const name of names) {
    const stat = lstatOrNone(diskPath(topLevel, name));
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
    const stat = lstatOrNone(diskPath(topLevel, folder as RawPath));
    if (stat?.isDirectory()) noteMode(modes, folder as RawPath, 'dir', stat.mode, umask);
  }
  return { modes, racy };
}

/** What the background process is given: git as capture runs it, and our files. */
export interface BackgroundJob {
  topLevel: string;
  stateDir: string;
  seededAt: number;
  umask: number;
  git: { args: string[]; env: Record<string, string> };
  indexFile: string;
  stateFile: string;
  lockFile: string;
  /** An index update handed over by the first capture (its id is in the index state). */
  catchUpId: string | null;
}

export const catchUpFile = (stateDir: string) => path.join(stateDir, 'index.catch-up');

/** Starts the sweep (and any handed-over index update) in a detached process that outlives this one. */
export function startBackground(job: BackgroundJob): void {
  try {
    const spec = {
      ...job,
      input: inputFile(job.stateDir),
      report: reportFile(job.stateDir),
      catchUp: job.catchUpId ? catchUpFile(job.stateDir) : null,
    };
    const child = spawn(process.execPath, ['-e', SWEEP_SCRIPT, JSON.stringify(spec)], {
      detached: true,
      stdio: 'ignore',
      // VS Code's own runtime runs as plain Node with this; Node ignores it.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No background work: checkpoints keep partial modes until the next seeding, and the next capture updates the index.
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

/** Notes that a sweep is due (at seeding); `startBackground` starts it once the capture is done. */
export function prepareSweep(stateDir: string): void {
  fs.rmSync(reportFile(stateDir), { force: true });
  writePrivateFile(inputFile(stateDir), '');
}
