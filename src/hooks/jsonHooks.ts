// Adds and removes our hook entries in an agent's JSON config, editing only the text that changes
// (see jsonText.ts), so every other byte of the file stays as the user wrote it.
import { BooError } from '../core/errors';
import { appendTo, JsonNode, JsonSyntaxError, nodeAt, parseJsonText, removeFrom, replaceNode, styleOf } from './jsonText';
import { JsonHookFormat } from './spec';

type Handlers = Record<string, Record<string, unknown>>;
type IsOurs = (handler: unknown) => boolean;

function parseConfig(text: string, file: string, format: JsonHookFormat): JsonNode {
  let root: JsonNode;
  try {
    root = parseJsonText(text, { comments: format.allowComments });
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new BooError('refused', `${file} is not valid JSON (${error.message} at line ${error.line}); fix it by hand, it was left untouched.`);
  }
  if (root.type !== 'object') throw new BooError('refused', `${file} does not hold a JSON object; fix it by hand, it was left untouched.`);
  const hooks = nodeAt(root, ['hooks']);
  if (hooks && hooks.type !== 'object') throw new BooError('refused', `"hooks" in ${file} is not an object; fix it by hand, it was left untouched.`);
  for (const prop of hooks?.props ?? []) {
    if (prop.value.type !== 'array') throw new BooError('refused', `"hooks.${prop.key}" in ${file} is not a list; fix it by hand, it was left untouched.`);
  }
  return root;
}

interface Found {
  /** The list our handler (flat) or its group (nested) is in, and where. */
  path: (string | number)[];
  value: unknown;
  /** Nested layout: the matcher group, which can go whole when it holds only our handler. */
  groupIndex: number | null;
  alone: boolean;
}

/** Our handlers under `hooks[event]`, in file order. */
function findOurs(root: JsonNode, event: string, format: JsonHookFormat, isOurs: IsOurs): Found[] {
  const list = nodeAt(root, ['hooks', event]);
  const found: Found[] = [];
  (list?.items ?? []).forEach((entry, i) => {
    if (format.layout === 'flat') {
      if (isOurs(entry.value)) found.push({ path: ['hooks', event, i], value: entry.value, groupIndex: null, alone: false });
      return;
    }
    const inner = nodeAt(entry, ['hooks']);
    if (!inner || inner.type !== 'array') return;
    const onlyKeys = entry.props!.every((p) => p.key === 'hooks' || p.key === 'matcher');
    inner.items!.forEach((handler, j) => {
      if (!isOurs(handler.value)) return;
      found.push({ path: ['hooks', event, i, 'hooks', j], value: handler.value, groupIndex: i, alone: inner.items!.length === 1 && onlyKeys });
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
  const style = styleOf(text);
  let current = text;
  for (const [event, handler] of Object.entries(handlers)) {
    const root = parseConfig(current, file, format);
    const ours = findOurs(root, event, format, isOurs);
    if (ours.length > 0) {
      if (!sameJson(ours[0].value, handler)) current = replaceNode(current, nodeAt(root, ours[0].path)!, handler, style);
      continue;
    }
    const entry = format.layout === 'nested' ? { hooks: [handler] } : handler;
    const list = nodeAt(root, ['hooks', event]);
    const hooks = nodeAt(root, ['hooks']);
    if (list) current = appendTo(current, list, null, entry, style);
    else if (hooks) current = appendTo(current, hooks, event, [entry], style);
    else current = appendTo(current, root, 'hooks', { [event]: [entry] }, style);
  }
  parseConfig(current, file, format);
  return current;
}

/** The config text without our handlers, and without the groups, lists and `hooks` object only they filled. */
export function removeHooks(text: string, file: string, format: JsonHookFormat, isOurs: IsOurs): string {
  let current = text;
  for (let guard = 0; guard < 1000; guard++) {
    const root = parseConfig(current, file, format);
    const hooks = nodeAt(root, ['hooks']);
    const eventIndex = (hooks?.props ?? []).findIndex((prop) => findOurs(root, prop.key, format, isOurs).length > 0);
    if (eventIndex < 0) return current;
    const event = hooks!.props![eventIndex].key;
    const list = hooks!.props![eventIndex].value;
    const last = findOurs(root, event, format, isOurs).pop()!;
    if (list.items!.length === 1 && (last.groupIndex === null || last.alone)) {
      // The list held only ours: it goes, and so does `hooks` when that was its only list.
      current = hooks!.props!.length === 1 ? removeFrom(current, root, root.props!.findIndex((p) => p.value === hooks)) : removeFrom(current, hooks!, eventIndex);
    } else if (last.groupIndex !== null && !last.alone) {
      current = removeFrom(current, nodeAt(root, last.path.slice(0, -1))!, last.path[last.path.length - 1] as number);
    } else {
      current = removeFrom(current, list, (last.groupIndex ?? last.path[2]) as number);
    }
  }
  return current;
}

/** Events that hold one of our handlers, with the command of the first. */
export function ourEvents(text: string, file: string, format: JsonHookFormat, isOurs: IsOurs): { event: string; command: string | null }[] {
  const root = parseConfig(text, file, format);
  const result: { event: string; command: string | null }[] = [];
  for (const prop of nodeAt(root, ['hooks'])?.props ?? []) {
    const ours = findOurs(root, prop.key, format, isOurs);
    if (ours.length === 0) continue;
    const value = ours[0].value as Record<string, unknown>;
    result.push({ event: prop.key, command: typeof value.command === 'string' ? value.command : typeof value.bash === 'string' ? value.bash : null });
  }
  return result;
}

/** True when nothing but our own root keys (e.g. `version: 1`) is left. */
export function isEmptyConfig(text: string, file: string, format: JsonHookFormat): boolean {
  const value = parseConfig(text, file, format).value as Record<string, unknown>;
  return Object.keys(value).every((key) => !!format.newFileRoot && key in format.newFileRoot && sameJson(value[key], format.newFileRoot[key]));
}
