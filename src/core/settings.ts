// Settings shared by every process that checkpoints a workspace. The extension writes the user's
// choices to `<stateDir>/settings.json`, so hooks and the CLI honour them too.
import * as fs from 'fs';
import * as path from 'path';

export interface EngineSettings {
  /** Files larger than this are left out of checkpoints and reported. */
  maxFileBytes: number;
  /** Checkpoints kept per agent session. */
  keepPerSession: number;
  /** Gitignore-like patterns never captured nor touched by a restore, on top of .gitignore. */
  exclude: string[];
  /** `boocode.share.encryptCommand`: a program and its arguments that encrypt a transcript, stdin to stdout (no shell). */
  encryptCommand?: string[];
  /** `boocode.share.decryptCommand`: the matching decryption. */
  decryptCommand?: string[];
}

export const DEFAULT_SETTINGS: EngineSettings = { maxFileBytes: 50 * 1024 * 1024, keepPerSession: 100, exclude: [] };

export function settingsFile(stateDir: string): string {
  return path.join(stateDir, 'settings.json');
}

export function readSettings(stateDir: string): EngineSettings {
  try {
    const raw = JSON.parse(fs.readFileSync(settingsFile(stateDir), 'utf8')) as Partial<EngineSettings>;
    const positive = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback);
    return {
      maxFileBytes: positive(raw.maxFileBytes, DEFAULT_SETTINGS.maxFileBytes),
      keepPerSession: Math.floor(positive(raw.keepPerSession, DEFAULT_SETTINGS.keepPerSession)),
      exclude: strings(raw.exclude),
      ...(strings(raw.encryptCommand).length ? { encryptCommand: strings(raw.encryptCommand) } : {}),
      ...(strings(raw.decryptCommand).length ? { decryptCommand: strings(raw.decryptCommand) } : {}),
    };
  } catch {
    return { ...DEFAULT_SETTINGS, exclude: [] };
  }
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function writeSettings(stateDir: string, settings: EngineSettings): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = settingsFile(stateDir);
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(temporary, file);
}
