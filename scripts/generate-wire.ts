// Writes native/addon/wire.h from the wire table of lib/backend/wire.ts: for each operator, a
// struct whose enumerators are its arguments' positions, so the addon's readers say
// `args.integer(Wire::pooled_height, ...)`, never a number. test/native/wire.test.ts fails when
// the committed header differs from what this prints.
// Run after editing lib/backend/wire.ts: npx tsx scripts/generate-wire.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { wire } from '../lib/backend/wire.js';
import { operators } from '../lib/operators.js';

export const wireHeaderPath = 'native/addon/wire.h';

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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  writeFileSync(join(root, wireHeaderPath), wireHeader());
  console.log(`wrote ${wireHeaderPath}`);
}
