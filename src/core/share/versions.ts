// Versions recorded in a session file's manifest.
import { cleanGitEnv, runGit } from '../git';

export const BOOCODE_VERSION = '0.1.0';

let cached: Promise<string> | null = null;

export function gitVersion(): Promise<string> {
  cached ??= runGit(process.cwd(), ['--version'], cleanGitEnv()).then((result) => result.stdout.toString('utf8').trim().replace(/^git version /, ''));
  return cached;
}
