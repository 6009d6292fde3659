// `roi-ops onnx inspect MODEL`: how roi-ops/onnx would run a model, without onnxruntime: the plan
// of planOnnxModel (the one createOnnxPipeline makes), printed step by step or as JSON.
import { planOnnxModel, type OnnxPipelinePlan, type PlanStep } from '../onnx/index.js';
import type { Command } from './command.js';
import { checkModelFile, planLine, tensorLine } from './onnx-model.js';

/** Names shown of a part's nodes, inputs and outputs in the text (all of them are in --json). */
const shownNames = 5;

function listed(names: string[]): string {
  if (names.length === 0) return '(none)';
  const more = names.length > shownNames ? `, ... (${names.length} in all)` : '';
  return `${names.slice(0, shownNames).join(', ')}${more}`;
}

function stepLines(step: PlanStep, index: number): string[] {
  if (step.kind === 'onnxruntime') {
    return [
      `${index + 1}. onnxruntime: ${step.nodes} node(s): ${listed(step.nodeNames)}`,
      `     inputs:    ${listed(step.inputs)}`,
      `     outputs:   ${listed(step.outputs)}`,
    ];
  }
  return [
    `${index + 1}. roi-ops ${step.operator}: node ${step.node}`,
    `     inputs:    ${step.inputs.join(', ')}`,
    `     output:    ${step.output}`,
    `     options:   ${JSON.stringify(step.options)}`,
    `     semantics: ${step.semantics}`,
  ];
}

function planText(model: string, plan: OnnxPipelinePlan): string {
  const roiSteps = plan.steps.filter((step) => step.kind === 'roi-ops').length;
  return [
    `${model}: opset ${plan.opset}, ${roiSteps} RoI stage(s) for roi-ops, ${plan.steps.length - roiSteps} onnxruntime part(s)`,
    `inputs:  ${plan.inputs.map(tensorLine).join('; ')}`,
    `outputs: ${plan.outputs.map(tensorLine).join('; ')}`,
    `plan:    ${planLine(plan)}`,
    ...plan.steps.flatMap(stepLines),
  ].join('\n');
}

export const onnxInspectCommand: Command = {
  name: 'onnx inspect',
  summary: 'show how roi-ops/onnx splits an ONNX model: its RoI stages and onnxruntime parts\n(needs no onnxruntime)',
  usage: 'MODEL [--no-multi-scale] [--json]',
  description: [
    'Reads an ONNX model and prints the plan createOnnxPipeline would run (docs/onnx.md): the',
    "model's inputs and outputs, then each step in order: an onnxruntime part (its node count, first",
    'node names, the tensors it reads and makes) or a roi-ops step (the operator, the node it replaces,',
    'its inputs and output, the options of the roi-ops call and the semantics chosen for the node).',
    'A model roi-ops cannot run (no RoI node, a malformed file, a RoI attribute roi-ops cannot honour)',
    'is an error naming the node or field. onnxruntime-node is not needed.',
  ].join('\n'),
  options: {
    'no-multi-scale': {
      type: 'boolean',
      help: "run each RoiAlign of an exported MultiScaleRoIAlign alone (the pipeline's multiScale: false)",
    },
  },
  jsonHelp: 'print the plan as JSON: { model, plan } with plan as pipe.plan gives it (every node name)',
  positionals: { min: 1, max: 1 },
  examples: [
    'roi-ops onnx inspect fasterrcnn.onnx',
    'roi-ops onnx inspect maskrcnn.onnx --no-multi-scale',
    'roi-ops onnx inspect fasterrcnn.onnx --json',
  ],
  failure: 'the model cannot be read or roi-ops cannot run it (the message names the file, node or field)',
  async run({ values, positionals, json }) {
    const model = positionals[0] as string;
    await checkModelFile(model);
    const plan = await planOnnxModel(model, { multiScale: values['no-multi-scale'] !== true });
    process.stdout.write(json ? `${JSON.stringify({ model, plan }, null, 2)}\n` : `${planText(model, plan)}\n`);
    return 0;
  },
};
