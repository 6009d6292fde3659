// RoIAlign, line by line after reference/semantics.md §0.2 and §2.1 (torchvision
// roi_align_kernel.cpp / roi_align_common.h), with mmcv's max (§2.4, from -infinity) and
// onnxruntime's corner max (§2.5). float32 arithmetic throughout (see common.ts); the
// sampling rule and the bin reductions live in bilinear.ts, shared with the other
// RoIAlign-shaped operators and with the backward kernels.
import { axisTaps, gridSamples, poolAlignBin, sampleTable, type AlignMode, type SampleTable } from './bilinear.js';
import { f, mapStrides, pooledStrides, roiRowIsValid, rounding, type PoolingJob, type ReferenceJob, type Rounding } from './common.js';

export type { AlignMode };

export interface RoiAlignJob extends PoolingJob {
  samplingRatio: number;
  aligned: boolean;
  mode: AlignMode;
}

/** Where a RoI's bins and samples lie, as torchvision computes it. */
export interface AlignGeometry {
  startY: number;
  startX: number;
  binHeight: number;
  binWidth: number;
  /** Samples per bin along each axis (>= 0; 0 means the bin has no samples). */
  gridHeight: number;
  gridWidth: number;
}

/** The geometry of the RoI whose row (batchIndex, x1, y1, x2, y2) starts at rois[at]. */
export function alignGeometry(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  aligned: boolean,
  samplingRatio: number,
  pooledHeight: number,
  pooledWidth: number,
  r: Rounding = f,
): AlignGeometry {
  const scale = r(spatialScale);
  const offset = aligned ? 0.5 : 0;
  const startX = r(r((rois[at + 1] as number) * scale) - offset);
  const startY = r(r((rois[at + 2] as number) * scale) - offset);
  let roiWidth = r(r(r((rois[at + 3] as number) * scale) - offset) - startX);
  let roiHeight = r(r(r((rois[at + 4] as number) * scale) - offset) - startY);
  if (!aligned) {
    // legacy behaviour: malformed boxes become 1x1
    roiWidth = Math.max(roiWidth, 1);
    roiHeight = Math.max(roiHeight, 1);
  }
  return {
    startX,
    startY,
    binHeight: r(roiHeight / pooledHeight),
    binWidth: r(roiWidth / pooledWidth),
    gridHeight: gridSize(samplingRatio, roiHeight, pooledHeight, r),
    gridWidth: gridSize(samplingRatio, roiWidth, pooledWidth, r),
  };
}

/**
 * Samples per bin along one axis: the fixed ratio, or ceil(roi size / pooled size) in float;
 * an inverted box gives none, and so does a NaN size (an infinite box edge minus another:
 * the native kernels' std::max(0.0, NaN) is 0 too).
 */
export function gridSize(samplingRatio: number, roiSize: number, pooled: number, r: Rounding): number {
  if (samplingRatio > 0) return samplingRatio;
  const grid = Math.ceil(r(roiSize / pooled));
  return grid > 0 ? grid : 0;
}

/** The samples of every bin of a RoI on a height x width map (§2.1). */
export function alignSamples(
  g: AlignGeometry,
  pooledHeight: number,
  pooledWidth: number,
  height: number,
  width: number,
  r: Rounding,
): SampleTable {
  // A zero grid on one axis means no samples at all, however large the other axis's grid (a
  // zero-height box 2^30 wide passes the sample budget: 0 samples); build no taps for it.
  const [gridHeight, gridWidth] = g.gridHeight === 0 || g.gridWidth === 0 ? [0, 0] : [g.gridHeight, g.gridWidth];
  const grid = gridSamples(
    axisTaps(g.startY, g.binHeight, pooledHeight, gridHeight, height, r),
    axisTaps(g.startX, g.binWidth, pooledWidth, gridWidth, width, r),
    gridHeight,
    gridWidth,
  );
  return sampleTable(pooledHeight, pooledWidth, grid);
}

export function roiAlignReference(job: ReferenceJob<RoiAlignJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW, mode } = job;
  const r = rounding(job.precision);
  const C = input.channels;
  const block = C * PH * PW;
  const inS = mapStrides(input);
  const outS = pooledStrides(input, PH, PW);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, input.batch)) {
      out.fill(0, k * block, (k + 1) * block);
      continue;
    }
    const g = alignGeometry(rois, k * 5, job.spatialScale, job.aligned, job.samplingRatio, PH, PW, r);
    const samples = alignSamples(g, PH, PW, input.height, input.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 5] as number) * inS.batch;

    for (let c = 0; c < C; c++) {
      const plane = image + c * inS.channel;
      const pixel = (y: number, x: number) => input.data[plane + y * inS.row + x * inS.column] as number;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = poolAlignBin(samples, ph * PW + pw, pixel, mode, count, r);
        }
      }
    }
  }
}
