// JSON.parse for texts too long to parse in one turn of the event loop: the same values (the
// fuzz compares them with JSON.parse's), built by a loop with its own stack that yields to the
// event loop every megabyte or so and checks the AbortSignal there, so a 100 MB boxes file
// does not hold off SIGINT/SIGTERM for the seconds JSON.parse would take.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Below this many characters JSON.parse itself is used: it takes well under 0.1 s. */
const oneTurnCharacters = 2 ** 20;

/** Characters parsed between two turns of the event loop. */
const charactersPerTurn = 2 ** 20;

type Open = { array: unknown[] } | { object: Record<string, unknown>; key: string };

const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The value of the JSON `text`, as JSON.parse gives it; invalid JSON is a SyntaxError saying
 * where. `iterativeFrom` is the length from which the text is parsed here rather than by
 * JSON.parse (a parameter for the tests).
 */
export async function parseJsonText(
  text: string,
  signal?: AbortSignal,
  iterativeFrom = oneTurnCharacters,
): Promise<unknown> {
  if (text.length < iterativeFrom) return JSON.parse(text);
  const parser = new IterativeJson(text);
  while (!parser.step(charactersPerTurn)) {
    await nextTurn();
    signal?.throwIfAborted();
  }
  return parser.result;
}

/** The value of the JSON `text` parsed here in one go (the fuzz compares it with JSON.parse's). */
export function parseJsonIteratively(text: string): unknown {
  const parser = new IterativeJson(text);
  parser.step(Infinity);
  return parser.result;
}

class IterativeJson {
  result: unknown;
  private position = 0;
  private readonly stack: Open[] = [];

  constructor(private readonly text: string) {}

  /** Parses about `characters` more characters; true when the text is done. */
  step(characters: number): boolean {
    const stop = this.position + characters;
    while (this.position < stop) {
      const value = this.value();
      if (value === opened) continue;
      if (this.finish(value)) return true;
    }
    return false;
  }

  private fail(expected: string): never {
    const found = this.text[this.position];
    const what = found === undefined ? 'the end of the text' : JSON.stringify(found);
    throw new SyntaxError(`expected ${expected} at position ${this.position}, found ${what}`);
  }

  private space(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.position);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.position++;
    }
  }

  /** The next value; for '[' or '{' with something inside, opens it and returns `opened`. */
  private value(): unknown {
    this.space();
    const { text } = this;
    const c = text[this.position];
    if (c === '"') return this.string();
    if (c === '[') {
      this.position++;
      this.space();
      if (text[this.position] === ']') {
        this.position++;
        return [];
      }
      this.stack.push({ array: [] });
      return opened;
    }
    if (c === '{') {
      this.position++;
      this.space();
      if (text[this.position] === '}') {
        this.position++;
        return {};
      }
      this.stack.push({ object: {}, key: this.key() });
      return opened;
    }
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, this.position)) {
        this.position += word.length;
        return literal;
      }
    }
    number.lastIndex = this.position;
    const match = number.exec(text);
    if (match === null) return this.fail('a JSON value');
    this.position += match[0].length;
    return Number(match[0]);
  }

  /** An object's key and its ':'. */
  private key(): string {
    this.space();
    if (this.text[this.position] !== '"') this.fail('a string key');
    const key = this.string();
    this.space();
    if (this.text[this.position] !== ':') this.fail("':'");
    this.position++;
    return key;
  }

  /** Places a complete `value` in what is open, closing what it completes; true at the end of the text. */
  private finish(value: unknown): boolean {
    for (;;) {
      const open = this.stack[this.stack.length - 1];
      if (open === undefined) {
        this.space();
        if (this.position < this.text.length) this.fail('the end of the text');
        this.result = value;
        return true;
      }
      // (defineProperty, as JSON.parse does: a key "__proto__" is an own property, not the prototype.)
      if ('array' in open) open.array.push(value);
      else
        Object.defineProperty(open.object, open.key, { value, writable: true, enumerable: true, configurable: true });
      this.space();
      const c = this.text[this.position];
      const close = 'array' in open ? ']' : '}';
      if (c === ',') {
        this.position++;
        if (!('array' in open)) open.key = this.key();
        return false;
      }
      if (c !== close) this.fail(`',' or '${close}'`);
      this.position++;
      this.stack.pop();
      value = 'array' in open ? open.array : open.object;
    }
  }

  private string(): string {
    const { text } = this;
    const start = ++this.position;
    // The common case: no escape, no control character before the closing quote.
    const end = text.indexOf('"', start);
    if (end < 0) this.fail("the closing '\"'");
    const plain = text.slice(start, end);
    // eslint-disable-next-line no-control-regex -- a control character must be refused, as JSON.parse does
    if (!/[\\\u0000-\u001f]/.test(plain)) {
      this.position = end + 1;
      return plain;
    }
    let value = '';
    for (;;) {
      const c = text[this.position];
      if (c === '"') break;
      if (c === undefined || c < ' ')
        this.fail(c === undefined ? "the closing '\"'" : 'no control character in a string');
      if (c !== '\\') {
        value += c;
        this.position++;
        continue;
      }
      const next = text[this.position + 1] ?? '';
      if (next === 'u') {
        const hex = text.slice(this.position + 2, this.position + 6);
        if (!/^[\da-fA-F]{4}$/.test(hex)) {
          this.position += 2;
          this.fail('four hexadecimal digits after \\u');
        }
        value += String.fromCharCode(parseInt(hex, 16));
        this.position += 6;
      } else if (Object.hasOwn(escapes, next)) {
        value += escapes[next];
        this.position += 2;
      } else {
        this.position++;
        this.fail('an escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\u)');
      }
    }
    this.position++;
    return value;
  }
}

/** What value() returns when it opened an array or object rather than completing a value. */
const opened = Symbol('opened');
