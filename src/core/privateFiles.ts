// Everything BooCode writes for itself is private to the user: folders 0700, files 0600, whoever
// creates them first and whatever the umask. Files are replaced whole (temp file + rename), so a
// reader never sees half of one.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Creates `dir` (and missing parents) as 0700, and narrows it to 0700 if it exists wider. */
export function ensurePrivateDir(dir: string): void {
  try {
    const stat = fs.statSync(dir);
    if (stat.isDirectory() && (stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(dir, stat.mode & 0o700);
    return;
  } catch {
    // missing: created below
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Writes a file whole, 0600, atomically. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Narrows an existing file of ours to 0600 (files git or an older version created wider). */
export function makePrivate(file: string): void {
  try {
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) fs.chmodSync(file, stat.mode & 0o600);
  } catch {
    // gone
  }
}

/** Narrows our state folder and the files at its top to private modes (self-healing after upgrades). */
export function tightenStateDir(dir: string): void {
  ensurePrivateDir(dir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) ensurePrivateDir(full);
    else if (entry.isFile()) makePrivate(full);
  }
}
