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
