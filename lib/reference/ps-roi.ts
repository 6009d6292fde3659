// Position-sensitive RoI pooling (R-FCN), after docs/semantics.md "psRoiPool and psRoiAlign": torchvision
// ps_roi_pool_kernel.cpp and ps_roi_align_kernel.cpp. The input has
// C = C_out*PH*PW channels; output bin (c_out, ph, pw) reads input channel
// c_in = (c_out*PH + ph)*PW + pw. psRoiPool reuses roiPool's box rounding and bin rule,
// psRoiAlign roiAlign's aligned geometry and bilinear samples.
import { alignGeometry } from '../geometry/align.js';
import type { Rounding } from '../geometry/arithmetic.js';
import { poolBin, roundedBox } from '../geometry/pool-bins.js';
import type { PsRoiAlignJob, PsRoiPoolJob } from '../model.js';
import { poolAlignBin } from './bilinear.js';
import { forEachUsableRoi, poolingFrame, type ReferenceJob, type ReferenceMap } from './common.js';
import { alignSamples } from './roi-align.js';
import { binMean } from './roi-pool.js';

/** docs/semantics.md "psRoiPool and psRoiAlign": the input channel that output bin (c_out, ph, pw) reads. */
export function positionSensitiveChannel(
  outChannel: number,
  ph: number,
  pw: number,
  pooledHeight: number,
  pooledWidth: number,
): number {
  return (outChannel * pooledHeight + ph) * pooledWidth + pw;
}

/** A bin of psRoiPool: rows [hs, he) x columns [ws, we) of the plane (empty when he <= hs or we <= ws). */
export interface PsPoolBin {
  hs: number;
  he: number;
  ws: number;
  we: number;
}

/**
 * docs/semantics.md "psRoiPool and psRoiAlign": the rounded box without roiPool's +1 (rw = max(xe - xs, 1)), roiPool's floor/ceil
 * bins, clipped to [0, H-1] x [0, W-1] as torchvision's forward does (so the last row and
 * column are never pooled). The backward uses the same bins, so it is the true gradient of
 * this forward (torchvision's backward clips to [0, H] instead, docs/semantics.md "Where the peers differ").
 */
export function psPoolBins(
  rois: ArrayLike<number>,
  at: number,
  spatialScale: number,
  map: Pick<ReferenceMap, 'height' | 'width'>,
  pooledHeight: number,
  pooledWidth: number,
  r: Rounding,
): PsPoolBin[] {
  const { xs, ys, xe, ye } = roundedBox(rois, at, r(spatialScale), r);
  const roiWidth = Math.max(xe - xs, 1);
  const roiHeight = Math.max(ye - ys, 1);
  const bins: PsPoolBin[] = [];
  for (let ph = 0; ph < pooledHeight; ph++) {
    const [hs, he] = poolBin(ph, pooledHeight, ys, roiHeight, map.height - 1, 'overlap', r);
    for (let pw = 0; pw < pooledWidth; pw++) {
      const [ws, we] = poolBin(pw, pooledWidth, xs, roiWidth, map.width - 1, 'overlap', r);
      bins.push({ hs, he, ws, we });
    }
  }
  return bins;
}

export function psRoiPoolReference(job: ReferenceJob<PsRoiPoolJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW } = job;
  const outChannels = input.channels / (PH * PW);
  const { r, block, inS, outS } = poolingFrame(job, outChannels);

  forEachUsableRoi(job, block, (k) => {
    const bins = psPoolBins(rois, k * 5, job.spatialScale, input, PH, PW, r);
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < outChannels; c++) {
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const bin = bins[ph * PW + pw] as PsPoolBin;
          const plane = image + positionSensitiveChannel(c, ph, pw, PH, PW) * inS.channel;
          const pixel = (h: number, w: number) => input.data[plane + h * inS.row + w * inS.column] as number;
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = binMean(
            pixel,
            bin.hs,
            bin.he,
            bin.ws,
            bin.we,
            r,
          );
        }
      }
    }
  });
}

/**
 * docs/semantics.md "psRoiPool and psRoiAlign": always aligned (-0.5 shift, no 1-pixel clamp). torchvision divides by gh*gw
 * without max(., 1), so a zero-size box with adaptive sampling is 0/0 = NaN there; here a
 * bin without samples is 0, as in roiAlign (docs/api.md "psRoiPool and psRoiAlign").
 */
export function psRoiAlignReference(job: ReferenceJob<PsRoiAlignJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW } = job;
  const outChannels = input.channels / (PH * PW);
  const { r, block, inS, outS } = poolingFrame(job, outChannels);

  forEachUsableRoi(job, block, (k) => {
    const g = alignGeometry(rois, k * 5, job.spatialScale, true, job.samplingRatio, PH, PW, r);
    const samples = alignSamples(g, PH, PW, input.height, input.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < outChannels; c++) {
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const plane = image + positionSensitiveChannel(c, ph, pw, PH, PW) * inS.channel;
          const pixel = (y: number, x: number) => input.data[plane + y * inS.row + x * inS.column] as number;
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
  });
}
