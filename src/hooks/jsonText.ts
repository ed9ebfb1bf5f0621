// Text-preserving edits of JSON and JSONC files, on jsonc-parser (VS Code's own): so a config we
// add hooks to keeps every other byte as the user wrote it: other keys, other hooks, comments, key
// order and indentation. What is left here is what jsonc-parser does not do for us: one-line
// syntax errors, the file's indentation as FormattingOptions, formatting only the text we insert
// (`modify` with formattingOptions reformats the user's neighbouring lines), and removals that give
// back the bytes an insertion added (`modify`'s removals eat the user's whitespace, and its removal
// of a last array item is off by one).
import { applyEdits, findNodeAtLocation, format, FormattingOptions, JSONPath, modify, Node, ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  PropertyNameExpected: 'expected a property name',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected :',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected , or }',
  CloseBracketExpected: 'expected , or ]',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed in this file',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'bad number',
  InvalidNumberFormat: 'bad number',
  InvalidUnicode: 'bad \\u escape',
  InvalidEscapeCharacter: 'bad escape',
  InvalidCharacter: 'control character in a string',
};

function describe(text: string, error: ParseError): string {
  if (error.offset >= text.length) return 'unexpected end of file';
  const name = printParseErrorCode(error.error);
  const trailingComma = /,\s*$/.test(text.slice(0, error.offset)) && '}]'.includes(text[error.offset]);
  if ((name === 'PropertyNameExpected' || name === 'ValueExpected') && trailingComma) return 'trailing comma';
  return MESSAGES[name] ?? `unexpected ${JSON.stringify(text.slice(error.offset, error.offset + Math.max(1, error.length)))}`;
}

/** The syntax tree of `text`, JSONC (comments, trailing commas) only with `comments`. Throws JsonSyntaxError. */
export function parseJsonText(text: string, options: { comments?: boolean } = {}): Node {
  const errors: ParseError[] = [];
  // A leading byte order mark reads as a space: same offsets, and jsonc-parser rejects it.
  const root = parseTree(text.replace(/^\uFEFF/, ' '), errors, { disallowComments: !options.comments, allowTrailingComma: !!options.comments });
  const error = errors[0] ?? (root ? null : { error: 0, offset: text.length, length: 0 });
  if (error) throw new JsonSyntaxError(describe(text, error), text.slice(0, error.offset).split('\n').length);
  return root!;
}

/** The file's indentation (tabs or n spaces, from its first indented line) and line end. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)["{}[\]]/m.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 4, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * Sets the value at `path` through `modify`: replaces it, or adds it (a missing key, or -1 to
 * append to a list) with whatever is missing on the way. Only the new text is formatted, in the
 * file's style: one entry per line, or on one line when its container was written on one line.
 */
export function setAt(text: string, path: JSONPath, value: unknown, formatting: FormattingOptions): string {
  const root = parseTree(text)!;
  const [edit] = modify(text, path, value, {});
  const next = applyEdits(text, [edit]);
  let range = { offset: edit.offset, length: edit.content.length };
  let inline: boolean;
  const existing = findNodeAtLocation(root, path);
  if (existing) {
    inline = !text.slice(existing.offset, existing.offset + existing.length).includes('\n');
  } else {
    // The deepest container that exists: what is missing below it comes in one value.
    let depth = path.length - 1;
    let container = findNodeAtLocation(root, path.slice(0, depth));
    while (!container) container = findNodeAtLocation(root, path.slice(0, --depth));
    const first = container.children?.[0];
    // An empty container opens onto new lines: its brackets are formatted too.
    if (!first) range = { offset: container.offset, length: container.length + edit.content.length };
    inline = !!first && !text.slice(container.offset, first.offset).includes('\n');
  }
  return applyEdits(next, format(next, range, { ...formatting, keepLines: inline }));
}

/** Removes the `index`th property or item of `container` with its comma (the only one: all between the brackets). */
export function removeAt(text: string, container: Node, index: number): string {
  const children = container.children!;
  const end = (node: Node) => node.offset + node.length;
  const [from, to] =
    children.length === 1
      ? [container.offset + 1, end(container) - 1]
      : index > 0
        ? [end(children[index - 1]), end(children[index])]
        : [children[0].offset, children[1].offset];
  return applyEdits(text, [{ offset: from, length: to - from, content: '' }]);
}
