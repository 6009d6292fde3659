// roi-ops' own output for one workload, the yardstick of every agreement in bench/run.ts: one Sync
// call of the workload's operator (NCHW, a new output), written as raw float32 to <output file>;
// prints {backend, outputShape} as JSON. run.ts runs it on the native addon, and again with
// ROI_OPS_FORCE_JS=1 when that fails (an addon built before the operator existed).
// Usage: roi-ops-output.ts <workload dir> <workload id> <output file>
import { info } from 'roi-ops';
import { roiOpsCall } from './roi-ops-calls.js';
import { readWorkload, writeOutput } from './workload-files.js';

const [directory, id, outputFile] = process.argv.slice(2);
if (!directory || !id || !outputFile)
  throw new Error('usage: roi-ops-output.ts <workload dir> <workload id> <output file>');

const output = await roiOpsCall(readWorkload(directory, id), 'sync', { layout: 'NCHW' })();
writeOutput(outputFile, output.data);
process.stdout.write(JSON.stringify({ backend: info(), outputShape: output.shape }));
