// Precise RoI Pooling (PrRoIPool, IoU-Net), after docs/semantics.md "preciseRoiPool" and the
// reference CUDA kernel (vacancy/PreciseRoIPooling prroi_pooling_gpu_impl.cu, float32):
// the exact mean over each bin of the zero-padded hat interpolant
// f(y, x) = sum_ij X[i,j] max(0, 1-|y-i|) max(0, 1-|x-j|), pixel (i, j) at integer
// coordinates (no half-pixel shift), computed unit cell by unit cell. Forward and backward
// visit the same (pixel, coefficient) terms through `preciseBinCells`.
import type { Rounding } from '../geometry/arithmetic.js';
import type { PreciseRoiPoolJob } from '../model.js';
import { forEachUsableRoi, poolingFrame, type ReferenceJob } from './common.js';

export interface PreciseGeometry {
  startX: number;
  startY: number;
  binWidth: number;
  binHeight: number;
}

/** docs/semantics.md "preciseRoiPool": box scaled without rounding or +1, sizes clamped to >= 0 ([L, R) convention). */
export function preciseGeometry(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  pooledHeight: number,
  pooledWidth: number,
  r: Rounding,
): PreciseGeometry {
  const scale = r(spatialScale);
  const startX = r((rois[at + 1] as number) * scale);
  const startY = r((rois[at + 2] as number) * scale);
  const roiWidth = Math.max(r(r((rois[at + 3] as number) * scale) - startX), 0);
  const roiHeight = Math.max(r(r((rois[at + 4] as number) * scale) - startY), 0);
  return { startX, startY, binWidth: r(roiWidth / pooledWidth), binHeight: r(roiHeight / pooledHeight) };
}

/** Every bin of a RoI has the same area, the divisor of its mean: max(0, binWidth*binHeight). */
export function preciseBinArea(g: PreciseGeometry, r: Rounding): number {
  return Math.max(0, r(g.binWidth * g.binHeight));
}

/** ∫ of the hat's near half (1 - t) over [alpha, limit] in cell-local units: (limit - limit²/2) - (alpha - alpha²/2). */
function hatIntegral(alpha: number, limit: number, r: Rounding): number {
  return r(r(r(limit - r(r(0.5 * limit) * limit)) - alpha) + r(r(0.5 * alpha) * alpha));
}

/** One term of a bin's integral: pixel (row, column) of the plane times `coefficient`. */
export type PreciseTerm = [row: number, column: number, coefficient: number];

/**
 * Visits the unit cells of bin (ph, pw) in the reference's order (w outer, h inner), each
 * with its terms in the reference's corner order (top, left), (top, right),
 * (bottom, left), (bottom, right); the reference sums a cell's terms, then adds the cell.
 * Corners outside the map read 0 in the reference, so they are left out, and so are cells
 * without a corner inside the map (which also bounds the work for huge boxes). Returns the
 * bin's area, the divisor of its mean (0: the bin is 0 and has no terms).
 */
export function preciseBinCells(
  g: PreciseGeometry,
  ph: number,
  pw: number,
  height: number,
  width: number,
  r: Rounding,
  visit: (terms: PreciseTerm[]) => void,
): number {
  const winStartW = r(g.startX + r(g.binWidth * pw));
  const winStartH = r(g.startY + r(g.binHeight * ph));
  const winEndW = r(winStartW + g.binWidth);
  const winEndH = r(winStartH + g.binHeight);
  const area = preciseBinArea(g, r);
  if (area === 0) return 0;

  // Cell [h, h+1] has a corner in the map only for -1 <= h <= height-1 (likewise w).
  const firstW = Math.max(Math.floor(winStartW), -1);
  const endW = Math.min(Math.ceil(winEndW), width);
  const firstH = Math.max(Math.floor(winStartH), -1);
  const endH = Math.min(Math.ceil(winEndH), height);
  for (let w = firstW; w < endW; w++) {
    for (let h = firstH; h < endH; h++) {
      // The part of the bin inside the cell, then the hat integrals along each axis.
      const y0 = Math.max(winStartH, h);
      const x0 = Math.max(winStartW, w);
      const y1 = Math.min(winEndH, h + 1);
      const x1 = Math.min(winEndW, w + 1);
      const nearY = hatIntegral(r(y0 - h), r(y1 - h), r);
      const farY = hatIntegral(r(h + 1 - y1), r(h + 1 - y0), r);
      const nearX = hatIntegral(r(x0 - w), r(x1 - w), r);
      const farX = hatIntegral(r(w + 1 - x1), r(w + 1 - x0), r);
      const corners: PreciseTerm[] = [
        [h, w, r(nearX * nearY)],
        [h, w + 1, r(farX * nearY)],
        [h + 1, w, r(nearX * farY)],
        [h + 1, w + 1, r(farX * farY)],
      ];
      visit(corners.filter(([row, column]) => row >= 0 && column >= 0 && row < height && column < width));
    }
  }
  return area;
}

export function preciseRoiPoolReference(job: ReferenceJob<PreciseRoiPoolJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW } = job;
  const C = input.channels;
  const { r, block, inS, outS } = poolingFrame(job, C);

  forEachUsableRoi(job, block, (k) => {
    const g = preciseGeometry(rois, k * 5, job.spatialScale, PH, PW, r);
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < C; c++) {
      const plane = image + c * inS.channel;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          let sum = 0;
          const area = preciseBinCells(g, ph, pw, input.height, input.width, r, (terms) => {
            let cell = 0;
            for (const [row, column, coefficient] of terms)
              cell = r(cell + r((input.data[plane + row * inS.row + column * inS.column] as number) * coefficient));
            sum = r(sum + cell);
          });
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = area === 0 ? 0 : r(sum / area);
        }
      }
    }
  });
}
