// Writes the two files made of the wire table of lib/backend/wire.ts: native/addon/wire.h, for
// each operator a struct whose enumerators are its arguments' positions, so the addon's readers
// say `args.integer(Wire::pooled_height, ...)`, never a number; and lib/backend/wire-order.ts,
// for each operator a function from its arguments by name to the positional array.
// test/native/wire.test.ts fails when a committed file differs from what this prints.
// Run after editing lib/backend/wire.ts: npx tsx scripts/generate-wire.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { wire } from '../lib/backend/wire.js';
import { operators } from '../lib/operators.js';

export const wireHeaderPath = 'native/addon/wire.h';
export const wireOrderPath = 'lib/backend/wire-order.ts';

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pascalCase = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** The text of native/addon/wire.h. */
export function wireHeader(): string {
  // One line of code per operator, its arguments listed in the comment above it.
  const structs = operators.map((op) => {
    const entries = Object.entries(wire[op] as Record<string, string>);
    const documented = entries.map(([name, kind], i) => `//   ${i} ${snakeCase(name)}: ${kind}`);
    const enumerators = [...entries.map(([name]) => snakeCase(name)), 'argument_count'].join(', ');
    return [
      `// ${op}`,
      ...documented,
      `struct ${pascalCase(op)} { static constexpr const char* name = "${op}"; enum : size_t { ${enumerators} }; };`,
    ].join('\n');
  });
  return `// Generated from lib/backend/wire.ts by scripts/generate-wire.ts: do not edit.
// The positions of each binding's arguments, by name; an Async binding takes its abort flag
// (an Int32Array or null) at argument_count and the function it settles with after it.
#pragma once
#include <cstddef>

namespace roiops_addon {
namespace wire {

${structs.join('\n\n')}

}  // namespace wire
}  // namespace roiops_addon
`;
}

/** The text of lib/backend/wire-order.ts. */
export function wireOrder(): string {
  const functions = operators.map((op) => {
    const names = Object.keys(wire[op]).map((name) => `n.${name}`);
    return `  ${op}: (n: WireArguments<'${op}'>): unknown[] => [${names.join(', ')}],`;
  });
  return `// Generated from lib/backend/wire.ts by scripts/generate-wire.ts: do not edit.
// Each operator's arguments by name as the positional array its binding takes. Written out
// property by property because a loop over the names would cost about 0.3-0.8 us a call
// (keyed loads of changing names), a few percent of a tiny call.
import type { Operator } from '../operators.js';
import type { WireArguments } from './wire.js';

const order: { [Op in Operator]: (n: WireArguments<Op>) => unknown[] } = {
${functions.join('\n')}
};

/** The positional array a binding takes, from its arguments by name. */
export function positional<Op extends Operator>(op: Op, named: WireArguments<Op>): unknown[] {
  return order[op](named);
}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  writeFileSync(join(root, wireHeaderPath), wireHeader());
  writeFileSync(join(root, wireOrderPath), wireOrder());
  console.log(`wrote ${wireHeaderPath} and ${wireOrderPath}`);
}
