// The shapes of a benchmark run's report: what bench/run.ts records, bench/report.ts renders
// and bench/targets.ts checks. They live apart from those modules so that neither has to
// import the other for its types.

export interface Agreement {
  /** 'all' RoIs, or only the 'interior' ones (every sample inside the map; see roi-align-geometry.ts). */
  rows: 'all' | 'interior';
  comparedRois: number;
  totalRois: number;
  /** Largest |contender - roi-ops| over the compared RoIs. */
  maxAbsDiff: number;
  /** Largest |roi-ops| over the compared RoIs: maxAbsDiff / referenceScale is the relative difference. */
  referenceScale: number;
  relativeDiff: number;
  /** For 'interior' comparisons, the same over every RoI, for context (border samples differ by design). */
  allRoisMaxAbsDiff?: number;
  /** Set for contenders that implement the same semantics: relativeDiff <= the tolerance (1e-4). */
  withinTolerance?: boolean;
  /** The roi-ops backend whose output was the yardstick: 'JavaScript' when the native addon could not run the operator. */
  referenceBackend?: 'native' | 'JavaScript';
}

export interface Result {
  workload: string;
  contender: string;
  status: 'ok' | 'skipped' | 'error';
  /** Why a contender was skipped, or what went wrong. */
  reason?: string;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  runs?: number;
  /** medianMs / the baseline's medianMs on the same workload, in this run. */
  ratio?: number;
  agreement?: Agreement;
  /** Whatever else the contender reported (output shape, grids, thread counts, flags). */
  details?: Record<string, unknown>;
}

export interface ContenderInfo {
  id: string;
  family: 'roi-ops' | 'onnxruntime' | 'tfjs' | 'torchvision' | 'detectron2';
  description: string;
}

export interface WorkloadInfo {
  id: string;
  description: string;
  op: string;
  rois: number;
}

export interface Report {
  command: string;
  date: string;
  mode: 'full' | 'quick';
  durationSeconds: number;
  baseline: string;
  machine: Record<string, unknown> & {
    cpu: string;
    cores: number;
    simdFlags: string[];
    os: string;
    loadAverage1m?: { atStart: number; atEnd: number };
  };
  versions: Record<string, string>;
  contenders: ContenderInfo[];
  workloads: WorkloadInfo[];
  results: Result[];
  notes: string[];
  /** The section "ONNX detectors end to end" (bench/onnx-detectors.ts), when the run selected any. */
  onnxDetectors?: OnnxDetectorsSection;
  /** The project's speed targets against this run (bench/targets.ts). */
  targets?: TargetCheck[];
}

export interface TargetCheck {
  target: string;
  required: string;
  measured: string;
  /** null when a contender it needs did not run (not installed, skipped). */
  met: boolean | null;
  /** For a missed target: what limits it, from this run's own measurements. */
  boundBy?: string;
}

export interface Quartiles {
  median: number;
  q1: number;
  q3: number;
}

/** One ONNX detector at one thread count: `roi-ops onnx bench MODEL --threads N --json`, as recorded. */
export interface OnnxDetectorResult {
  /** O1, O2, O3 (bench/onnx-detectors.ts). */
  detector: string;
  /** The model's file name. */
  model: string;
  threads: number;
  status: 'ok' | 'skipped' | 'error';
  /** Why the row was skipped, or what went wrong. */
  reason?: string;
  onnxruntime?: string;
  runs?: number;
  /** The pipeline's steps, e.g. "onnxruntime(1287) -> multiScaleRoiAlign -> onnxruntime(123)". */
  plan?: string;
  wholeModelMs?: Quartiles;
  pipelineMs?: Quartiles;
  /** The whole model's median ÷ the pipeline's. */
  speedup?: number;
  /** The largest |whole - pipeline| over every output (Infinity, written null in JSON, when dims differ). */
  largestDifference?: number;
  /** Per output: dims each way and the largest difference, as the command reported them. */
  outputs?: Record<string, { dims: number[]; pipelineDims: number[]; largestDifference: number | null }>;
}

export interface OnnxDetectorsSection {
  /** Where the models came from (the cache folder, reused or generated), or why there are none. */
  models: string;
  results: OnnxDetectorResult[];
}
