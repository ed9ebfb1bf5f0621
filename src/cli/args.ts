// A small, strict argument parser: known flags only, values never taken from the next flag, so
// an option can never be mistaken for an id or a path.
import { BooError } from '../core/errors';

export interface FlagSpec {
  /** Flags that take a value, e.g. `--label`, `-C`. */
  values?: string[];
  /** Flags that are on or off, e.g. `--json`. */
  switches?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  /** The last value of each flag. */
  values: Map<string, string>;
  /** Every value of each flag, in order (for flags that may be repeated, e.g. `--path`). */
  repeated: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  const valueFlags = new Set(spec.values ?? []);
  const switchFlags = new Set(spec.switches ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (switchFlags.has(name) && inline === undefined) {
      switches.add(name);
    } else if (valueFlags.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new BooError('usage', `${name} needs a value.`);
      values.set(name, value);
      repeated.set(name, [...(repeated.get(name) ?? []), value]);
    } else {
      throw new BooError('usage', `Unknown option ${name}; run \`boocode help\` for the options.`);
    }
  }
  return { positionals, values, repeated, switches };
}

export function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new BooError('usage', `${flag} needs a number, not ${JSON.stringify(value)}.`);
  return Number(value);
}
