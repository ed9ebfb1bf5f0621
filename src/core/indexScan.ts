// Reads what a git index file says about itself, without git: whether it is split or sparse, which
// entries carry the assume-unchanged or skip-worktree bits, and whether any .gitattributes is
// tracked. Seeding our private index uses it to decide whether the plain copy can be used as it is
// (the common case, a few milliseconds) or needs git to rewrite it. Index versions 2 and 3 only;
// anything else answers null and the caller asks git instead.
import * as fs from 'fs';
import { RawPath, rawFromBuffer } from './rawPath';

export interface FlaggedEntry {
  path: RawPath;
  skipWorktree: boolean;
  assumeUnchanged: boolean;
}

export interface IndexScan {
  version: number;
  entries: number;
  flagged: FlaggedEntry[];
  /** A `.gitattributes` file is tracked somewhere (line-ending or filter rules may apply). */
  hasAttributesFiles: boolean;
  /** The index links a shared index (`core.splitIndex`). */
  split: boolean;
  /** The index holds sparse-directory entries (`index.sparse`). */
  sparse: boolean;
  /** Every entry's path, when asked for. */
  names: RawPath[] | null;
  /** The tree of the whole index, from a cache-tree that covers every entry (null: git must write it). */
  rootTree: string | null;
}

const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const SKIP_WORKTREE = 0x4000;

/** `namesUpTo`: collect every entry's path when the index holds at most this many entries. */
export function scanIndex(file: string, hashSize: 20 | 32 = 20, namesUpTo = 0): IndexScan | null {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (data.length < 12 + hashSize || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = data.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const entries = data.readUInt32BE(8);
  const flagged: FlaggedEntry[] = [];
  const names: RawPath[] | null = entries <= namesUpTo ? [] : null;
  let hasAttributesFiles = false;
  let offset = 12;
  const fixed = 40 + hashSize;
  const end = data.length - hashSize;
  for (let i = 0; i < entries; i++) {
    if (offset + fixed + 2 > end) return null;
    const flags = (data[offset + fixed] << 8) | data[offset + fixed + 1];
    let nameStart = offset + fixed + 2;
    let extended = 0;
    if (flags & EXTENDED) {
      if (version < 3) return null;
      extended = (data[nameStart] << 8) | data[nameStart + 1];
      nameStart += 2;
    }
    const short = flags & 0x0fff;
    const nameEnd = short < 0x0fff ? nameStart + short : data.indexOf(0, nameStart);
    if (nameEnd < 0 || nameEnd > end) return null;
    if (names) names.push(data.toString('latin1', nameStart, nameEnd) as RawPath);
    if (flags & ASSUME_VALID || extended & SKIP_WORKTREE) {
      flagged.push({ path: rawFromBuffer(data.subarray(nameStart, nameEnd)), assumeUnchanged: !!(flags & ASSUME_VALID), skipWorktree: !!(extended & SKIP_WORKTREE) });
    }
    // `.gitattributes` or `…/.gitattributes`: a cheap look at two bytes first, the whole name only then.
    const tail = nameEnd - ATTRIBUTES.length;
    if (!hasAttributesFiles && tail >= nameStart && data[tail] === 0x2e && data[tail + 1] === 0x67) {
      hasAttributesFiles = data.compare(ATTRIBUTES, 0, ATTRIBUTES.length, tail, nameEnd) === 0 && (tail === nameStart || data[tail - 1] === 0x2f);
    }
    // Entries are padded with NULs to a multiple of 8 bytes (name length counted from the entry start).
    const length = nameEnd - offset;
    offset += (length + 8) & ~7;
  }
  let split = false;
  let sparse = false;
  let rootTree: string | null = null;
  while (offset + 8 <= end) {
    const signature = data.toString('latin1', offset, offset + 4);
    const size = data.readUInt32BE(offset + 4);
    if (signature === 'link') split = true;
    if (signature === 'sdir') sparse = true;
    if (signature === 'TREE') rootTree = validRootTree(data.subarray(offset + 8, offset + 8 + size), entries, hashSize);
    offset += 8 + size;
  }
  return { version, entries, flagged, hasAttributesFiles, split, sparse, names, rootTree };
}

/** The cache-tree's root entry (`\0<entries> <subtrees>\n<oid>`): the index's tree when it covers every entry. */
function validRootTree(tree: Buffer, entries: number, hashSize: number): string | null {
  if (tree.length < 4 || tree[0] !== 0) return null;
  const newline = tree.indexOf(10, 1);
  if (newline < 0) return null;
  const [count] = tree.toString('latin1', 1, newline).split(' ');
  if (Number(count) !== entries || newline + 1 + hashSize > tree.length) return null;
  return tree.toString('hex', newline + 1, newline + 1 + hashSize);
}

const ATTRIBUTES = Buffer.from('.gitattributes');
