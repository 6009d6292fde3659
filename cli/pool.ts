// `roi-ops pool`: one job from files to a file. The flags (job-flags.ts) become a job
// (job-spec.ts), run by run-job.ts through the same library call a program would make, so
// the .npy it writes equals that call's output on the same data.
import { formatShape } from '../lib/internal.js';
import { removeStaleTemporaries } from './atomic-write.js';
import { UsageError, type Command, type ParsedCommandLine } from './command.js';
import { formatMs } from './format.js';
import { printable } from './printable.js';
import { flagOf, jobFieldsFromFlags, jobFlags } from './job-flags.js';
import { defaultMaxJobBytes, maxJobBytesOption, parseByteSize } from './job-memory.js';
import { jobOutputs, JobSpecError, readJobSpec, type JobSpec } from './job-spec.js';
import { checkJobFiles, checkOutputsReplaceable } from './output-files.js';
import { runJob, type JobPlaces, type JobReport } from './run-job.js';

const asGiven = (path: string) => path;
const places: JobPlaces = { input: asGiven, output: asGiven };

/**
 * What the flags describe; a job that cannot be run as written (its outputs one file under two
 * names, or an output that is one of its inputs: output-files.ts) is a usage error.
 */
function jobFromFlags(values: ParsedCommandLine['values']): JobSpec {
  try {
    const spec = readJobSpec(jobFieldsFromFlags(values), flagOf);
    checkJobFiles(spec, places, flagOf);
    return spec;
  } catch (error) {
    throw error instanceof JobSpecError ? new UsageError(error.message) : error;
  }
}

function summary(report: JobReport): string {
  const argmax = report.argmaxOutput === undefined ? '' : ` (argmax -> ${report.argmaxOutput})`;
  return (
    `${report.op} ${formatShape(report.shape)} -> ${report.output} (${report.dtype})${argmax} in ${formatMs(report.ms.compute)} ` +
    `(reading ${formatMs(report.ms.read)}, writing ${formatMs(report.ms.write)})`
  );
}

/**
 * The library's refusal of a required option left out (`for options.outputSize but received
 * undefined`: its message for every required option, lib/validate.ts readOptions) is, on the
 * command line, a flag left out: a usage error naming the flag, exit 2.
 */
function missingFlag(spec: JobSpec, error: unknown): UsageError | undefined {
  if (!(error instanceof TypeError)) return undefined;
  const missing = /expected a value \(it is required\) for options\.(\w+) but received undefined$/.exec(error.message);
  const flag = missing === null ? undefined : flagOf(missing[1] as string);
  return flag?.startsWith('--') ? new UsageError(`missing ${flag}: ${spec.op} requires it`) : undefined;
}

export const poolCommand: Command = {
  name: 'pool',
  summary: 'run one operator on a feature map file and a boxes file, write the result as .npy',
  usage: '--op NAME --input FILE [--boxes FILE] --output FILE [options]',
  description: [
    'Runs one operator of roi-ops on files and writes its output as a .npy file: the same numbers',
    'as the library call on the same data. The options mirror the operator options of the API',
    '(docs/api.md "Options every operator shares"); the library checks them, and its message is',
    'the error. Tensors are read from .npy (float32/float64/int32/int64) or .safetensors (--key),',
    'boxes from .npy, .json or .csv.',
  ].join('\n'),
  options: { ...jobFlags, 'max-job-bytes': maxJobBytesOption },
  jsonHelp: 'print the result as one JSON object: op, output, shape, times, notices',
  positionals: { min: 0, max: 0 },
  examples: [
    'roi-ops pool --op roiAlign --input features.npy --boxes boxes.json --output pooled.npy \\\n' +
      '      --output-size 7x7 --spatial-scale 1/16 --sampling-ratio 2 --aligned',
    'roi-ops pool --op roiPool --input features.safetensors --key p4 --boxes boxes.csv \\\n' +
      '      --output pooled.npy --argmax-output argmax.npy --output-size 7 --spatial-scale 0.0625',
    'roi-ops pool --op multiScaleRoiAlign --input p2.npy --input p3.npy --input p4.npy --input p5.npy \\\n' +
      '      --boxes boxes.npy --image-size 800x1088 --output-size 7 --sampling-ratio 2 --output pooled.npy',
    'roi-ops pool --op cropAndResize --input image.npy --boxes boxes.npy --crop-size 14x14 --output crops.npy',
  ],
  failure: 'the job failed (a file that cannot be read, or an option or tensor the library refuses)',
  async run({ values, json }) {
    const spec = jobFromFlags(values);
    checkOutputsReplaceable(jobOutputs(spec));
    // A run killed mid-write may have left temporaries of these outputs; this run owns them now.
    removeStaleTemporaries(jobOutputs(spec));
    const text = values['max-job-bytes'];
    const maxJobBytes = typeof text === 'string' ? parseByteSize('max-job-bytes', text) : defaultMaxJobBytes();
    const report = await runJob(spec, places, { maxJobBytes }).catch((error: unknown) => {
      throw missingFlag(spec, error) ?? error;
    });
    for (const notice of report.notices) process.stderr.write(`roi-ops pool: note: ${printable(notice)}\n`);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\n`);
    return 0;
  },
};
