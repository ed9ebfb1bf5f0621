// Encryption of the transcript part (prompts hold secrets). Built in: AES-256-GCM with a key
// derived by scrypt from a key file's bytes (a passphrase is a key file holding it). Or a person's
// own tool (e.g. `age`), run directly with its arguments, stdin to stdout, never through a shell.
import { spawn } from 'child_process';
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'crypto';
import * as fs from 'fs';
import { BooError } from '../errors';

const MAGIC = Buffer.from('BOOAES1\n');
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export type Encryption = { kind: 'key'; keyFile: string } | { kind: 'command'; argv: string[] };

function keyMaterial(keyFile: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(keyFile);
  } catch (error) {
    throw new BooError('not-found', `Cannot read the key file ${keyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was written.`);
  }
  // A passphrase typed into a file usually ends with a newline the person never meant.
  const material = bytes.subarray(0, bytes.length - (bytes.at(-1) === 10 ? 1 : 0));
  if (material.length === 0) throw new BooError('usage', `The key file ${keyFile} is empty; put a passphrase or random bytes in it.`);
  return material;
}

export function encryptWithKey(plain: Buffer, keyFile: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(keyMaterial(keyFile), salt, 32, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, salt, iv, cipher.getAuthTag(), body]);
}

/** The plain transcript, or one loud line naming `file` (wrong key, altered bytes). */
export function decryptWithKey(sealed: Buffer, keyFile: string, file: string): Buffer {
  const header = MAGIC.length + 16 + 12 + 16;
  if (sealed.length < header || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BooError('refused', `${file}: the transcript is not BooCode-encrypted data; nothing was imported.`);
  }
  const salt = sealed.subarray(MAGIC.length, MAGIC.length + 16);
  const iv = sealed.subarray(MAGIC.length + 16, MAGIC.length + 28);
  const tag = sealed.subarray(MAGIC.length + 28, header);
  const key = scryptSync(keyMaterial(keyFile), salt, 32, SCRYPT);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(header)), decipher.final()]);
  } catch {
    throw new BooError('refused', `${file}: the transcript could not be decrypted with ${keyFile} (wrong key, or the file was altered); nothing was imported.`);
  }
}

/** Splits a command setting into its arguments: an array as given, a string on whitespace (no shell, no quoting). */
export function commandArgv(value: string | string[]): string[] {
  const argv = Array.isArray(value) ? value.filter((part) => typeof part === 'string' && part !== '') : value.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new BooError('usage', 'The encryption command is empty; give the program and its arguments.');
  return argv;
}

/** Runs the person's own tool with `input` on stdin; its stdout, capped, or one loud line. */
export function runFilter(argv: string[], input: Buffer, what: string, maxBytes: number, timeoutMs = 120_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: BooError | null = null;
    const timer = setTimeout(() => {
      failure = new BooError('refused', `${what}: ${argv[0]} did not finish within ${timeoutMs / 1000} s; nothing was changed.`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        failure ??= new BooError('refused', `${what}: ${argv[0]} wrote more than ${Math.round(maxBytes / 1048576)} MB; raise --max-size MB if that is expected. Nothing was changed.`);
        child.kill('SIGKILL');
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-400)));
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new BooError('not-found', `${what}: cannot run ${argv[0]} (${error.code ?? error.message}); check the command.`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0) {
        const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${code}`;
        return reject(new BooError('refused', `${what}: ${argv[0]} failed (${line}); nothing was changed.`));
      }
      resolve(Buffer.concat(out));
    });
    child.stdin.end(input);
  });
}

export async function seal(plain: Buffer, encryption: Encryption, maxBytes: number): Promise<Buffer> {
  return encryption.kind === 'key' ? encryptWithKey(plain, encryption.keyFile) : runFilter(encryption.argv, plain, 'Encrypting the transcript', maxBytes);
}

export async function unseal(sealed: Buffer, encryption: Encryption, file: string, maxBytes: number): Promise<Buffer> {
  if (encryption.kind === 'key') return decryptWithKey(sealed, encryption.keyFile, file);
  return runFilter(encryption.argv, sealed, `${file}: decrypting the transcript`, maxBytes);
}
