// A manifest of every byte and mode in a folder (ignored files included, `.git` left out), taken
// before and after an operation so a test can say exactly what changed. Names are read as bytes,
// so names that are not UTF-8 are compared exactly too.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Entry {
  kind: 'file' | 'link' | 'dir' | 'other';
  /** Permission bits. */
  mode: number;
  /** sha256 of a file's bytes, a link's target, '' for folders. */
  content: string;
}

/** Keyed by the relative path's bytes (latin1), '/'-separated. */
export type Manifest = Map<string, Entry>;

export function manifest(root: string, options: { skip?: (relative: string) => boolean } = {}): Manifest {
  const result: Manifest = new Map();
  const walk = (dir: Buffer, prefix: string) => {
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]) {
      const relative = prefix + name.toString('latin1');
      if (relative === '.git' || options.skip?.(relative)) continue;
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      const stat = fs.lstatSync(full);
      const mode = stat.mode & 0o7777;
      if (stat.isDirectory()) {
        result.set(relative, { kind: 'dir', mode, content: '' });
        walk(full, `${relative}/`);
      } else if (stat.isSymbolicLink()) {
        result.set(relative, { kind: 'link', mode: 0, content: (fs.readlinkSync(full, { encoding: 'buffer' }) as Buffer).toString('latin1') });
      } else if (stat.isFile()) {
        result.set(relative, { kind: 'file', mode, content: createHash('sha256').update(fs.readFileSync(full)).digest('hex') });
      } else {
        result.set(relative, { kind: 'other', mode, content: '' });
      }
    }
  };
  walk(Buffer.from(root), '');
  return result;
}

/** What differs between two manifests, one line each (empty when identical). */
export function manifestDiff(before: Manifest, after: Manifest): string[] {
  const lines: string[] = [];
  const show = (file: string) => JSON.stringify(Buffer.from(file, 'latin1').toString('utf8'));
  for (const [file, entry] of before) {
    const now = after.get(file);
    if (!now) lines.push(`missing ${show(file)}`);
    else if (now.kind !== entry.kind || now.content !== entry.content) lines.push(`changed ${show(file)} (${entry.kind} → ${now.kind})`);
    else if (now.mode !== entry.mode) lines.push(`mode ${show(file)} ${entry.mode.toString(8)} → ${now.mode.toString(8)}`);
  }
  for (const file of after.keys()) if (!before.has(file)) lines.push(`extra ${show(file)}`);
  return lines;
}

/** Temp files a restore may leave (it must not). Names are read as bytes. */
export function leftovers(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: Buffer) => {
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]) {
      const text = name.toString('latin1');
      if (text === '.git') continue;
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      if (text.startsWith('.boocode-')) found.push(full.toString('utf8'));
      if (fs.lstatSync(full).isDirectory()) walk(full);
    }
  };
  walk(Buffer.from(root));
  return found;
}

/** Every blob (raw bytes) a checkpoint commit holds, keyed by path bytes (latin1). */
export function checkpointFiles(root: string, commit: string, gitDir?: string): Map<string, Buffer> {
  const base = ['-c', 'safe.directory=*', ...(gitDir ? ['--git-dir', gitDir] : [])];
  const run = (args: string[], input?: Buffer) => spawnSync('git', [...base, ...args], { cwd: root, input, maxBuffer: 1 << 30 }).stdout as Buffer;
  const listed = run(['ls-tree', '-r', '-z', commit]);
  const entries: { path: string; oid: string }[] = [];
  let start = 0;
  for (let i = listed.indexOf(0); i >= 0; i = listed.indexOf(0, start)) {
    const line = listed.subarray(start, i);
    start = i + 1;
    const tab = line.indexOf(9);
    const [, type, oid] = line.subarray(0, tab).toString('latin1').split(' ');
    if (type === 'blob') entries.push({ path: line.subarray(tab + 1).toString('latin1'), oid });
  }
  const files = new Map<string, Buffer>();
  if (entries.length === 0) return files;
  const batch = run(['cat-file', '--batch'], Buffer.from(entries.map((entry) => entry.oid).join('\n') + '\n'));
  let offset = 0;
  for (const entry of entries) {
    const newline = batch.indexOf(10, offset);
    const size = Number(batch.subarray(offset, newline).toString('latin1').split(' ')[2]);
    files.set(entry.path, batch.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return files;
}

/** An unprivileged user to run the CLI as (permissions mean nothing to root). Null when unavailable. */
export function unprivileged(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return { uid: process.getuid!(), gid: process.getgid!(), name: os.userInfo().username };
  if (spawnSync('runuser', ['--version']).status !== 0) return null;
  const id = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  return id.status === 0 ? { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'nobody' } : null;
}

/** Gives a folder tree to the user (recursively). */
export function chownTree(root: string, user: { uid: number; gid: number }): void {
  spawnSync('chown', ['-R', '-h', `${user.uid}:${user.gid}`, root]);
}
