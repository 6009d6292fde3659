// Where RoIAlign puts its samples (docs/semantics.md "roiAlign"), RoI by RoI: the sampling grid and the first
// and last sample coordinates along each axis. The TensorFlow.js contender turns these into
// crop_and_resize boxes; bench/run.ts uses them to tell which RoIs sample only inside the map
// (the ones on which crop_and_resize, which extrapolates with 0, and RoIAlign, which replicates
// the edge, must agree).
import type { RoiAlignOptions } from '../lib/index.js';

export interface RoiSamples {
  batchIndex: number;
  gridH: number;
  gridW: number;
  /** Feature-map coordinates of the first and last sample rows and columns of the whole RoI. */
  firstY: number;
  lastY: number;
  firstX: number;
  lastX: number;
}

export function outputSizeOf(options: { outputSize: number | readonly [number, number] }): [number, number] {
  return typeof options.outputSize === 'number'
    ? [options.outputSize, options.outputSize]
    : [options.outputSize[0], options.outputSize[1]];
}

/** `boxes` holds [K,5] rows (batchIndex, x1, y1, x2, y2) in image coordinates. */
export function roiSamples(boxes: Float32Array, options: RoiAlignOptions): RoiSamples[] {
  const [PH, PW] = outputSizeOf(options);
  const scale = options.spatialScale ?? 1;
  const samplingRatio = options.samplingRatio ?? -1;
  const offset = options.aligned ? 0.5 : 0;
  const rois: RoiSamples[] = [];
  for (let k = 0; k * 5 < boxes.length; k++) {
    const [b, x1, y1, x2, y2] = boxes.subarray(k * 5, k * 5 + 5) as unknown as [number, number, number, number, number];
    const xs = x1 * scale - offset;
    const ys = y1 * scale - offset;
    let roiW = x2 * scale - offset - xs;
    let roiH = y2 * scale - offset - ys;
    if (!options.aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    // An empty aligned box has an adaptive grid of 0 (RoIAlign outputs 0); report one sample.
    const gridH = samplingRatio > 0 ? samplingRatio : Math.max(1, Math.ceil(roiH / PH));
    const gridW = samplingRatio > 0 ? samplingRatio : Math.max(1, Math.ceil(roiW / PW));
    const dy = roiH / (PH * gridH);
    const dx = roiW / (PW * gridW);
    rois.push({
      batchIndex: b,
      gridH,
      gridW,
      firstY: ys + dy / 2,
      lastY: ys + roiH - dy / 2,
      firstX: xs + dx / 2,
      lastX: xs + roiW - dx / 2,
    });
  }
  return rois;
}

/** True when every sample of the RoI lies in [0, H-1] x [0, W-1], where no edge rule applies. */
export function samplesInside(roi: RoiSamples, height: number, width: number): boolean {
  const inside = (a: number, b: number, size: number) => Math.min(a, b) >= 0 && Math.max(a, b) <= size - 1;
  return inside(roi.firstY, roi.lastY, height) && inside(roi.firstX, roi.lastX, width);
}
