// RoI max pooling, line by line after docs/semantics.md "roiPool" (torchvision
// roi_pool_kernel.cpp), plus the disjoint 'split' bins of docs/api.md "roiPool". The bin rule and the bin
// maximum are shared with spatialPyramidPool and psRoiPool (docs/semantics.md "spatialPyramidPool", "psRoiPool and psRoiAlign").
import type { Rounding } from '../geometry/arithmetic.js';
import { poolBinEdges, roundedBox, type BinRange } from '../geometry/pool-bins.js';
import type { RoiPoolJob } from '../model.js';
import { forEachUsableRoi, poolingFrame, type ReferenceJob } from './common.js';

/**
 * The largest non-NaN value of rows [hs, he) x columns [ws, we) of a plane, first in
 * row-major order on ties, and its plane index h*W + w (see native/kernels/roi_pool.h).
 * An empty bin is 0 with index -1; an all-NaN bin is NaN with index -1.
 */
export function binMaximum(
  pixel: (h: number, w: number) => number,
  width: number,
  hs: number,
  he: number,
  ws: number,
  we: number,
): { value: number; index: number } {
  if (he <= hs || we <= ws) return { value: 0, index: -1 };
  let best = -Infinity;
  let bestIndex = -1;
  for (let h = hs; h < he; h++) {
    for (let w = ws; w < we; w++) {
      const v = pixel(h, w);
      if (v > best || (bestIndex < 0 && v === best)) {
        best = v;
        bestIndex = h * width + w;
      }
    }
  }
  return { value: bestIndex < 0 ? NaN : best, index: bestIndex };
}

/** The pixel count of rows [hs, he) x columns [ws, we), as the float the averaging kernels divide by; 0 when empty. */
export function binArea(hs: number, he: number, ws: number, we: number, r: Rounding): number {
  return he <= hs || we <= ws ? 0 : r((he - hs) * (we - ws));
}

/**
 * The mean of rows [hs, he) x columns [ws, we), summed row-major in order (torchvision
 * ps_roi_pool: out_sum / bin_area); an empty bin is 0. psRoiPool and the 'avg' spatial
 * pyramid use it (docs/semantics.md "psRoiPool and psRoiAlign", "spatialPyramidPool").
 */
export function binMean(
  pixel: (h: number, w: number) => number,
  hs: number,
  he: number,
  ws: number,
  we: number,
  r: Rounding,
): number {
  const area = binArea(hs, he, ws, we, r);
  if (area === 0) return 0;
  let sum = 0;
  for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) sum = r(sum + pixel(h, w));
  return r(sum / area);
}

export function roiPoolReference(job: ReferenceJob<RoiPoolJob>): void {
  const { input, rois, out, argmax, pooledHeight: PH, pooledWidth: PW } = job;
  const { channels: C, height: H, width: W } = input;
  const { r, block, inS, outS } = poolingFrame(job, C);
  const scale = r(job.spatialScale);

  forEachUsableRoi(job, block, (k) => {
    const { rows, columns } = poolBinEdges(roundedBox(rois, k * 5, scale, r), PH, PW, H, W, job.bins, r);
    const image = (rois[k * 5] as number) * inS.batch;

    for (let ph = 0; ph < PH; ph++) {
      const [hs, he] = rows[ph] as BinRange;
      for (let pw = 0; pw < PW; pw++) {
        const [ws, we] = columns[pw] as BinRange;
        for (let c = 0; c < C; c++) {
          const plane = image + c * inS.channel;
          const { value, index } = binMaximum(
            (h, w) => input.data[plane + h * inS.row + w * inS.column] as number,
            W,
            hs,
            he,
            ws,
            we,
          );
          const at = k * block + c * outS.channel + ph * outS.row + pw * outS.column;
          out[at] = value;
          if (argmax) argmax[at] = index;
        }
      }
    }
  });
}
