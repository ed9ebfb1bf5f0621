// Agents keep their sessions as JSON lines; a line we cannot read is skipped, never fatal.
/** One line of an agent's JSON-lines file as an object, or null (a damaged or foreign line is skipped, never fatal). */
export function parseJsonLine(line: string): Record<string, any> | null {
  try {
    const value = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
