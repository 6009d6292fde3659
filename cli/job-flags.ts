// The flags of `roi-ops pool`: each is the command-line spelling of one job field
// (job-spec.ts), and the manifest of `roi-ops batch` uses the fields' names. Values are only
// parsed here (a number, a size, a list); whether they suit the operator is the library's
// call.
import { parseValue } from './args.js';
import { UsageError, type OptionSpec, type ParsedCommandLine } from './command.js';
import { forwardOperators } from './job-spec.js';

interface JobFlag extends OptionSpec {
  /** The job field (library option name) the flag sets. */
  field: string;
  /** Turns the text into the field's value; none: the text itself. */
  parse?: (flag: string, text: string) => unknown;
  /** A boolean flag that sets its field to false (--no-aligned). */
  negates?: boolean;
}

const file = (field: string, help: string, multiple = false): JobFlag => ({
  type: 'string',
  value: 'FILE',
  field,
  help,
  multiple,
});
const number = (field: string, help: string, value = 'X'): JobFlag => ({
  type: 'string',
  value,
  field,
  help,
  parse: parseValue.number,
});
const choice = (field: string, value: string, help: string): JobFlag => ({ type: 'string', value, field, help });

export const jobFlags: Record<string, JobFlag> = {
  op: {
    type: 'string',
    value: 'NAME',
    field: 'op',
    help: `the operator: ${forwardOperators.slice(0, 5).join(', ')},\n${forwardOperators.slice(5).join(', ')}`,
  },
  input: file(
    'input',
    'the feature map, .npy or .safetensors (with --key); multiScaleRoiAlign:\none --input per level, finest first',
    true,
  ),
  key: {
    type: 'string',
    value: 'NAME',
    field: 'key',
    multiple: true,
    help: 'the tensor of a .safetensors input (once for every input, or once per input)',
  },
  boxes: file('boxes', 'the boxes, .npy, .json or .csv, [K,4|5|6] (optional for spatialPyramidPool)'),
  output: file('output', 'the result, written as .npy (atomically: a temporary file, then a rename)'),
  'argmax-output': file('argmaxOutput', 'roiPool: also write the argmax (int32 .npy) here (returnArgmax)'),
  'box-indices': file('boxIndices', 'cropAndResize: the image of each box, .npy or .safetensors (default: all 0)'),
  'crop-size': {
    type: 'string',
    value: 'HxW',
    field: 'cropSize',
    parse: parseValue.size,
    help: 'cropAndResize: the crop size, N or HxW',
  },
  'output-size': {
    type: 'string',
    value: 'HxW',
    field: 'outputSize',
    parse: parseValue.size,
    help: 'bins per RoI, N or HxW (like 7 or 7x7)',
  },
  'spatial-scale': number('spatialScale', 'box coordinates times this reach the map (0.0625 or 1/16)'),
  'sampling-ratio': number(
    'samplingRatio',
    'samples per bin along each axis; <= 0 adaptive (--sampling-ratio -1)',
    'N',
  ),
  aligned: { type: 'boolean', field: 'aligned', help: 'pixel-centre aligned boxes (shift by -0.5)' },
  'no-aligned': {
    type: 'boolean',
    field: 'aligned',
    negates: true,
    help: 'not aligned (roiAlignRotated is aligned by default)',
  },
  clockwise: { type: 'boolean', field: 'clockwise', help: 'roiAlignRotated: angles turn clockwise' },
  mode: choice('mode', 'MODE', 'roiAlign: avg, max or onnx-max; spatialPyramidPool: max or avg'),
  bins: choice('bins', 'KIND', 'roiPool: overlap or split'),
  layout: choice('layout', 'LAYOUT', 'NCHW or NHWC, for the input and the output'),
  'invalid-boxes': choice('invalidBoxes', 'POLICY', 'error (a bad box row fails the job) or zero (it pools to zeros)'),
  'output-dtype': choice(
    'outputDtype',
    'DTYPE',
    "the output's values: float32 (default) or float16 (a '<f2' .npy;\nbfloat16 has no numpy dtype)",
  ),
  threads: number('threads', 'threads the call may use (default: all)', 'N'),
  'max-samples-per-roi': number('maxSamplesPerRoi', 'refuse RoIs needing more bilinear samples than this', 'N'),
  'image-size': {
    type: 'string',
    value: 'HxW',
    field: 'imageSizes',
    multiple: true,
    parse: parseValue.size,
    help: 'multiScaleRoiAlign: the size of each image (once per image)',
  },
  scales: {
    type: 'string',
    value: 'LIST',
    field: 'scales',
    parse: parseValue.numberList,
    help: 'multiScaleRoiAlign: the scale of each level instead (1/4,1/8,...)',
  },
  'canonical-scale': number('canonicalScale', 'multiScaleRoiAlign: the box size of the canonical level (224)'),
  'canonical-level': number('canonicalLevel', 'multiScaleRoiAlign: the canonical level (4)', 'N'),
  levels: {
    type: 'string',
    value: 'LIST',
    field: 'levels',
    parse: parseValue.numberList,
    help: 'spatialPyramidPool: the grid sizes (default 1,2,4)',
  },
  method: choice('method', 'METHOD', 'cropAndResize: bilinear or nearest'),
  'extrapolation-value': number('extrapolationValue', 'cropAndResize: the value outside the image (default 0)'),
};

/** The flag that sets `field`, for messages (`--argmax-output`). */
export function flagOf(field: string): string {
  const name = Object.keys(jobFlags).find((flag) => jobFlags[flag]?.field === field && !jobFlags[flag]?.negates);
  return name === undefined ? field : `--${name}`;
}

/**
 * The job fields that `values` (parsed flags) set. A repeatable flag (--input, --key,
 * --image-size) gives a list; of another flag given twice the last counts, as in most command
 * lines. Throws UsageError for an unparseable value or --aligned with --no-aligned.
 */
export function jobFieldsFromFlags(values: ParsedCommandLine['values']): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(jobFlags)) {
    const value = values[flag];
    if (value === undefined) continue;
    if (spec.type === 'boolean') {
      if (fields[spec.field] !== undefined) throw new UsageError(`--${flag} contradicts ${flagOf(spec.field)}`);
      fields[spec.field] = !spec.negates;
      continue;
    }
    const parse = (text: string) => (spec.parse ? spec.parse(flag, text) : text);
    fields[spec.field] = Array.isArray(value) ? (value as string[]).map(parse) : parse(value as string);
  }
  return fields;
}
