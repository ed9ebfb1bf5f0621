// A small JSON (and JSONC: comments, trailing commas) reader that keeps every value's place in
// the text, and edits that touch only the text they change. So a config we add hooks to keeps every
// other byte as the user wrote it: other keys, other hooks, comments, key order and indentation.

export interface JsonNode {
  type: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  start: number;
  end: number;
  value: unknown;
  /** Objects: their properties in order. */
  props?: JsonProp[];
  /** Arrays: their items in order. */
  items?: JsonNode[];
}

export interface JsonProp {
  key: string;
  keyStart: number;
  value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseJsonText(text: string, options: { comments?: boolean } = {}): JsonNode {
  let pos = 0;
  const comments = !!options.comments;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, text.slice(0, pos).split('\n').length);
  };
  const skip = () => {
    for (;;) {
      const ws = /^[ \t\r\n\uFEFF]+/.exec(text.slice(pos, pos + 4096));
      if (ws) {
        pos += ws[0].length;
        continue;
      }
      if (comments && text.startsWith('//', pos)) {
        const nl = text.indexOf('\n', pos);
        pos = nl < 0 ? text.length : nl + 1;
        continue;
      }
      if (comments && text.startsWith('/*', pos)) {
        const close = text.indexOf('*/', pos + 2);
        if (close < 0) fail('unterminated comment');
        pos = close + 2;
        continue;
      }
      return;
    }
  };
  const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readString = (): string => {
    STRING.lastIndex = pos;
    const match = STRING.exec(text);
    if (!match) fail('bad string');
    pos += match![0].length;
    return JSON.parse(match![0]);
  };
  const value = (): JsonNode => {
    skip();
    const start = pos;
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const props: JsonProp[] = [];
      const result: Record<string, unknown> = {};
      skip();
      while (text[pos] !== '}') {
        if (props.length > 0) {
          if (text[pos] !== ',') fail('expected , or }');
          pos++;
          skip();
          if (comments && text[pos] === '}') break;
        }
        if (text[pos] !== '"') fail('expected a property name');
        const keyStart = pos;
        const key = readString();
        skip();
        if (text[pos] !== ':') fail('expected :');
        pos++;
        const child = value();
        props.push({ key, keyStart, value: child });
        result[key] = child.value;
        skip();
      }
      pos++;
      return { type: 'object', start, end: pos, value: result, props };
    }
    if (ch === '[') {
      pos++;
      const items: JsonNode[] = [];
      skip();
      while (text[pos] !== ']') {
        if (items.length > 0) {
          if (text[pos] !== ',') fail('expected , or ]');
          pos++;
          skip();
          if (comments && text[pos] === ']') break;
        }
        items.push(value());
        skip();
      }
      pos++;
      return { type: 'array', start, end: pos, value: items.map((item) => item.value), items };
    }
    if (ch === '"') {
      const s = readString();
      return { type: 'string', start, end: pos, value: s };
    }
    for (const [word, literal] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return { type: literal === null ? 'null' : 'boolean', start, end: pos, value: literal };
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (!number || number[0] === '') fail(pos >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[pos])}`);
    pos += number![0].length;
    return { type: 'number', start, end: pos, value: Number(number![0]) };
  };
  const root = value();
  skip();
  if (pos < text.length) fail('unexpected text after the JSON value');
  return root;
}

/** Style of a file: one indentation step and its line end. */
export interface TextStyle {
  indent: string;
  eol: string;
}

export function styleOf(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const match = /^([ \t]+)["{}[\]]/m.exec(text);
  return { indent: match ? (match[1].startsWith('\t') ? '\t' : match[1]) : '  ', eol };
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** JSON for `value` placed at a line indented by `indent`, multi-line or on one line. */
function render(value: unknown, indent: string, style: TextStyle, multiline: boolean): string {
  if (!multiline) return JSON.stringify(value);
  return JSON.stringify(value, null, style.indent).split('\n').join(style.eol + indent);
}

interface Child {
  start: number;
  end: number;
}

function childrenOf(node: JsonNode): Child[] {
  if (node.type === 'object') return node.props!.map((p) => ({ start: p.keyStart, end: p.value.end }));
  return node.items!.map((item) => ({ start: item.start, end: item.end }));
}

/** Adds a property (objects) or an item (arrays) at the end of `container`, in the style around it. */
export function appendTo(text: string, container: JsonNode, key: string | null, value: unknown, style: TextStyle): string {
  const children = childrenOf(container);
  const entry = (indent: string, multiline: boolean) => (key === null ? '' : `${JSON.stringify(key)}: `) + render(value, indent, style, multiline);
  if (children.length === 0) {
    const outer = lineIndent(text, container.start);
    const inner = outer + style.indent;
    return text.slice(0, container.start + 1) + style.eol + inner + entry(inner, true) + style.eol + outer + text.slice(container.end - 1);
  }
  const first = children[0];
  const gap = text.slice(container.start + 1, first.start);
  const multiline = gap.includes('\n');
  const separator = multiline ? style.eol + lineIndent(text, first.start) : /^\s*/.exec(gap)![0] || (container.type === 'object' ? ' ' : '');
  const last = children[children.length - 1];
  // A trailing comma (JSONC) stays the last thing before the closing bracket.
  const trailing = /^(\s*),/.exec(text.slice(last.end, container.end - 1));
  const at = trailing ? last.end + trailing[0].length : last.end;
  const added = trailing ? `${separator}${entry(lineIndent(text, first.start), multiline)},` : `,${separator}${entry(lineIndent(text, first.start), multiline)}`;
  return text.slice(0, at) + added + text.slice(at);
}

/** Replaces a value in place. */
export function replaceNode(text: string, node: JsonNode, value: unknown, style: TextStyle): string {
  const multiline = text.slice(node.start, node.end).includes('\n');
  return text.slice(0, node.start) + render(value, lineIndent(text, node.start), style, multiline) + text.slice(node.end);
}

/** Removes the `index`th property or item of `container`, with its comma. */
export function removeFrom(text: string, container: JsonNode, index: number): string {
  const children = childrenOf(container);
  if (children.length === 1) {
    return text.slice(0, container.start + 1) + text.slice(container.end - 1);
  }
  if (index > 0) return text.slice(0, children[index - 1].end) + text.slice(children[index].end);
  return text.slice(0, children[0].start) + text.slice(children[1].start);
}

/** The node at a path of keys and indexes, or null. */
export function nodeAt(root: JsonNode, path: (string | number)[]): JsonNode | null {
  let node: JsonNode | null = root;
  for (const step of path) {
    if (!node) return null;
    if (typeof step === 'number') node = node.type === 'array' ? node.items![step] ?? null : null;
    else node = node.type === 'object' ? [...node.props!].reverse().find((p) => p.key === step)?.value ?? null : null;
  }
  return node;
}
