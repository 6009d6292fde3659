// RoIAlign, line by line after reference/semantics.md §0.2 and §2.1 (torchvision
// roi_align_kernel.cpp / roi_align_common.h), with mmcv's max (§2.4, from -infinity) and
// onnxruntime's corner max (§2.5). float32 arithmetic throughout (see common.ts).
import { f, mapStrides, pooledStrides, roiRowIsValid, type PoolingJob } from './common.js';

export type AlignMode = 'avg' | 'max' | 'onnx-max';

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
): AlignGeometry {
  const scale = f(spatialScale);
  const offset = aligned ? 0.5 : 0;
  const startX = f(f((rois[at + 1] as number) * scale) - offset);
  const startY = f(f((rois[at + 2] as number) * scale) - offset);
  let roiWidth = f(f(f((rois[at + 3] as number) * scale) - offset) - startX);
  let roiHeight = f(f(f((rois[at + 4] as number) * scale) - offset) - startY);
  if (!aligned) {
    // legacy behaviour: malformed boxes become 1x1
    roiWidth = Math.max(roiWidth, 1);
    roiHeight = Math.max(roiHeight, 1);
  }
  // Adaptive grid: ceil(roi size / pooled size) in float; an inverted aligned box gives no samples.
  const adaptive = (size: number, pooled: number) => Math.max(0, Math.ceil(f(size / pooled)));
  return {
    startX,
    startY,
    binHeight: f(roiHeight / pooledHeight),
    binWidth: f(roiWidth / pooledWidth),
    gridHeight: samplingRatio > 0 ? samplingRatio : adaptive(roiHeight, pooledHeight),
    gridWidth: samplingRatio > 0 ? samplingRatio : adaptive(roiWidth, pooledWidth),
  };
}

/** One sample coordinate along one axis: its two neighbouring pixels and their weights. */
interface AxisTap {
  low: number;
  high: number;
  lowWeight: number;
  highWeight: number;
}

/** §0.2: outside [-1, size] (or NaN) no tap; [-1, 0] snaps to 0; [size-1, size] to size-1. */
function bilinearTap(coordinate: number, size: number): AxisTap | null {
  if (!(coordinate >= -1 && coordinate <= size)) return null;
  let c = coordinate <= 0 ? 0 : coordinate;
  let low = Math.trunc(c);
  let high: number;
  if (low >= size - 1) {
    low = high = size - 1;
    c = low;
  } else {
    high = low + 1;
  }
  const l = f(c - low);
  return { low, high, lowWeight: f(1 - l), highWeight: l };
}

function axisTaps(start: number, bin: number, pooled: number, grid: number, size: number): Array<AxisTap | null> {
  const taps: Array<AxisTap | null> = [];
  for (let p = 0; p < pooled; p++) {
    for (let i = 0; i < grid; i++) {
      const coordinate = f(f(start + f(p * bin)) + f(f(f(i + 0.5) * bin) / grid));
      taps.push(bilinearTap(coordinate, size));
    }
  }
  return taps;
}

export function roiAlignReference(job: RoiAlignJob): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW, mode } = job;
  const C = input.channels;
  const block = C * PH * PW;
  const inS = mapStrides(input);
  const outS = pooledStrides(input, PH, PW);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, input.batch)) {
      out.fill(0, k * block, (k + 1) * block);
      continue;
    }
    const g = alignGeometry(rois, k * 5, job.spatialScale, job.aligned, job.samplingRatio, PH, PW);
    const yTaps = axisTaps(g.startY, g.binHeight, PH, g.gridHeight, input.height);
    const xTaps = axisTaps(g.startX, g.binWidth, PW, g.gridWidth, input.width);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 5] as number) * inS.batch;

    for (let c = 0; c < C; c++) {
      const plane = image + c * inS.channel;
      const pixel = (y: number, x: number) => input.data[plane + y * inS.row + x * inS.column] as number;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          let sum = 0;
          let best = mode === 'max' ? -Infinity : -3.4028234663852886e38;
          for (let iy = 0; iy < g.gridHeight; iy++) {
            const ty = yTaps[ph * g.gridHeight + iy] ?? null;
            for (let ix = 0; ix < g.gridWidth; ix++) {
              const tx = xTaps[pw * g.gridWidth + ix] ?? null;
              let value = 0; // a sample outside the map is worth 0
              if (ty && tx) {
                const w1v1 = f(f(ty.lowWeight * tx.lowWeight) * pixel(ty.low, tx.low));
                const w2v2 = f(f(ty.lowWeight * tx.highWeight) * pixel(ty.low, tx.high));
                const w3v3 = f(f(ty.highWeight * tx.lowWeight) * pixel(ty.high, tx.low));
                const w4v4 = f(f(ty.highWeight * tx.highWeight) * pixel(ty.high, tx.high));
                value =
                  mode === 'onnx-max'
                    ? stdMax(stdMax(stdMax(w1v1, w2v2), w3v3), w4v4)
                    : f(f(f(w1v1 + w2v2) + w3v3) + w4v4);
              }
              if (mode === 'avg') sum = f(sum + value);
              else if (mode === 'max') best = value > best ? value : best;
              else best = stdMax(best, value);
            }
          }
          const at = k * block + c * outS.channel + ph * outS.row + pw * outS.column;
          out[at] = count === 0 ? 0 : mode === 'avg' ? f(sum / count) : best;
        }
      }
    }
  }
}

/** C++ std::max(a, b): returns a unless a < b (so a NaN in `a` sticks, one in `b` is skipped). */
function stdMax(a: number, b: number): number {
  return a < b ? b : a;
}
