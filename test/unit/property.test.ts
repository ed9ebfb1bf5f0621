// Property: for random work trees (names from odd bytes, modes, symlinks, empty files, CRLF, LF and
// binary contents, nested folders) and random edits, checkpoint → edit → restore gives back the
// work tree byte for byte with its modes, ignored files stay as the edits left them, and undo gives
// back the edited tree. A fixed number of seeds runs in `npm test`; BOOCODE_PROPERTY_SEEDS=500 runs
// more (BOOCODE_PROPERTY_SEED=N replays one).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { openCheckpoints } from '../../src/core/service';
import { cleanupTemps, git, stateHome, tempDir } from './helpers';
import { leftovers, Manifest, manifest, manifestDiff } from './manifest';

const SEEDS = Number(process.env.BOOCODE_PROPERTY_SEEDS ?? 24);
const ONLY = process.env.BOOCODE_PROPERTY_SEED;

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}

type Rng = ReturnType<typeof generator>;

const NAME_BYTES = [...'abcdefghijklmnopqrstuvwxyz0123456789._- '].map((c) => c.charCodeAt(0)).concat([0xe9, 0xff, 0x80, 0xc3, 0xa9, 0x0a, 0x09, 0x5c, 0x22, 0x27, 0x2a, 0x3f, 0x5b]);

function name(rng: Rng): Buffer {
  for (;;) {
    const bytes = Buffer.from(Array.from({ length: 1 + rng.int(10) }, () => rng.pick(NAME_BYTES)));
    const text = bytes.toString('latin1');
    // Names git or we never keep: `.git`, `.`/`..`, our temp prefix, and the ignore test's own names.
    if (text === '.' || text === '..' || text.toLowerCase() === '.git' || text.startsWith('.boocode-') || text === '.gitignore' || text.startsWith('ignored')) continue;
    return bytes;
  }
}

function content(rng: Rng): Buffer {
  switch (rng.int(5)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(`line one\r\nline two\r\n${rng.int(1000)}\r\n`);
    case 2:
      return Buffer.from(`plain ${rng.int(1e6)}\nsecond\n`);
    case 3:
      return Buffer.from(Array.from({ length: 1 + rng.int(300) }, () => rng.int(256)));
    default:
      return Buffer.from(`no trailing newline ${rng.int(100)}`);
  }
}

const FILE_MODES = [0o644, 0o644, 0o755, 0o600, 0o700, 0o640, 0o664];
const join = (a: Buffer, b: Buffer) => Buffer.concat([a, Buffer.from('/'), b]);

function writeEntry(full: Buffer, rng: Rng): void {
  if (rng.int(6) === 0) {
    fs.symlinkSync(rng.pick([Buffer.from('target-that-does-not-exist'), Buffer.from('../up'), name(rng)]), full);
  } else {
    fs.writeFileSync(full, content(rng));
    fs.chmodSync(full, rng.pick(FILE_MODES));
  }
}

/** A random tree: files and folders under `dir`, never an empty folder. */
function grow(dir: Buffer, rng: Rng, depth: number): void {
  const count = 1 + rng.int(depth === 0 ? 8 : 4);
  for (let i = 0; i < count; i++) {
    const full = join(dir, name(rng));
    if (fs.existsSync(full)) continue;
    if (depth < 3 && rng.int(4) === 0) {
      fs.mkdirSync(full);
      grow(full, rng, depth + 1);
      if (rng.int(4) === 0) fs.chmodSync(full, 0o700);
    } else writeEntry(full, rng);
  }
}

/** Every file and symlink under `dir` (bytes), folders separately. */
function entries(dir: Buffer): { files: Buffer[]; folders: Buffer[] } {
  const files: Buffer[] = [];
  const folders: Buffer[] = [];
  for (const entry of fs.readdirSync(dir, { encoding: 'buffer' }) as Buffer[]) {
    const text = entry.toString('latin1');
    if (text === '.git' || text === '.gitignore' || text.startsWith('ignored')) continue;
    const full = join(dir, entry);
    if (fs.lstatSync(full).isDirectory()) {
      folders.push(full);
      const inner = entries(full);
      files.push(...inner.files);
      folders.push(...inner.folders);
    } else files.push(full);
  }
  return { files, folders };
}

/** Random edits of the kinds agents make (ignored files edited too: a restore must leave them be). */
function mutate(root: Buffer, rng: Rng): void {
  const rounds = 1 + rng.int(8);
  for (let i = 0; i < rounds; i++) {
    const { files, folders } = entries(root);
    const file = files.length ? rng.pick(files) : null;
    switch (rng.int(8)) {
      case 0:
        if (file) fs.rmSync(file);
        break;
      case 1:
        if (file && !fs.lstatSync(file).isSymbolicLink()) fs.writeFileSync(file, content(rng));
        break;
      case 2:
        if (file && !fs.lstatSync(file).isSymbolicLink()) fs.chmodSync(file, rng.pick(FILE_MODES));
        break;
      case 3: {
        // A file becomes a folder, or a symlink.
        if (!file) break;
        fs.rmSync(file);
        if (rng.int(2)) {
          fs.mkdirSync(file);
          grow(file, rng, 2);
        } else fs.symlinkSync('elsewhere', file);
        break;
      }
      case 4: {
        // A folder becomes a file or a symlink to another folder.
        const folder = folders.length ? rng.pick(folders) : null;
        if (!folder) break;
        fs.rmSync(folder, { recursive: true });
        if (rng.int(2)) fs.writeFileSync(folder, content(rng));
        else fs.symlinkSync('.', folder);
        break;
      }
      case 5:
        grow(folders.length && rng.int(2) ? rng.pick(folders) : root, rng, 1);
        break;
      case 6:
        fs.writeFileSync(join(root, Buffer.from('ignored.log')), content(rng));
        break;
      default:
        if (file) fs.renameSync(file, join(path.dirname(file.toString('latin1')) === '.' ? root : Buffer.from(path.dirname(file.toString('latin1')), 'latin1'), name(rng)));
    }
  }
}

/** The manifest a restore must produce: the checkpoint's files, but ignored ones as they are now. */
function expected(atCheckpoint: Manifest, now: Manifest): Manifest {
  const result: Manifest = new Map([...atCheckpoint].filter(([file]) => !file.startsWith('ignored')));
  for (const [file, entry] of now) if (file.startsWith('ignored')) result.set(file, entry);
  return result;
}

describe(`property: checkpoint → random edits → restore is byte-identical (${ONLY ? `seed ${ONLY}` : `${SEEDS} seeds`})`, () => {
  afterEach(cleanupTemps);
  const seeds = ONLY ? [Number(ONLY)] : Array.from({ length: SEEDS }, (_, i) => 1000 + i);
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const previous = process.umask(0o022);
      try {
        const rng = generator(seed);
        const root = tempDir();
        const plain = rng.int(3) === 0;
        if (!plain) {
          git(root, 'init', '-q', '-b', 'main');
          git(root, 'config', 'user.email', 'p@example.com');
          git(root, 'config', 'user.name', 'Property');
        }
        fs.writeFileSync(path.join(root, '.gitignore'), 'ignored*\n');
        fs.writeFileSync(path.join(root, 'ignored.log'), 'ignored at first\n');
        grow(Buffer.from(root), rng, 0);
        if (!plain && rng.int(2)) {
          git(root, 'add', '-A');
          git(root, 'commit', '-qm', 'some of it tracked');
          grow(Buffer.from(root), rng, 1);
        }
        const store = await openCheckpoints(root, { onNotice: () => undefined, stateHome: stateHome() });
        const checkpoint = await store.createCheckpoint();
        const atCheckpoint = manifest(root);
        mutate(Buffer.from(root), rng);
        const edited = manifest(root);
        if (ONLY) console.log('edits:', manifestDiff(atCheckpoint, edited));
        const restored = await store.restore(checkpoint.id);
        if (ONLY) console.log(JSON.stringify(restored));
        assert.deepEqual(manifestDiff(expected(atCheckpoint, edited), manifest(root)), [], `seed ${seed}: restore`);
        const undone = await store.undo();
        if (ONLY) console.log(JSON.stringify(undone));
        assert.deepEqual(manifestDiff(edited, manifest(root)), [], `seed ${seed}: undo`);
        assert.deepEqual(leftovers(root), []);
        store.close();
      } finally {
        process.umask(previous);
      }
    });
  }
});
