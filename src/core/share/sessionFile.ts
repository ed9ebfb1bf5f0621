// The session file: one file a person can move around.
//   "boocode-session\n" <manifest length>"\n" <manifest JSON> "\n" <git bundle> <transcript>
// The bundle is a real git bundle (`git bundle verify FILE` works on it once cut out); the
// transcript is JSON, or its encrypted form. Sizes and hashes in the manifest cover both parts.
import { BooError } from '../errors';
import { checkManifest, damaged, Manifest, sha256 } from './manifest';

const MAGIC = 'boocode-session\n';

export interface SessionFileParts {
  manifest: Manifest;
  bundle: Buffer;
  transcript: Buffer;
}

export function encodeSessionFile(parts: SessionFileParts): Buffer {
  const manifest = Buffer.from(JSON.stringify(parts.manifest), 'utf8');
  return Buffer.concat([Buffer.from(`${MAGIC}${manifest.length}\n`), manifest, Buffer.from('\n'), parts.bundle, parts.transcript]);
}

/** Splits and verifies a whole file: any truncation, extra bytes or changed byte is refused. */
export function decodeSessionFile(data: Buffer, file: string): SessionFileParts {
  if (!data.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) throw damaged(file, 'no session header');
  const lengthEnd = data.indexOf(10, MAGIC.length);
  const length = Number(data.subarray(MAGIC.length, lengthEnd).toString('latin1'));
  if (lengthEnd < 0 || !Number.isInteger(length) || length <= 0 || lengthEnd + 1 + length + 1 > data.length) throw damaged(file, 'truncated header');
  let manifest: Manifest;
  try {
    manifest = checkManifest(JSON.parse(data.subarray(lengthEnd + 1, lengthEnd + 1 + length).toString('utf8')), file);
  } catch (error) {
    if (error instanceof BooError) throw error;
    throw damaged(file, 'unreadable manifest');
  }
  const start = lengthEnd + 1 + length + 1;
  const { bundle, transcript } = manifest.parts;
  const expected = start + bundle.size + transcript.size;
  if (data.length !== expected) {
    throw new BooError('refused', `${file} is ${data.length < expected ? 'truncated' : 'longer than its manifest says'} (${data.length} of ${expected} bytes); nothing was imported — copy it again.`);
  }
  const parts = { manifest, bundle: data.subarray(start, start + bundle.size), transcript: data.subarray(start + bundle.size, expected) };
  for (const [name, part, info] of [['bundle', parts.bundle, bundle], ['transcript', parts.transcript, transcript]] as const) {
    if (sha256(part) !== info.sha256) throw new BooError('refused', `${file}: the ${name} part does not match its sha256 (the file was altered or damaged); nothing was imported.`);
  }
  return parts;
}
