// What every `roi-ops` command is: a name, the text of its --help, its options (node:util
// parseArgs configurations plus a line of help each), and a function that runs it and returns
// the exit status. program.ts dispatches to them; args.ts parses and prints help from them.
import type { ParseArgsConfig } from 'node:util';

/** The exit statuses of every command (docs/cli.md "Usage and exit statuses"). */
export const exitStatus = {
  ok: 0,
  /** The command ran and failed; for batch, at least one job failed. */
  failed: 1,
  /** The command line is wrong: nothing was run. */
  usage: 2,
  /** Interrupted by SIGINT (128 + 2, the shell's convention). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15), as schedulers stop a job. */
  terminated: 143,
  /**
   * stdout or stderr was closed by its reader (`roi-ops batch --json | head -1`): 128 + 13,
   * the status of a program that SIGPIPE stops, as `yes` in `yes | head -1`.
   */
  closedOutput: 141,
} as const;

/**
 * A wrong command line: reported as `roi-ops <command>: <message>` with the command's usage
 * line, exit status 2. The message says what was expected and what came.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How parseArgs reads one option (@types/node does not export the name). */
export type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/** One option: how parseArgs reads it, and its line of --help. */
export type OptionSpec = ParseArgsOption & {
  /** The value's placeholder in the help (`N`, `FILE`, `HxW`); none for a boolean flag. */
  value?: string;
  help: string;
};

export type OptionSpecs = Record<string, OptionSpec>;

/** What parseArgs returned for a command line. */
export interface ParsedCommandLine {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for `roi-ops --help`. */
  summary: string;
  /** The usage line after `roi-ops <name> `, e.g. `--op NAME --input FILE ... [options]`. */
  usage: string;
  /** Paragraphs of --help between the usage line and the options. */
  description: string;
  /** The command's own options; --json and --help are added to every command. */
  options: OptionSpecs;
  /** The help line of --json: what the command prints as JSON. */
  jsonHelp: string;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  /** Command lines shown under "Examples:" in --help (at least one). */
  examples: string[];
  /** What exit status 1 means for this command ("the job failed"). */
  failure: string;
  /** Paragraphs of --help after the examples (exit statuses beyond 0/1/2, notes). */
  notes?: string;
  run(commandLine: ParsedCommandLine & { json: boolean }): Promise<number>;
}
