// What every refusal of a reader must look like (issue 16): one line, printable, bounded in
// length, starting with the file's name. Shared by the reader tests and the fuzz.
import { FileFormatError } from '../../cli/io/file-error.js';

/** The longest message a reader may produce; the longest real ones are about 300 characters. */
export const longestMessage = 1000;

// Control characters, DEL and C1 controls, and the invisible characters that cli/io/quote.ts escapes.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const unprintable = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/** Why `error` is not a well-formed refusal about `file`, or undefined when it is. */
export function badRefusal(error: unknown, file: string): string | undefined {
  if (!(error instanceof FileFormatError)) return `not a FileFormatError: ${String(error)}`;
  const { message } = error;
  if (!message.startsWith(`${file}: `)) return `does not start with the file name: ${message.slice(0, 200)}`;
  if (message.length > longestMessage) return `${message.length} characters long: ${message.slice(0, 200)}`;
  if (unprintable.test(message)) return `holds an unprintable character: ${JSON.stringify(message.slice(0, 200))}`;
  return undefined;
}
