// Whether an agent will really run the hooks we wrote: several agents load a project's hooks only
// once the person has trusted the folder or the hooks themselves, and skip them silently before.
// Read from the agents' own config files, defensively (formats are theirs, not ours).
import * as fs from 'fs';
import * as path from 'path';

export function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function readJson(file: string): unknown {
  const text = readText(file);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The folder and each of its parents, nearest first. */
export function selfAndParents(dir: string): string[] {
  const dirs: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    dirs.push(current);
    if (path.dirname(current) === current) return dirs;
  }
}

/** The body of a TOML table `[header]` (up to the next table), or null when the file has no such table. */
export function tomlTable(text: string, header: string): string | null {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `[${header}]`);
  if (start < 0) return null;
  const end = lines.findIndex((line, i) => i > start && /^\s*\[/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** A TOML basic string's contents written the way TOML escapes them. */
export function tomlKey(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
