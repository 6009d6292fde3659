// What every command shares: --help with a usage line, the options and an example; the list of
// commands; usage errors before any command runs.
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, runCli } from '../helpers/cli.js';

beforeAll(ensureBuilt, 120_000);

const commands = ['info', 'pool', 'batch', 'explain', 'demo', 'bench', 'onnx inspect', 'onnx bench'];

describe('roi-ops --help', () => {
  it.each(commands)('%s --help: exit 0, usage line, options, --json, an example, exit statuses', (name) => {
    const result = runCli([...name.split(' '), '--help']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const help = result.stdout;
    expect(help.startsWith(`Usage: roi-ops ${name} `)).toBe(true);
    expect(help).toContain('\nOptions:\n');
    expect(help).toMatch(/\n {2}--json {2,}\S/);
    expect(help).toMatch(/\n {2}-h, --help {2,}show this help\n/);
    expect(help).toMatch(new RegExp(`\\nExamples:\\n {2}roi-ops ${name}`));
    expect(help).toMatch(/\nExit status: 0 success; 1 .+; 2 usage error/);
  });

  it('roi-ops --help lists every command', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    for (const name of commands) expect(result.stdout).toMatch(new RegExp(`\\n {2}${name} +\\S`));
  });

  it('an option before the command is a usage error', () => {
    const result = runCli(['--json', 'info']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("roi-ops: expected a command before the option '--json'");
  });
});
