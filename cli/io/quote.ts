// Showing untrusted text (a key, a dtype, a header, a field of a file, a line of a manifest) in a
// one-line message: control characters and the invisible characters that reorder or hide text are
// escaped, so a file cannot put a newline, a terminal escape sequence or a forged
// "roi-ops batch: ..." line into stderr, and the text is cut to a prefix, so a 36 MB field makes
// a short message. Which characters are unprintable, and their escapes, is ../printable.ts's.

import { escapeUnprintable } from '../printable.js';

/** How many characters of an untrusted text a message shows by default. */
export const shownCharacters = 80;

/** At most `limit` UTF-16 units of `text`, never ending in half of a surrogate pair. */
function prefix(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * `text` in double quotes as JSON writes a string (\n, \u001b, ...), with the invisible
 * characters escaped too; over `limit` characters, a prefix and the whole length:
 * `"abc..."... (1234567 characters)`.
 */
export function quote(text: string, limit = shownCharacters): string {
  // JSON.stringify escapes the quotes, backslashes and C0 controls; escapeUnprintable the rest
  // that a terminal would act on or hide (DEL, C1 controls, bidirectional and zero-width marks).
  const shown = escapeUnprintable(JSON.stringify(prefix(text, limit)));
  return text.length > limit ? `${shown}... (${text.length} characters)` : shown;
}

/**
 * A value parsed from an untrusted JSON text, in a few words, without looking inside it
 * further than one level (a nesting a million deep must not reach the call stack's limit)
 * and without any property lookup that the text could have planted (an own "constructor").
 */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object': {
      const keys = Object.keys(value).length;
      return keys === 1 ? 'an object with 1 key' : `an object with ${keys} keys`;
    }
    default:
      return typeof value;
  }
}
