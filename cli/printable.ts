// Every line the command line prints can carry text it did not write: a manifest's fields, a
// file's name or contents, a library message quoting them. printable() is the one gate for
// it: a control character printed raw could move the cursor, recolour the terminal or start
// a line that reads like roi-ops' own ("roi-ops batch: 0 failed"), and a 36 MB field would be
// a 36 MB line. So such characters are written as escapes and a line is cut to a bound.

/** The longest line printed, in characters: room for a message naming a long path, not for a 36 MB field. */
export const maxPrintedLength = 2000;

/**
 * Characters that must not reach a terminal or a log raw: C0 and C1 controls and DEL
 * (\p{Cc}: newlines, ESC, 0x9b the one-byte CSI); what hides or reorders text: the soft
 * hyphen, the line and paragraph separators, the bidirectional marks, embeddings and
 * isolates, zero-width characters, the byte order mark and the interlinear annotation marks;
 * and lone surrogates.
 */
const unprintable = /[\p{Cc}\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\p{Cs}/u;

const unprintableEverywhere = new RegExp(unprintable.source, 'gu');

const namedEscapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  const named = namedEscapes[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0) as number;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every unprintable character written as its escape; no other change, no bound. */
export function escapeUnprintable(text: string): string {
  return text.replace(unprintableEverywhere, escapeCharacter);
}

/**
 * `text` as one printable line of at most about `maxLength` characters: unprintable
 * characters as escapes (`\n`, `\x1b`, `\u202e`), and a longer text cut, with a note of its
 * length so the reader knows it was cut.
 */
export function printable(text: string, maxLength = maxPrintedLength): string {
  let line = '';
  // for...of walks code points, so a surrogate pair is never split; only the first
  // maxLength of them are looked at, however long the text.
  for (const character of text.slice(0, maxLength + 1)) {
    const shown = unprintable.test(character) ? escapeCharacter(character) : character;
    if (line.length + shown.length > maxLength) {
      return `${line}... (cut: ${text.length} characters in all)`;
    }
    line += shown;
  }
  return line;
}

/** The most lines printableLines() keeps. */
const maxPrintedLines = 40;

/**
 * `text` of several lines (roi-ops' own multi-line errors, such as the addon's load error),
 * each made printable. Every line after the first is indented, so no line of it can pass
 * for a line of roi-ops' own output, and at most 40 are kept.
 */
export function printableLines(text: string): string {
  // split's limit: a text of millions of lines is not split whole.
  const lines = text.split('\n', maxPrintedLines + 1);
  const shown = lines.slice(0, maxPrintedLines).map((line, i) => {
    const printed = printable(line);
    return i === 0 || printed.startsWith(' ') ? printed : `  ${printed}`;
  });
  if (lines.length > maxPrintedLines) shown.push(`  ... (cut after ${maxPrintedLines} lines)`);
  return shown.join('\n');
}
