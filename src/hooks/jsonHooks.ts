// Adds and removes our hook entries in an agent's JSON config, editing only the text that changes
// (jsonc-parser, see jsonText.ts), so every other byte of the file stays as the user wrote it.
import { findNodeAtLocation, getNodeValue, JSONPath, Node } from 'jsonc-parser';
import { BooError } from '../core/errors';
import { formattingOf, JsonSyntaxError, parseJsonText, removeAt, setAt } from './jsonText';
import { JsonHookFormat } from './spec';

type Handlers = Record<string, Record<string, unknown>>;
type IsOurs = (handler: unknown) => boolean;

const BOM = '\uFEFF';
const keyOf = (property: Node) => property.children![0].value as string;
const propertiesOf = (node: Node | undefined) => (node?.type === 'object' ? node.children! : []);

function parseConfig(text: string, file: string, format: JsonHookFormat): Node {
  let root: Node;
  try {
    root = parseJsonText(text, { comments: format.allowComments });
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new BooError('refused', `${file} is not valid JSON (${error.message} at line ${error.line}); fix it by hand, it was left untouched.`);
  }
  if (root.type !== 'object') throw new BooError('refused', `${file} does not hold a JSON object; fix it by hand, it was left untouched.`);
  // Agents read the last of duplicate keys (or refuse them): we would edit the first. Only where we edit.
  const once = (object: Node, key: string | null, name: (key: string) => string) => {
    const keys = propertiesOf(object).map(keyOf);
    const twice = keys.find((k, i) => (key === null || k === key) && keys.indexOf(k) !== i);
    if (twice !== undefined) throw new BooError('refused', `"${name(twice)}" appears twice in ${file}; fix it by hand, it was left untouched.`);
  };
  once(root, 'hooks', (k) => k);
  const hooks = findNodeAtLocation(root, ['hooks']);
  if (!hooks) return root;
  if (hooks.type !== 'object') throw new BooError('refused', `"hooks" in ${file} is not an object; fix it by hand, it was left untouched.`);
  once(hooks, null, (k) => `hooks.${k}`);
  for (const property of hooks.children!) {
    const list = property.children![1];
    if (list.type !== 'array') throw new BooError('refused', `"hooks.${keyOf(property)}" in ${file} is not a list; fix it by hand, it was left untouched.`);
    if (format.layout === 'nested') list.children!.forEach((group, i) => once(group, 'hooks', (k) => `hooks.${keyOf(property)}[${i}].${k}`));
  }
  return root;
}

interface Found {
  /** Where our handler is. */
  path: JSONPath;
  value: unknown;
  /** Nested layout: the matcher group, which can go whole when it holds only our handler. */
  groupIndex: number | null;
  alone: boolean;
}

/** Our handlers under `hooks[event]`, in file order. */
function findOurs(root: Node, event: string, format: JsonHookFormat, isOurs: IsOurs): Found[] {
  const list = findNodeAtLocation(root, ['hooks', event]);
  const found: Found[] = [];
  (list?.children ?? []).forEach((entry, i) => {
    if (format.layout === 'flat') {
      const value = getNodeValue(entry);
      if (isOurs(value)) found.push({ path: ['hooks', event, i], value, groupIndex: null, alone: false });
      return;
    }
    const inner = findNodeAtLocation(entry, ['hooks']);
    if (!inner || inner.type !== 'array') return;
    const onlyKeys = propertiesOf(entry).every((p) => keyOf(p) === 'hooks' || keyOf(p) === 'matcher');
    inner.children!.forEach((handler, j) => {
      const value = getNodeValue(handler);
      if (!isOurs(value)) return;
      found.push({ path: ['hooks', event, i, 'hooks', j], value, groupIndex: i, alone: inner.children!.length === 1 && onlyKeys });
    });
  });
  return found;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A new config file holding only our hooks. */
function freshFile(format: JsonHookFormat, handlers: Handlers): string {
  const hooks: Record<string, unknown[]> = {};
  for (const [event, handler] of Object.entries(handlers)) hooks[event] = [format.layout === 'nested' ? { hooks: [handler] } : handler];
  return JSON.stringify({ ...(format.newFileRoot ?? {}), hooks }, null, 2) + '\n';
}

/**
 * The config text with our handlers in place: added where missing, updated where ours differs
 * (e.g. the CLI moved), left alone where already right. `text` null or blank means no file yet.
 */
export function addHooks(text: string | null, file: string, format: JsonHookFormat, handlers: Handlers, isOurs: IsOurs): string {
  if (text === null || text.trim() === '') return freshFile(format, handlers);
  if (text.startsWith(BOM)) return BOM + addHooks(text.slice(1), file, format, handlers, isOurs);
  const formatting = formattingOf(text);
  let current = text;
  for (const [event, handler] of Object.entries(handlers)) {
    const root = parseConfig(current, file, format);
    const ours = findOurs(root, event, format, isOurs);
    if (ours.length > 0) {
      if (!sameJson(ours[0].value, handler)) current = setAt(current, ours[0].path, handler, formatting);
      continue;
    }
    // Appended to the event's list, which (and `hooks`) is created when missing.
    current = setAt(current, ['hooks', event, -1], format.layout === 'nested' ? { hooks: [handler] } : handler, formatting);
  }
  parseConfig(current, file, format);
  return current;
}

/** The config text without our handlers, and without the groups, lists and `hooks` object only they filled. */
export function removeHooks(text: string, file: string, format: JsonHookFormat, isOurs: IsOurs): string {
  if (text.startsWith(BOM)) return BOM + removeHooks(text.slice(1), file, format, isOurs);
  let current = text;
  for (let guard = 0; guard < 1000; guard++) {
    const root = parseConfig(current, file, format);
    const hooks = findNodeAtLocation(root, ['hooks']);
    const events = propertiesOf(hooks);
    const eventIndex = events.findIndex((property) => findOurs(root, keyOf(property), format, isOurs).length > 0);
    if (eventIndex < 0) return current;
    const list = events[eventIndex].children![1];
    const last = findOurs(root, keyOf(events[eventIndex]), format, isOurs).pop()!;
    if (list.children!.length === 1 && (last.groupIndex === null || last.alone)) {
      // The list held only ours: it goes, and so does `hooks` when that was its only list.
      current = events.length === 1 ? removeAt(current, root, root.children!.indexOf(hooks!.parent!)) : removeAt(current, hooks!, eventIndex);
    } else if (last.groupIndex !== null && !last.alone) {
      current = removeAt(current, findNodeAtLocation(root, last.path.slice(0, -1))!, last.path[last.path.length - 1] as number);
    } else {
      current = removeAt(current, list, (last.groupIndex ?? last.path[2]) as number);
    }
  }
  return current;
}

/** Events that hold one of our handlers, with the command of the first. */
export function ourEvents(text: string, file: string, format: JsonHookFormat, isOurs: IsOurs): { event: string; command: string | null }[] {
  const root = parseConfig(text, file, format);
  const result: { event: string; command: string | null }[] = [];
  for (const property of propertiesOf(findNodeAtLocation(root, ['hooks']))) {
    const ours = findOurs(root, keyOf(property), format, isOurs);
    if (ours.length === 0) continue;
    const value = ours[0].value as Record<string, unknown>;
    result.push({ event: keyOf(property), command: typeof value.command === 'string' ? value.command : typeof value.bash === 'string' ? value.bash : null });
  }
  return result;
}

/** True when nothing but our own root keys (e.g. `version: 1`) is left. */
export function isEmptyConfig(text: string, file: string, format: JsonHookFormat): boolean {
  const value = getNodeValue(parseConfig(text, file, format)) as Record<string, unknown>;
  return Object.keys(value).every((key) => !!format.newFileRoot && key in format.newFileRoot && sameJson(value[key], format.newFileRoot[key]));
}
