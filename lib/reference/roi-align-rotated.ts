// Rotated RoIAlign, line by line after reference/semantics.md §4.1 (detectron2
// ROIAlignRotated_cpu.cpp: angle in degrees, counter-clockwise as displayed) with mmcv's
// `aligned` and `clockwise` options (§4.2). Rows are (b, cx, cy, w, h, angleDegrees). The
// samples of a bin form the same grid as roiAlign's, centred on the box, rotated and
// translated; each one then follows the shared bilinear rule (bilinear.ts, §0.2).
import { bilinearTap, poolAlignBin, sampleCoordinate, sampleTable, type SampleTable } from './bilinear.js';
import { f, mapStrides, pooledStrides, rotatedRowIsValid, rounding, type PoolingJob, type ReferenceJob, type Rounding } from './common.js';

export { rotatedRowIsValid };
import { gridSize } from './roi-align.js';

export interface RoiAlignRotatedJob extends PoolingJob {
  samplingRatio: number;
  /** true (detectron2): centre shifted by -0.5, no size clamp; false (legacy mmcv): no shift, w and h clamped to >= 1. */
  aligned: boolean;
  /** mmcv: negates the angle. */
  clockwise: boolean;
}

export interface RotatedGeometry {
  centerX: number;
  centerY: number;
  cos: number;
  sin: number;
  /** The grid's corner relative to the centre: -h/2 and -w/2. */
  startY: number;
  startX: number;
  binHeight: number;
  binWidth: number;
  gridHeight: number;
  gridWidth: number;
}

/**
 * The geometry of the rotated RoI whose six-value row starts at rois[at], or null for a
 * box of negative size with aligned=true (detectron2 and mmcv assert; roi-ops gives zeros).
 *
 * theta: detectron2 writes `T theta = angle * M_PI / 180.0`, a double expression rounded
 * once to float; `cos(theta)` and `sin(theta)` are then taken of that float. We take them in
 * double (Math.cos/Math.sin) and round once to float; the native kernels do the same
 * (std::cos on the double value of theta, then a float cast), so both agree whenever the
 * two libms' doubles round to the same float, i.e. except within 2^-29 of a float rounding
 * boundary. At angle 0 this gives cos 1 and sin 0 exactly.
 */
export function rotatedGeometry(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  aligned: boolean,
  samplingRatio: number,
  pooledHeight: number,
  pooledWidth: number,
  clockwise = false,
  r: Rounding = f,
): RotatedGeometry | null {
  const scale = r(spatialScale);
  const offset = aligned ? 0.5 : 0;
  const centerX = r(r((rois[at + 1] as number) * scale) - offset);
  const centerY = r(r((rois[at + 2] as number) * scale) - offset);
  let roiWidth = r((rois[at + 3] as number) * scale);
  let roiHeight = r((rois[at + 4] as number) * scale);
  if (aligned) {
    if (roiWidth < 0 || roiHeight < 0) return null;
  } else {
    roiWidth = Math.max(roiWidth, 1);
    roiHeight = Math.max(roiHeight, 1);
  }
  let theta = r(((rois[at + 5] as number) * Math.PI) / 180);
  if (clockwise) theta = -theta;
  return {
    centerX,
    centerY,
    cos: r(Math.cos(theta)),
    sin: r(Math.sin(theta)),
    startY: r(-roiHeight / 2),
    startX: r(-roiWidth / 2),
    binHeight: r(roiHeight / pooledHeight),
    binWidth: r(roiWidth / pooledWidth),
    gridHeight: gridSize(samplingRatio, roiHeight, pooledHeight, r),
    gridWidth: gridSize(samplingRatio, roiWidth, pooledWidth, r),
  };
}

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
  const r = rounding(job.precision);
  const C = input.channels;
  const block = C * PH * PW;
  const inS = mapStrides(input);
  const outS = pooledStrides(input, PH, PW);

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
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = poolAlignBin(samples, ph * PW + pw,
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
