// File names are bytes. Git and the filesystem accept any byte but `/` and NUL in a name, so a
// Latin-1 name or a broken UTF-8 one is as real as any other and must be captured and restored
// exactly. Inside the engine a path is a "raw path": a JS string holding one character per byte
// (latin1). It can be a Map key, compares in git's byte order, splits on '/' like any string (no
// multi-byte UTF-8 sequence contains 0x2F), and converts back to the exact bytes for git and for
// the filesystem. People see `displayPath`, never the raw form.
import * as path from 'path';

/** A workspace-relative path, posix separators, one character per byte. */
export type RawPath = string & { readonly __raw: unique symbol };

export const rawFromBuffer = (bytes: Buffer): RawPath => bytes.toString('latin1') as RawPath;
export const rawToBuffer = (raw: string): Buffer => Buffer.from(raw, 'latin1');
/** A path typed by a person or an API caller (UTF-8 text) as bytes. */
export const rawFromText = (text: string): RawPath => rawFromBuffer(Buffer.from(text, 'utf8'));

/** Splits NUL-terminated git output into raw paths (or raw fields). */
export function splitRaw(output: Buffer): RawPath[] {
  const parts: RawPath[] = [];
  let start = 0;
  for (let i = output.indexOf(0); i >= 0; i = output.indexOf(0, start)) {
    parts.push(rawFromBuffer(output.subarray(start, i)));
    start = i + 1;
  }
  if (start < output.length) parts.push(rawFromBuffer(output.subarray(start)));
  return parts;
}

/** NUL-terminated list for git's `-z --stdin`. */
export const joinRaw = (paths: readonly string[]): Buffer => Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1');

/**
 * The path as people read it: UTF-8 when the bytes are UTF-8, otherwise every byte that is not
 * part of valid UTF-8 written as `\xNN` (so two different names never look the same).
 */
export function displayPath(raw: string): string {
  const bytes = rawToBuffer(raw);
  const text = bytes.toString('utf8');
  if (!text.includes('\uFFFD') || Buffer.from(text, 'utf8').equals(bytes)) return text;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      out += bytes.subarray(i, i + length).toString('utf8');
      i += length;
    } else {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const first = bytes[i];
  if (first < 0x80) return 1;
  const length = first >= 0xf0 && first <= 0xf4 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 && first <= 0xdf ? 2 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  const decoded = bytes.subarray(i, i + length).toString('utf8');
  return decoded.includes('\uFFFD') ? 0 : length;
}

/** A path people typed, shown as `displayPath` shows it: `\xNN` escapes stand for raw bytes. */
export function rawFromDisplay(text: string): RawPath {
  if (!/\\x[0-9a-fA-F]{2}/.test(text)) return rawFromText(text);
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(/\\x([0-9a-fA-F]{2})/g)) {
    parts.push(Buffer.from(text.slice(last, match.index), 'utf8'), Buffer.from([parseInt(match[1], 16)]));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return rawFromBuffer(Buffer.concat(parts));
}

/** The absolute path of `relative` under `root`, as bytes for the fs module. */
export function diskPath(root: string, relative: string): Buffer {
  if (!relative) return Buffer.from(root);
  return Buffer.concat([Buffer.from(root.endsWith(path.sep) ? root : root + path.sep), rawToBuffer(relative)]);
}

/** Quotes a raw path the way git's C-style quoting does, for line-based input (fast-import). */
export function cQuote(raw: string): string {
  if (!/["\\\n\r\t\x00-\x1f\x7f-\xff]/.test(raw) && !raw.startsWith('"')) return raw;
  let out = '"';
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const char = raw[i];
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code >= 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** Parent folders of a raw path, nearest last: `a/b/c` → [`a`, `a/b`]. */
export function parentsOf(raw: string): RawPath[] {
  const parts = raw.split('/');
  const out: RawPath[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/') as RawPath);
  return out;
}

/** True when `raw` is `folder` itself or inside it. */
export const isWithin = (raw: string, folder: string): boolean => raw === folder || raw.startsWith(`${folder}/`);

/**
 * A pathspec naming `raw` exactly, for git's command line (argv is UTF-8 text, so raw bytes cannot
 * be passed as they are). Valid UTF-8 goes as a literal; other bytes become a glob whose `?` stands
 * for each non-ASCII byte, and `matchesPathspec` then keeps only the exact matches.
 */
export function pathspecFor(raw: string, options: { folder?: boolean } = {}): string {
  const text = rawToBuffer(raw).toString('utf8');
  if (Buffer.from(text, 'utf8').equals(rawToBuffer(raw))) return `:(top,literal)${text}`;
  let glob = '';
  for (const char of raw) glob += char.charCodeAt(0) >= 0x80 ? '?' : /[*?[\]\\]/.test(char) ? `\\${char}` : char;
  return `:(top,glob)${glob.replace(/\/$/, '')}${options.folder ? '/**' : ''}`;
}

/** True when `raw` is `spec` or inside it (the exact check behind a glob from pathspecFor). */
export const matchesPathspec = (raw: string, specRaw: string): boolean => raw === specRaw || raw.startsWith(specRaw.endsWith('/') ? specRaw : `${specRaw}/`);
