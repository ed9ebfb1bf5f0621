// Three-way merges of one file's blobs with `git merge-file` (git 2.39 has no --object-id): the
// three versions are read from the object store into a scratch folder of ours (never the user's
// files, never a shell), merged there, and a clean result is written back as a blob. A conflict or
// a file git cannot merge (binary) gives null: the caller leaves that file alone.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Git } from '../git';
import { ensurePrivateDir } from '../privateFiles';

export interface MergeRequest {
  /** Blob ids: the common ancestor, our side (kept), their side (brought in). */
  base: string;
  ours: string;
  theirs: string;
}

/** The merged blob id for each request, or null when it conflicts or cannot be merged. */
export async function mergeBlobs(git: Git, stateDir: string, requests: MergeRequest[]): Promise<(string | null)[]> {
  if (requests.length === 0) return [];
  const scratch = scratchDir(stateDir);
  try {
    const blobs = await readBlobs(git, [...new Set(requests.flatMap((request) => [request.base, request.ours, request.theirs]))]);
    const merged: (string | null)[] = [];
    const outputs: { index: number; file: string }[] = [];
    for (const [index, request] of requests.entries()) {
      const file = (side: string, blob: string) => {
        const name = path.join(scratch, `${index}.${side}`);
        fs.writeFileSync(name, blobs.get(blob)!, { mode: 0o600 });
        return name;
      };
      const args = ['merge-file', '-p', file('ours', request.ours), file('base', request.base), file('theirs', request.theirs)];
      // Exit code: 0 clean, 1..127 the number of conflicts, 255 (or other) when git cannot merge it.
      const result = await git.run(args, { okCodes: Array.from({ length: 256 }, (_, code) => code) });
      merged.push(null);
      if (result.code !== 0) continue;
      const out = path.join(scratch, `${index}.merged`);
      fs.writeFileSync(out, result.stdout, { mode: 0o600 });
      outputs.push({ index, file: out });
    }
    if (outputs.length > 0) {
      // One call writes every clean result into the object store, bytes as they are (no filters).
      const ids = (await git.text(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: outputs.map((output) => `${output.file}\n`).join('') })).split('\n');
      outputs.forEach((output, i) => (merged[output.index] = ids[i]));
    }
    return merged;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The merge of three versions with conflict markers (git's own), for people to look at: never
 * written into the user's file. `labels` name ours, base and theirs in the markers.
 */
export async function mergeForDisplay(git: Git, stateDir: string, sides: { ours: Buffer; base: Buffer; theirs: Buffer }, labels: [string, string, string]): Promise<Buffer> {
  const scratch = scratchDir(stateDir);
  try {
    const files = (['ours', 'base', 'theirs'] as const).map((side) => {
      const name = path.join(scratch, side);
      fs.writeFileSync(name, sides[side], { mode: 0o600 });
      return name;
    });
    const args = ['merge-file', '-p', '-L', labels[0], '-L', labels[1], '-L', labels[2], ...files];
    const result = await git.run(args, { okCodes: Array.from({ length: 256 }, (_, code) => code) });
    if (result.code < 0 || result.code > 127) throw new Error('git cannot merge this file (binary?)');
    return result.stdout;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A fresh private scratch folder. Those a killed process left (they hold copies of the person's
 * files) are removed first, once they are old enough that no merge can still be using them.
 */
function scratchDir(stateDir: string): string {
  try {
    for (const entry of fs.readdirSync(stateDir)) {
      const full = path.join(stateDir, entry);
      if (entry.startsWith('merge-') && Date.now() - fs.statSync(full).mtimeMs > 10 * 60_000) fs.rmSync(full, { recursive: true, force: true });
    }
  } catch {
    // best effort
  }
  const scratch = path.join(stateDir, `merge-${randomBytes(4).toString('hex')}`);
  ensurePrivateDir(scratch);
  return scratch;
}

/** The bytes of each blob, read in one `cat-file --batch`. */
async function readBlobs(git: Git, ids: string[]): Promise<Map<string, Buffer>> {
  const output = (await git.run(['cat-file', '--batch'], { input: ids.map((id) => `${id}\n`).join('') })).stdout;
  const blobs = new Map<string, Buffer>();
  let offset = 0;
  for (const id of ids) {
    const newline = output.indexOf(10, offset);
    const [, type, size] = output.subarray(offset, newline).toString('latin1').split(' ');
    if (type !== 'blob') throw new Error(`object ${id} is missing from the repository`);
    blobs.set(id, output.subarray(newline + 1, newline + 1 + Number(size)));
    offset = newline + 1 + Number(size) + 1;
  }
  return blobs;
}
