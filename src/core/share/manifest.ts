// The manifest of a session file: what it holds, where it came from, and the size and sha256 of
// each part, so an import can refuse a truncated or altered file before touching anything.
import { createHash } from 'crypto';
import { BooError } from '../errors';

/**
 * major.minor: a newer minor adds fields older readers may ignore; a newer major is refused.
 * 1.1: the agent's own session file (transcript `agentFile`), the agent session's fields and each prompt's `agentRef`.
 */
export const FORMAT_VERSION = '1.1';
export const FORMAT_MAJOR = 1;

export interface PartInfo {
  size: number;
  sha256: string;
}

export interface Manifest {
  format: string;
  boocodeVersion: string;
  gitVersion: string;
  createdAt: number;
  source: {
    /** The workspace folder the session was recorded in (rebased to the destination on import). */
    workspace: string;
    /** Where that folder sits inside its repository ('' at the top level). */
    scope: string;
    kind: 'git' | 'shadow';
  };
  session: { id: string; agent: string | null; agentSessionId: string | null };
  /** Commits the receiving repository must already have (the checkpoints' parents): push them first. */
  prerequisites: string[];
  checkpoints: { id: string; commit: string }[];
  parts: {
    bundle: PartInfo;
    transcript: PartInfo & { encryption: 'aes-256-gcm-scrypt' | 'command' | null };
  };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function partOf(data: Buffer): PartInfo {
  return { size: data.length, sha256: sha256(data) };
}

/** Checks the version and the shape; throws a one-line error naming the file. */
export function checkManifest(value: unknown, file: string): Manifest {
  const manifest = value as Manifest;
  const format = typeof manifest?.format === 'string' ? manifest.format : '';
  const major = Number(format.split('.')[0]);
  if (!Number.isInteger(major) || major < 1) throw damaged(file, 'no format version');
  if (major > FORMAT_MAJOR) {
    throw new BooError('refused', `${file} is a session file of format ${format}, newer than this BooCode reads (${FORMAT_VERSION}); update BooCode Checkpoints to import it.`);
  }
  const part = (p: unknown) => typeof (p as PartInfo)?.size === 'number' && /^[0-9a-f]{64}$/.test(String((p as PartInfo)?.sha256));
  if (!part(manifest.parts?.bundle) || !part(manifest.parts?.transcript)) throw damaged(file, 'parts missing');
  if (typeof manifest.session?.id !== 'string' || !Array.isArray(manifest.checkpoints) || !Array.isArray(manifest.prerequisites)) throw damaged(file, 'session missing');
  if (typeof manifest.source?.workspace !== 'string' || typeof manifest.source?.scope !== 'string') throw damaged(file, 'source missing');
  return manifest;
}

export function damaged(file: string, why: string): BooError {
  return new BooError('refused', `${file} is not a valid BooCode session file (${why}); nothing was imported.`);
}
