// printable() and printableLines() (cli/printable.ts): the one gate between untrusted text and
// the terminal. Escapes are checked character by character; the bound holds however long the
// text, and a cut never splits a surrogate pair.
import { describe, expect, it } from 'vitest';

import { maxPrintedLength, printable, printableLines } from '../../cli/printable.js';

describe('printable', () => {
  it.each([
    ['plain text', 'roi-ops batch: line 3', 'roi-ops batch: line 3'],
    ['a newline and a carriage return', 'a\nb\rc', 'a\\nb\\rc'],
    ['ESC (a terminal escape sequence)', '\u001b[2J', '\\x1b[2J'],
    ['NUL, DEL and the one-byte CSI', '\u0000\u007f\u009b', '\\x00\\x7f\\x9b'],
    ['a right-to-left override', 'abc\u202edef', 'abc\\u202edef'],
    ['the line separator and a zero-width space', '\u2028\u200b', '\\u2028\\u200b'],
    ['a lone surrogate', 'x\ud800y', 'x\\ud800y'],
    ['letters of any script and an emoji', 'Größe 大きさ 📦', 'Größe 大きさ 📦'],
  ])('%s', (_, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it('cuts a long text to the bound and says how long it was', () => {
    const shown = printable('x'.repeat(10_000_000));
    expect(shown).toBe(`${'x'.repeat(maxPrintedLength)}... (cut: 10000000 characters in all)`);
  });

  it('counts the escapes against the bound', () => {
    const shown = printable('\u001b'.repeat(1000));
    expect(shown.startsWith('\\x1b'.repeat(500))).toBe(true);
    expect(shown.split('... (cut')[0]).toHaveLength(maxPrintedLength);
    expect(shown.endsWith('... (cut: 1000 characters in all)')).toBe(true);
  });

  it('never splits a surrogate pair at the cut', () => {
    const shown = printable(`${'x'.repeat(maxPrintedLength - 1)}📦📦`);
    expect(shown).toBe(`${'x'.repeat(maxPrintedLength - 1)}... (cut: ${maxPrintedLength + 3} characters in all)`);
  });
});

describe('printableLines', () => {
  it('keeps lines, escapes each, and indents every line after the first', () => {
    expect(printableLines('roi-ops: no addon\n  reason: x\nroi-ops batch: 0 failed\n\u001b[31m')).toBe(
      'roi-ops: no addon\n  reason: x\n  roi-ops batch: 0 failed\n  \\x1b[31m',
    );
  });

  it('keeps at most 40 lines', () => {
    const shown = printableLines(Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
    expect(shown.split('\n')).toHaveLength(41);
    expect(shown.endsWith('\n  ... (cut after 40 lines)')).toBe(true);
  });
});
