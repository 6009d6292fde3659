// Rotated RoIAlign, line by line after docs/semantics.md "roiAlignRotated" (detectron2
// ROIAlignRotated_cpu.cpp: angle in degrees, counter-clockwise as displayed) with mmcv's
// `aligned` and `clockwise` options (docs/semantics.md "roiAlignRotated"). Rows are (b, cx, cy, w, h, angleDegrees). The
// samples of a bin form the same grid as roiAlign's, centred on the box, rotated and
// translated; each one then follows the shared bilinear rule (bilinear.ts, docs/semantics.md "The bilinear sample").
import type { Rounding } from '../geometry/arithmetic.js';
import { rotatedGeometry, type RotatedGeometry } from '../geometry/rotated.js';
import { rotatedRowIsValid } from '../geometry/rows.js';
import type { RoiAlignRotatedJob } from '../model.js';
import { bilinearTap, poolAlignBin, sampleCoordinate, sampleTable, type SampleTable } from './bilinear.js';
import { poolingFrame, type ReferenceJob } from './common.js';

/**
 * The samples of bin (ph, pw): local (yy, xx) on the box-centred grid, then
 * y = yy*cos - xx*sin + cy and x = yy*sin + xx*cos + cx (detectron2's float order).
 */
export function rotatedSamples(
  g: RotatedGeometry,
  pooledHeight: number,
  pooledWidth: number,
  height: number,
  width: number,
  r: Rounding,
): SampleTable {
  return sampleTable(pooledHeight, pooledWidth, (ph, pw, visit) => {
    // A zero grid on one axis means no samples, however large the other (see alignSamples).
    if (g.gridHeight === 0 || g.gridWidth === 0) return;
    for (let iy = 0; iy < g.gridHeight; iy++) {
      const yy = sampleCoordinate(g.startY, g.binHeight, ph, iy, g.gridHeight, r);
      for (let ix = 0; ix < g.gridWidth; ix++) {
        const xx = sampleCoordinate(g.startX, g.binWidth, pw, ix, g.gridWidth, r);
        const y = r(r(r(yy * g.cos) - r(xx * g.sin)) + g.centerY);
        const x = r(r(r(yy * g.sin) + r(xx * g.cos)) + g.centerX);
        const yTap = bilinearTap(y, height, r);
        const xTap = bilinearTap(x, width, r);
        visit(yTap && xTap ? yTap : null, yTap && xTap ? xTap : null);
      }
    }
  });
}

export function roiAlignRotatedReference(job: ReferenceJob<RoiAlignRotatedJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW } = job;
  const C = input.channels;
  const { r, block, inS, outS } = poolingFrame(job, C);

  for (let k = 0; k < job.roiCount; k++) {
    const g = rotatedRowIsValid(rois, k, input.batch)
      ? rotatedGeometry(rois, k * 6, job.spatialScale, job.aligned, job.samplingRatio, PH, PW, job.clockwise, r)
      : null;
    if (g === null) {
      out.fill(0, k * block, (k + 1) * block);
      continue;
    }
    const samples = rotatedSamples(g, PH, PW, input.height, input.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 6] as number) * inS.batch;
    for (let c = 0; c < C; c++) {
      const plane = image + c * inS.channel;
      const pixel = (y: number, x: number) => input.data[plane + y * inS.row + x * inS.column] as number;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = poolAlignBin(
            samples,
            ph * PW + pw,
            pixel,
            'avg',
            count,
            r,
          );
        }
      }
    }
  }
}
