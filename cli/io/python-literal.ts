// A parser for the Python literals that a .npy header is written in (numpy writes the repr of
// a dict and reads it back with ast.literal_eval). Only what a header can hold: dicts, tuples,
// lists, strings, integers, True, False and None. Nothing is evaluated.
import { quote } from './quote.js';

export type PyValue = { text: string } & (
  | { type: 'dict'; entries: Array<[PyValue, PyValue]> }
  | { type: 'tuple' | 'list'; items: PyValue[] }
  | { type: 'str'; value: string }
  /** `value` is rounded past 2^53: check Number.isSafeInteger before trusting it. */
  | { type: 'int'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
);

/** Parses `source`, one literal surrounded by white space; a SyntaxError says where it fails. */
export function parsePythonLiteral(source: string): PyValue {
  const parser = new Parser(source);
  const value = parser.value();
  parser.skipSpace();
  if (parser.position < source.length) parser.fail('the end of the header');
  return value;
}

const closing = { '{': '}', '(': ')', '[': ']' } as const;
// An integer, True, False or None, not followed by what would make it another token (2.5, Truex).
const literal = /(?:([+-]?\d+)L?|True|False|None)(?![\w.])/y;

// Deeper nesting than any header has; the limit keeps a hostile header off the call stack's edge.
const maxDepth = 32;

class Parser {
  position = 0;
  private depth = 0;

  constructor(private readonly source: string) {}

  skipSpace(): void {
    while (/\s/.test(this.source[this.position] ?? '')) this.position++;
  }

  /** Fails at the current position, showing the character there (or the word, `word`). */
  fail(expected: string, word = false): never {
    const found = word ? /[^\s,:()[\]{}]*/y : /./y;
    found.lastIndex = this.position;
    const text = found.exec(this.source)?.[0] || this.source[this.position];
    const what = text === undefined ? 'the end' : quote(text, 40);
    throw new SyntaxError(`expected ${expected} at offset ${this.position}, found ${what}`);
  }

  value(): PyValue {
    this.skipSpace();
    const start = this.position;
    const char = this.source[start];
    let value: PyValue;
    if (char === '{') {
      const entries: Array<[PyValue, PyValue]> = [];
      this.sequence(char, () => {
        const key = this.value();
        this.skipSpace();
        if (this.source[this.position] !== ':') this.fail("':'");
        this.position++;
        entries.push([key, this.value()]);
      });
      value = { type: 'dict', entries, text: '' };
    } else if (char === '(' || char === '[') {
      const items: PyValue[] = [];
      const commas = this.sequence(char, () => items.push(this.value()));
      // `(3)` is the number 3, not a tuple: Python needs the comma of `(3,)`.
      if (char === '(' && items.length === 1 && commas === 0)
        return { ...(items[0] as PyValue), text: this.source.slice(start, this.position) };
      value = { type: char === '(' ? 'tuple' : 'list', items, text: '' };
    } else if (char === "'" || char === '"') {
      value = { type: 'str', value: this.string(char), text: '' };
    } else {
      literal.lastIndex = start;
      const match = literal.exec(this.source);
      if (match === null) this.fail('a literal (dict, tuple, list, string, integer, True, False or None)', true);
      this.position += match[0].length;
      // (The `L` is Python 2's long integer suffix, still found in old .npy files.)
      if (match[1] !== undefined) value = { type: 'int', value: Number(match[1]), text: '' };
      else if (match[0] === 'None') value = { type: 'none', text: '' };
      else value = { type: 'bool', value: match[0] === 'True', text: '' };
    }
    value.text = this.source.slice(start, this.position);
    return value;
  }

  /** Items separated by commas (a trailing one allowed) up to the bracket closing `open`; returns the number of commas. */
  private sequence(open: keyof typeof closing, item: () => void): number {
    const close = closing[open];
    if (++this.depth > maxDepth) this.fail(`at most ${maxDepth} nested brackets`);
    this.position++;
    let commas = 0;
    for (;;) {
      this.skipSpace();
      if (this.source[this.position] === close) break;
      item();
      this.skipSpace();
      if (this.source[this.position] === ',') {
        this.position++;
        commas++;
      } else if (this.source[this.position] !== close) {
        this.fail(`',' or '${close}'`);
      }
    }
    this.position++;
    this.depth--;
    return commas;
  }

  /** A quoted string without prefixes; the only escapes are of the backslash and the quotes. */
  private string(quote: string): string {
    let value = '';
    for (this.position++; ; this.position++) {
      const char = this.source[this.position];
      if (char === quote) break;
      if (char === undefined || char === '\n') this.fail(`the closing ${quote}`);
      if (char === '\\') {
        const next = this.source[++this.position];
        if (next !== '\\' && next !== "'" && next !== '"') this.fail('one of \\\\, \\\' or \\" after a backslash');
        value += next;
      } else {
        value += char;
      }
    }
    this.position++;
    return value;
  }
}
