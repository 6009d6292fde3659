// The argument layer every command shares: node:util parseArgs with the command's option
// table, --help text generated from that same table (so the help cannot drift from what is
// parsed), and the parsers that turn option strings into numbers, sizes and lists. Every
// failure is a UsageError saying what was expected for which option and what came.
import { parseArgs } from 'node:util';

import { exitStatus, UsageError, type Command, type ParseArgsOption, type ParsedCommandLine } from './command.js';
import { ShardError, shardFromScheduler, type ChosenShard } from './shard.js';

/** The options every command has (their help lines are written by optionLines). */
const commonOptions: Record<string, ParseArgsOption> = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Parses `argv` (the arguments after the command's name) against `command`'s options. */
export function parseCommandLine(
  command: Command,
  argv: readonly string[],
): ParsedCommandLine & { help: boolean; json: boolean } {
  const options = { ...command.options, ...commonOptions };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownOption(command, argv, message);
    // parseArgs' other messages name the option ("Option '--x <value>' argument missing"); keep them.
    throw new UsageError(message);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  if (!help) checkPositionals(command, positionals);
  return { values, positionals, help, json: values.json === true };
}

/** A number as a value may start with a minus sign: -1, -0.5, -.5, -inf, -1/16, -1,2. */
const negativeNumber = /^-(?:\d|\.\d|inf)/i;

/**
 * `--sampling-ratio -1` as people type it. parseArgs reads every token that starts with '-' as
 * an option, so a negative number after an option that takes a value is joined to it
 * (`--sampling-ratio=-1`), which parseArgs reads as that option's value.
 */
function joinNegativeValues(argv: readonly string[], options: Record<string, ParseArgsOption>): string[] {
  const takesValue = (token: string): string | undefined => {
    const name = token.startsWith('--')
      ? token.slice(2)
      : Object.keys(options).find((key) => token === `-${options[key]?.short}`);
    return name !== undefined && Object.hasOwn(options, name) && options[name]?.type === 'string' ? name : undefined;
  };
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') return [...joined, ...argv.slice(i)];
    const name = takesValue(token);
    const next = argv[i + 1];
    if (name !== undefined && next !== undefined && negativeNumber.test(next)) {
      joined.push(`--${name}=${next}`);
      i += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/** The edit distance of `a` and `b` (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * parseArgs' message for an unknown option, with the option the user probably meant: the
 * library's spelling (--samplingRatio, --sampling_ratio) of a flag, or a typo of one.
 */
function unknownOption(command: Command, argv: readonly string[], message: string): UsageError {
  const typed = /'(-[^']*)'/.exec(message)?.[1] ?? argv.find((token) => token.startsWith('-')) ?? '';
  const name = typed.replace(/^-+/, '').split('=')[0] as string;
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
  const names = [...Object.keys(command.options), 'json', 'help'];
  const meant =
    names.find((option) => option === kebab) ??
    names.find((option) => kebab.length > 2 && editDistance(option, kebab) <= (kebab.length > 5 ? 2 : 1));
  const hint = meant === undefined ? `'roi-ops ${command.name} --help' lists the options.` : `Did you mean --${meant}?`;
  return new UsageError(`Unknown option '${typed.split('=')[0]}'. ${hint}`);
}

function checkPositionals(command: Command, positionals: string[]): void {
  const { min, max } = command.positionals;
  if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`);
  if (positionals.length < min) throw new UsageError(`missing argument: roi-ops ${command.name} ${command.usage}`);
}

/** The usage line and where to read more, shown after a usage error. */
export function shortUsage(command: Command): string {
  return `Usage: roi-ops ${command.name} ${command.usage}\nRun 'roi-ops ${command.name} --help' for the options and examples.`;
}

function optionLines(command: Command): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    lines.push([flag, spec.help]);
  }
  lines.push(['--json', command.jsonHelp], ['-h, --help', 'show this help']);
  return lines;
}

/** `roi-ops <command> --help`: usage, description, options, examples, exit statuses. */
export function formatHelp(command: Command): string {
  const options = optionLines(command);
  const width = Math.min(30, Math.max(...options.map(([flag]) => flag.length)));
  const indent = ' '.repeat(width + 4);
  const optionText = options.map(([flag, help]) => {
    const [first, ...rest] = help.split('\n');
    const head = flag.length > width ? `  ${flag}\n${indent}${first}` : `  ${flag.padEnd(width)}  ${first}`;
    return [head, ...rest.map((line) => `${indent}${line}`)].join('\n');
  });
  return [
    `Usage: roi-ops ${command.name} ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...optionText,
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    `Exit status: ${exitStatus.ok} success; ${exitStatus.failed} ${command.failure}; ${exitStatus.usage} usage error (nothing was run).`,
    ...(command.notes ? ['', command.notes] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// Values

function expected(what: string, flag: string, text: string): UsageError {
  return new UsageError(`expected ${what} for --${flag} but received ${JSON.stringify(text)}`);
}

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const special: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

function numberOrUndefined(text: string): number | undefined {
  const trimmed = text.trim();
  if (decimal.test(trimmed)) return Number(trimmed);
  const named = special[trimmed.toLowerCase()];
  if (named !== undefined) return named;
  // A fraction, because strides are written that way (--spatial-scale 1/16).
  const fraction = /^([^/]+)\/([^/]+)$/.exec(trimmed);
  if (fraction && decimal.test(fraction[1] as string) && decimal.test(fraction[2] as string)) {
    return Number(fraction[1]) / Number(fraction[2]);
  }
  return undefined;
}

export const parseValue = {
  /**
   * A number as written: decimal (0.0625, 1e-3), a fraction (1/16), nan or inf. Whether the
   * value suits the option (an integer, a positive scale) is the library's to say.
   */
  number(flag: string, text: string): number {
    const value = numberOrUndefined(text);
    if (value === undefined) throw expected('a number (like 0.0625 or 1/16)', flag, text);
    return value;
  },

  /** An integer in [min, max], for the command line's own settings (--repeat, --concurrency). */
  integerIn(min: number, max: number) {
    return (flag: string, text: string): number => {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < min || n > max) throw expected(`an integer in [${min}, ${max}]`, flag, text);
      return n;
    };
  },

  /** `7` (7 x 7 bins, passed as 7) or `7x5` (height x width, passed as [7, 5]). */
  size(flag: string, text: string): number | [number, number] {
    const match = /^(\d+)(?:[xX](\d+))?$/.exec(text.trim());
    if (!match) throw expected('a size N or HxW (like 7 or 7x7)', flag, text);
    return match[2] === undefined ? Number(match[1]) : [Number(match[1]), Number(match[2])];
  },

  /** Comma-separated numbers: `1,2,4` or `1/4,1/8`. */
  numberList(flag: string, text: string): number[] {
    const items = text.split(',');
    const values = items.map(numberOrUndefined);
    if (values.some((value) => value === undefined)) throw expected('comma-separated numbers (like 1,2,4)', flag, text);
    return values as number[];
  },

  /** Exactly as many comma-separated numbers as `names` (`x1,y1,x2,y2` for a box), in that order. */
  numberTuple(names: readonly string[]) {
    return (flag: string, text: string): number[] => {
      const values = text.split(',').map(numberOrUndefined);
      if (values.length !== names.length || values.some((value) => value === undefined)) {
        throw expected(`${names.length} comma-separated numbers ${names.join(',')}`, flag, text);
      }
      return values as number[];
    };
  },

  /** `i/n` (the i-th, 0-based, of n parts) or `auto` (the array-job index of the scheduler: ./shard.ts). */
  shard(flag: string, text: string): ChosenShard {
    if (text.trim() === 'auto') {
      try {
        return shardFromScheduler();
      } catch (error) {
        if (error instanceof ShardError) throw new UsageError(`--${flag} ${error.message}`);
        throw error;
      }
    }
    const match = /^(\d{1,15})\/(\d{1,15})$/.exec(text.trim());
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    if (!match || count < 1 || index >= count) throw expected('i/n with 0 <= i < n (like 0/4) or auto', flag, text);
    return { index, count };
  },

  /** One of `choices`, for the command line's own settings. */
  choice<T extends string>(choices: readonly T[]) {
    return (flag: string, text: string): T => {
      if (!(choices as readonly string[]).includes(text)) throw expected(`one of ${choices.join(', ')}`, flag, text);
      return text as T;
    };
  },
};

/** The string value of a single-valued string option, if given. */
export function stringValue(values: ParsedCommandLine['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
