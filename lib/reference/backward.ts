// The input gradients of the pooling operators (docs/api.md "Backward"). Each kernel zero-fills
// gradInput, then accumulates in one fixed order: RoI k outer, then channel, then bin
// (ph, pw), then the bin's samples (or pixels, or cells) in the forward's order. Every
// input-gradient element is only written by one channel of one RoI at a time, so the native
// kernels can split the work over channels and still add in this order: results are
// deterministic and independent of the thread count (docs/semantics.md "Gradients"). Each backward walks the same
// bins, samples and taps as its forward, through the forward's own helpers.
import { alignGeometry } from '../geometry/align.js';
import { rounding, type Rounding } from '../geometry/arithmetic.js';
import { rotatedGeometry } from '../geometry/rotated.js';
import { roiRowIsValid, rotatedRowIsValid } from '../geometry/rows.js';
import type {
  PreciseRoiPoolBackwardJob,
  PsRoiAlignBackwardJob,
  PsRoiPoolBackwardJob,
  RoiAlignBackwardJob,
  RoiAlignRotatedBackwardJob,
  RoiPoolBackwardJob,
} from '../model.js';
import { poolAlignBin, scatterAlignBin, type PlaneAccumulator, type PlaneReader, type PooledBin } from './bilinear.js';
import {
  mapStrides,
  pooledStrides,
  type FloatArray,
  type ReferenceJob,
  type ReferenceMap,
  type Strides,
} from './common.js';
import { preciseBinArea, preciseBinCells, preciseGeometry } from './precise-roi-pool.js';
import { positionSensitiveChannel, psPoolBins, type PsPoolBin } from './ps-roi.js';
import { rotatedSamples } from './roi-align-rotated.js';
import { alignSamples } from './roi-align.js';
import { binArea } from './roi-pool.js';

/** Adds into plane `plane` of the gradient, in the kernel's precision. */
function accumulator(data: FloatArray, strides: Strides, plane: number, r: Rounding): PlaneAccumulator {
  return (row, column, gradient) => {
    const at = plane + row * strides.row + column * strides.column;
    data[at] = r((data[at] as number) + gradient);
  };
}

/** Where gradOutput element (k, c, ph, pw) lies, in gradInput.layout, for `channels` output channels. */
function gradientIndexer(
  target: ReferenceMap,
  channels: number,
  pooledHeight: number,
  pooledWidth: number,
): (k: number, c: number, ph: number, pw: number) => number {
  const s = pooledStrides({ channels, layout: target.layout }, pooledHeight, pooledWidth);
  return (k, c, ph, pw) => k * s.batch + c * s.channel + ph * s.row + pw * s.column;
}

/** docs/semantics.md "roiPool" scatter form (torchvision): dX[b, c, argmax] += dY for every output element whose argmax is not -1. */
export function roiPoolBackwardReference(job: ReferenceJob<RoiPoolBackwardJob>): void {
  const { gradInput, gradOutput, argmax, rois, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const { channels: C, height: H, width: W } = gradInput;
  const inS = mapStrides(gradInput);
  const outAt = gradientIndexer(gradInput, C, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, gradInput.batch)) continue;
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < C; c++) {
      const add = accumulator(gradInput.data, inS, image + c * inS.channel, r);
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const at = outAt(k, c, ph, pw);
          const index = argmax[at] as number;
          if (!(index >= 0 && index < H * W)) continue;
          add(Math.floor(index / W), index % W, gradOutput[at] as number);
        }
      }
    }
  }
}

/**
 * The backward of roiAlign in every mode (bilinear.ts scatterAlignBin): avg is torchvision's
 * roi_align_backward (docs/semantics.md "roiAlign"); max and onnx-max first find the winner of each bin again on
 * the forward input, then give it the gradient (mmcv, ONNX: docs/semantics.md "The three modes").
 */
export function roiAlignBackwardReference(job: ReferenceJob<RoiAlignBackwardJob>): void {
  const { gradInput, gradOutput, rois, input, mode, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  if (mode !== 'avg' && input === null)
    throw new TypeError(`roiAlignBackwardReference: mode '${mode}' needs the forward input`);
  const C = gradInput.channels;
  const inS = mapStrides(gradInput);
  const forwardS = input ? mapStrides(input) : inS;
  const outAt = gradientIndexer(gradInput, C, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, gradInput.batch)) continue;
    const g = alignGeometry(rois, k * 5, job.spatialScale, job.aligned, job.samplingRatio, PH, PW, r);
    const samples = alignSamples(g, PH, PW, gradInput.height, gradInput.width, r);
    const count = g.gridHeight * g.gridWidth;
    const b = rois[k * 5] as number;
    for (let c = 0; c < C; c++) {
      const add = accumulator(gradInput.data, inS, b * inS.batch + c * inS.channel, r);
      const forwardPlane = b * forwardS.batch + c * forwardS.channel;
      const pixel: PlaneReader = (y, x) => input?.data[forwardPlane + y * forwardS.row + x * forwardS.column] as number;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          let winner: PooledBin | null = null;
          if (mode !== 'avg') {
            winner = { value: 0, sample: -1, corner: -1 };
            poolAlignBin(samples, ph * PW + pw, pixel, mode, count, r, winner);
          }
          scatterAlignBin(
            samples,
            ph * PW + pw,
            add,
            gradOutput[outAt(k, c, ph, pw)] as number,
            mode,
            count,
            winner,
            r,
          );
        }
      }
    }
  }
}

/**
 * The true gradient of psRoiPool's forward (docs/semantics.md "psRoiPool and psRoiAlign"): dY / area to every pixel of the
 * forward's bin, clipped to [0, H-1] x [0, W-1] like the forward. (torchvision's backward
 * clips to [0, H] x [0, W], so it differs from it for bins reaching the last row or column.)
 */
export function psRoiPoolBackwardReference(job: ReferenceJob<PsRoiPoolBackwardJob>): void {
  const { gradInput, gradOutput, rois, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const outChannels = gradInput.channels / (PH * PW);
  const inS = mapStrides(gradInput);
  const outAt = gradientIndexer(gradInput, outChannels, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, gradInput.batch)) continue;
    const bins = psPoolBins(rois, k * 5, job.spatialScale, gradInput, PH, PW, r);
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < outChannels; c++) {
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const { hs, he, ws, we } = bins[ph * PW + pw] as PsPoolBin;
          const area = binArea(hs, he, ws, we, r);
          if (area === 0) continue;
          const add = accumulator(
            gradInput.data,
            inS,
            image + positionSensitiveChannel(c, ph, pw, PH, PW) * inS.channel,
            r,
          );
          const share = r((gradOutput[outAt(k, c, ph, pw)] as number) / area);
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) add(h, w, share);
        }
      }
    }
  }
}

/** docs/semantics.md "psRoiPool and psRoiAlign" backward: roiAlign's avg backward on the aligned geometry, into channel c_in of each bin. */
export function psRoiAlignBackwardReference(job: ReferenceJob<PsRoiAlignBackwardJob>): void {
  const { gradInput, gradOutput, rois, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const outChannels = gradInput.channels / (PH * PW);
  const inS = mapStrides(gradInput);
  const outAt = gradientIndexer(gradInput, outChannels, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, gradInput.batch)) continue;
    const g = alignGeometry(rois, k * 5, job.spatialScale, true, job.samplingRatio, PH, PW, r);
    const samples = alignSamples(g, PH, PW, gradInput.height, gradInput.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < outChannels; c++) {
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const add = accumulator(
            gradInput.data,
            inS,
            image + positionSensitiveChannel(c, ph, pw, PH, PW) * inS.channel,
            r,
          );
          scatterAlignBin(samples, ph * PW + pw, add, gradOutput[outAt(k, c, ph, pw)] as number, 'avg', count, null, r);
        }
      }
    }
  }
}

/** docs/semantics.md "roiAlignRotated" backward (detectron2): the avg backward at the rotated sample positions. */
export function roiAlignRotatedBackwardReference(job: ReferenceJob<RoiAlignRotatedBackwardJob>): void {
  const { gradInput, gradOutput, rois, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const C = gradInput.channels;
  const inS = mapStrides(gradInput);
  const outAt = gradientIndexer(gradInput, C, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!rotatedRowIsValid(rois, k, gradInput.batch)) continue;
    const g = rotatedGeometry(rois, k * 6, job.spatialScale, job.aligned, job.samplingRatio, PH, PW, job.clockwise, r);
    if (g === null) continue;
    const samples = rotatedSamples(g, PH, PW, gradInput.height, gradInput.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 6] as number) * inS.batch;
    for (let c = 0; c < C; c++) {
      const add = accumulator(gradInput.data, inS, image + c * inS.channel, r);
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          scatterAlignBin(samples, ph * PW + pw, add, gradOutput[outAt(k, c, ph, pw)] as number, 'avg', count, null, r);
        }
      }
    }
  }
}

/** docs/semantics.md "preciseRoiPool" backward wrt the input (PrRoIPoolingMatDistributeDiff): each term's coefficient times dY/area. */
export function preciseRoiPoolBackwardReference(job: ReferenceJob<PreciseRoiPoolBackwardJob>): void {
  const { gradInput, gradOutput, rois, pooledHeight: PH, pooledWidth: PW } = job;
  const r = rounding(job.precision);
  const C = gradInput.channels;
  const inS = mapStrides(gradInput);
  const outAt = gradientIndexer(gradInput, C, PH, PW);
  gradInput.data.fill(0);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, gradInput.batch)) continue;
    const g = preciseGeometry(rois, k * 5, job.spatialScale, PH, PW, r);
    const area = preciseBinArea(g, r);
    if (area === 0) continue;
    const image = (rois[k * 5] as number) * inS.batch;
    for (let c = 0; c < C; c++) {
      const add = accumulator(gradInput.data, inS, image + c * inS.channel, r);
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          const share = r((gradOutput[outAt(k, c, ph, pw)] as number) / area);
          preciseBinCells(g, ph, pw, gradInput.height, gradInput.width, r, (terms) => {
            for (const [row, column, coefficient] of terms) add(row, column, r(share * coefficient));
          });
        }
      }
    }
  }
}
