// parseJsonText: JSON.parse's values a megabyte at a time. Its own parser must give what
// JSON.parse gives on every text (the fuzz compares them on arbitrary ones; these are the
// corners), refuse what JSON.parse refuses, and stop between turns when aborted.
import { describe, expect, it } from 'vitest';

import { parseJsonIteratively, parseJsonText } from '../../cli/io/json-text.js';

/** Both parsers' outcomes for `text`: the value as JSON (own "__proto__" keys included), or "refused". */
function both(text: string): [string, string] {
  const outcome = (parse: (text: string) => unknown) => {
    try {
      return JSON.stringify(parse(text));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return 'refused';
    }
  };
  return [outcome(JSON.parse), outcome(parseJsonIteratively)];
}

describe('the iterative parser gives what JSON.parse gives', () => {
  it.each([
    '[[0, 1.5, -2e3, 3E-2, 4], [5, 6, 7, 8, 9]]',
    ' {"boxes": [[1,2,3,4]], "scores": [0.5], "nested": {"a": [[], {}], "b": null}} ',
    '{"__proto__": [1], "constructor": 2, "a": 1, "a": 3}',
    '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\ud800"',
    '"\u007f\ud800 raw"',
    '-0',
    '1e999',
    'true',
    '[true,false,null]',
  ])('accepts %s', (text) => {
    const [expected, got] = both(text);
    expect(expected).not.toBe('refused');
    expect(got).toBe(expected);
  });

  it.each([
    '',
    ' ',
    '[1,]',
    '{"a":1,}',
    '{a:1}',
    "['a']",
    '01',
    '1.',
    '.5',
    '+1',
    '-',
    'nulls',
    'NaN',
    '[1 2]',
    '{"a" 1}',
    '"\u0001"',
    '"\\x41"',
    '"\\u12G4"',
    '"open',
    '[1]]',
    '\uFEFF[1]',
  ])('refuses %j', (text) => {
    expect(both(text)).toEqual(['refused', 'refused']);
  });

  it('nests 100,000 deep without recursion', () => {
    let value = parseJsonIteratively(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    let depth = 0;
    while (Array.isArray(value) && value.length === 1) {
      value = value[0];
      depth++;
    }
    expect([depth, value]).toEqual([99_999, []]);
  });

  it('says where', () => {
    expect(() => parseJsonIteratively('[1, 2,, 3]')).toThrow(
      new SyntaxError('expected a JSON value at position 6, found ","'),
    );
    expect(() => parseJsonIteratively('{"a": 1')).toThrow(
      new SyntaxError("expected ',' or '}' at position 7, found the end of the text"),
    );
  });
});

describe('parseJsonText', () => {
  it('uses JSON.parse for short texts and its own parser for long ones, alike', async () => {
    const text = JSON.stringify({ boxes: Array.from({ length: 60_000 }, (_, k) => [k % 3, k, k + 0.5, k + 2, k + 3]) });
    expect(text.length).toBeGreaterThan(2 ** 20);
    expect(await parseJsonText(text)).toEqual(JSON.parse(text));
    await expect(parseJsonText('[1,', undefined, 0)).rejects.toThrow(SyntaxError);
  });

  it('stops between turns of the event loop when aborted', async () => {
    const text = JSON.stringify(Array.from({ length: 300_000 }, (_, k) => [k, k, k, k]));
    const controller = new AbortController();
    const parsing = parseJsonText(text, controller.signal);
    setImmediate(() => controller.abort());
    await expect(parsing).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});
