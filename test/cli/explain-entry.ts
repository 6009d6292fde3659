// A test-only process entry for `roi-ops explain` until lib/cli.ts dispatches to it:
// node --import tsx test/cli/explain-entry.ts [options]
import { explainCommand } from '../../lib/cli/explain.js';

process.exitCode = await explainCommand(process.argv.slice(2));
