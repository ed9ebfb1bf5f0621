// The command an agent's config runs to reach us: an absolute path that works from the agent's
// own shell, quoted for that shell. No `vscode` import: the extension passes its own runtime in.
import * as fs from 'fs';
import * as path from 'path';
import { AgentName } from './payload';

/** `NAME=value` at the start of a command: an environment variable for the program that follows. */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Quotes one word for a POSIX shell; plain words stay as they are. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell command line for `cli hook <agent> [-C workspace]`; leading `NAME=value` words become
 * assignments. A project's own config names its workspace, so an agent started in a subfolder
 * still checkpoints the whole project.
 */
export function hookCommandLine(cliCommand: string[], agent: AgentName, workspace: string | null = null): string {
  const words: string[] = [];
  let inEnv = true;
  for (const word of cliCommand) {
    if (inEnv && ENV_ASSIGNMENT.test(word)) {
      const eq = word.indexOf('=');
      words.push(`${word.slice(0, eq)}=${shellQuote(word.slice(eq + 1))}`);
    } else {
      inEnv = false;
      words.push(shellQuote(word));
    }
  }
  return [...words, 'hook', agent, ...(workspace ? ['-C', shellQuote(workspace)] : [])].join(' ');
}

/** The script (beside dist/cli.js) that hands a turn's end over from the agent's shell. */
export const TURN_END_SCRIPT = 'turn-end.sh';

/** The turn's-end script of the installation a cli command runs, when it has one. */
function turnEndScriptOf(cliCommand: string[]): string | null {
  const { argv } = splitEnv(cliCommand);
  // `node …/dist/cli.js`, VS Code's runtime with its cli.js, or the `boocode` an npm install links to cli.js.
  const cli = [...argv].reverse().find((word) => path.isAbsolute(word) && word.endsWith('cli.js')) ?? (argv.length === 1 && path.isAbsolute(argv[0]) ? realOrNull(argv[0]) : null);
  if (!cli) return null;
  const script = path.join(path.dirname(cli), TURN_END_SCRIPT);
  return fs.existsSync(script) ? script : null;
}

/**
 * The command line for a turn's end: the same hook through `/bin/sh turn-end.sh`, which returns at
 * once and leaves the payload (still in its pipe) to a detached follow-up, so the agent does not
 * wait for a Node process to start. `answer` is what the agent needs on stdout for the event.
 * Null where it cannot be used (no script beside the CLI, a portable `boocode` command, Windows):
 * the plain hook command then hands the turn's end over itself.
 */
export function turnEndCommandLine(cliCommand: string[], agent: AgentName, workspace: string | null, answer: string): string | null {
  if (process.platform === 'win32') return null;
  const script = turnEndScriptOf(cliCommand);
  if (!script) return null;
  const { env, argv } = splitEnv(cliCommand);
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const answerWords = answer ? ['--answer', shellQuote(answer)] : [];
  return [...assignments, '/bin/sh', shellQuote(script), ...answerWords, hookCommandLine(argv, agent, workspace)].join(' ');
}

/** Splits a cli command into environment assignments and the program with its arguments. */
export function splitEnv(cliCommand: string[]): { env: Record<string, string>; argv: string[] } {
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < cliCommand.length && ENV_ASSIGNMENT.test(cliCommand[i]); i++) {
    const eq = cliCommand[i].indexOf('=');
    env[cliCommand[i].slice(0, eq)] = cliCommand[i].slice(eq + 1);
  }
  return { env, argv: cliCommand.slice(i) };
}

/** True for a command line (or argv text) we wrote: `… boocode|cli.js hook <agent>`. */
export function isOurCommand(command: unknown, agent: AgentName): boolean {
  if (typeof command !== 'string') return false;
  const escaped = agent.replace(/[-]/g, '\\-');
  return new RegExp(`(?:^|[\\s'"/\\\\])(?:boocode|cli\\.js)['"]?\\s+hook\\s+${escaped}(?:\\s|$)`).test(command);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH, as an absolute path, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function realOrNull(file: string): string | null {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
}

/** Finds the bundled `dist/cli.js` of this installation. */
export function bundledCliPath(): string | null {
  const candidates: string[] = [];
  const main = process.argv[1];
  if (main && path.basename(main) === 'cli.js') candidates.push(path.resolve(main));
  // Bundled, this module lives in dist/cli.js itself; transpiled for tests, in out/src/hooks/.
  candidates.push(path.join(__dirname, 'cli.js'));
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'dist', 'cli.js'));
  }
  for (const candidate of candidates) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * The command that runs our CLI from an agent's shell: the `boocode` on PATH when it is this very
 * installation (an npm install), else `node dist/cli.js` with absolute paths. The extension passes
 * `override` to use VS Code's own runtime (`ELECTRON_RUN_AS_NODE=1 <code> <cli.js>`).
 */
export function resolveCliCommand(env: NodeJS.ProcessEnv, override?: string[]): string[] {
  if (override && override.length > 0) return [...override];
  const cli = bundledCliPath();
  const onPath = findOnPath('boocode', env);
  if (onPath && (!cli || realOrNull(onPath) === realOrNull(cli))) return [onPath];
  if (!cli) return ['boocode'];
  const nodeOnPath = findOnPath('node', env);
  const runtime = path.basename(process.execPath).startsWith('node') ? process.execPath : nodeOnPath ?? process.execPath;
  return [runtime, cli];
}

/** The words of a command line we wrote (plain words and POSIX single-quoted ones, as `shellQuote` makes them). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /(?:'((?:[^']|'\\'')*)'|(\S+))/g;
  for (let match = pattern.exec(command); match; match = pattern.exec(command)) {
    words.push(match[1] !== undefined ? match[1].replace(/'\\''/g, "'") : match[2]);
  }
  return words;
}

/**
 * True when a file our command runs (the program, or the CLI script given to it) no longer exists:
 * e.g. the folder of an older extension version, removed by an update.
 */
export function commandTargetMissing(command: string | null): boolean {
  if (!command) return false;
  const words = shellWords(command);
  const end = words.indexOf('hook');
  return words
    .slice(0, end < 0 ? words.length : end)
    .map((word) => (ENV_ASSIGNMENT.test(word) ? word.slice(word.indexOf('=') + 1) : word))
    .some((word) => path.isAbsolute(word) && !fs.existsSync(word));
}

