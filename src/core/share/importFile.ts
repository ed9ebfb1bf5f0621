// `boocode import FILE`: read with a cap, verify every part against the manifest, decrypt the
// transcript (loudly, never without it), then import.
import { BooError } from '../errors';
import { parseBundle } from './bundle';
import { readCapped } from './capped';
import { ShareContext } from './context';
import { Encryption, unseal } from './crypto';
import { damaged } from './manifest';
import { importSession, ImportResult } from './importSession';
import { decodeSessionFile } from './sessionFile';
import { parseTranscript } from './transcriptJson';

export interface ImportFileOptions {
  maxBytes: number;
  /** How to open an encrypted transcript. */
  decryption?: Encryption | null;
  asNew?: boolean;
  /** Where the agent's own session file goes (HOME, CLAUDE_CONFIG_DIR). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export async function importFile(context: ShareContext, file: string, options: ImportFileOptions): Promise<ImportResult> {
  const { manifest, bundle, transcript } = decodeSessionFile(readCapped(file, options.maxBytes), file);
  const parsed = manifest.checkpoints.length > 0 ? parseBundle(bundle, file) : null;
  const tips = new Map((parsed?.tips ?? []).map((tip) => [tip.ref.slice(tip.ref.lastIndexOf('/') + 1), tip.commit]));
  for (const checkpoint of manifest.checkpoints) {
    if (tips.get(checkpoint.id) !== checkpoint.commit) throw damaged(file, `checkpoint ${checkpoint.id} is not in its bundle`);
  }
  const encryption = manifest.parts.transcript.encryption;
  if (encryption && !options.decryption) {
    throw new BooError('usage', `${file}: the transcript is encrypted; pass --key-file FILE${encryption === 'command' ? ' or --decrypt-command CMD' : ''} to import it. Nothing was imported.`);
  }
  const plain = encryption ? await unseal(transcript, options.decryption as Encryption, file, options.maxBytes) : transcript;
  const json = parseTranscript(plain, file);
  if (json.session.id !== manifest.session.id) throw damaged(file, 'the transcript is of another session');
  return importSession(
    context,
    { origin: file, source: manifest.source, transcript: json, checkpoints: manifest.checkpoints, pack: parsed?.pack ?? null },
    { asNew: options.asNew, env: options.env },
  );
}
