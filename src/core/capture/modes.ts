// Permission bits git trees cannot hold (a 0600 `.env`, a 0700 script or folder): recorded per
// checkpoint for every file and folder whose mode differs from what a plain checkout would give it,
// and brought back exactly by a restore. Exec bits are in the tree itself (we capture with
// core.fileMode=true whatever the repository says).
import { RawPath } from '../rawPath';

/** Raw path → permission bits, only for entries whose mode is not the default for their kind. */
export type ModeManifest = Map<RawPath, number>;

export type EntryKind = 'file' | 'exec' | 'dir';

export function defaultMode(kind: EntryKind, umask: number): number {
  return (kind === 'file' ? 0o666 : 0o777) & ~umask;
}

/** Records `mode` for `path` when it is not the default, forgets it otherwise. */
export function noteMode(manifest: ModeManifest, path: RawPath, kind: EntryKind, mode: number, umask: number): void {
  if ((mode & 0o7777) === defaultMode(kind, umask)) manifest.delete(path);
  else manifest.set(path, mode & 0o7777);
}

export function encodeModes(manifest: ModeManifest): [string, number][] {
  return [...manifest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function decodeModes(value: unknown): ModeManifest {
  const manifest: ModeManifest = new Map();
  if (!Array.isArray(value)) return manifest;
  for (const item of value) {
    if (Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'number') manifest.set(item[0] as RawPath, item[1]);
  }
  return manifest;
}

/** Drops entries for `path` and everything under it (a deleted file or folder). */
export function forgetUnder(manifest: ModeManifest, path: string): void {
  for (const key of manifest.keys()) if (key === path || key.startsWith(`${path}/`)) manifest.delete(key);
}
