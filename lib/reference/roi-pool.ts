// RoI max pooling, line by line after reference/semantics.md §1.1 (torchvision
// roi_pool_kernel.cpp), plus API.md's disjoint 'split' bins.
import { clampCoordinate, f, mapStrides, pooledStrides, roiRowIsValid, roundHalfAway, type PoolingJob } from './common.js';

export interface RoiPoolJob extends PoolingJob {
  bins: 'overlap' | 'split';
  argmax: Int32Array | null;
}

/** Bin `i` of `bins` over the inclusive box start..start+length-1, clipped to [0, size). */
export function poolBin(
  i: number,
  bins: number,
  start: number,
  length: number,
  size: number,
  rule: 'overlap' | 'split',
): [number, number] {
  let lo: number;
  let hi: number;
  if (rule === 'split') {
    // floor(i*L/n) in exact integer arithmetic (BigInt: i*L can pass 2^53).
    const cut = (j: number) => Number((BigInt(j) * BigInt(length)) / BigInt(bins));
    lo = cut(i);
    hi = cut(i + 1);
  } else {
    const binSize = f(f(length) / f(bins));
    lo = Math.floor(f(f(i) * binSize));
    hi = Math.ceil(f(f(i + 1) * binSize));
  }
  const clip = (v: number) => Math.min(Math.max(v + start, 0), size);
  return [clip(lo), clip(hi)];
}

export function roiPoolReference(job: RoiPoolJob): void {
  const { input, rois, out, argmax, pooledHeight: PH, pooledWidth: PW } = job;
  const { channels: C, height: H, width: W } = input;
  const scale = f(job.spatialScale);
  const block = C * PH * PW;
  const inS = mapStrides(input);
  const outS = pooledStrides(input, PH, PW);

  for (let k = 0; k < job.roiCount; k++) {
    if (!roiRowIsValid(rois, k, input.batch)) {
      out.fill(0, k * block, (k + 1) * block);
      argmax?.fill(-1, k * block, (k + 1) * block);
      continue;
    }
    const coordinate = (j: number) => clampCoordinate(roundHalfAway(f((rois[k * 5 + j] as number) * scale)));
    const xs = coordinate(1);
    const ys = coordinate(2);
    const roiWidth = Math.max(coordinate(3) - xs + 1, 1);
    const roiHeight = Math.max(coordinate(4) - ys + 1, 1);
    const image = (rois[k * 5] as number) * inS.batch;

    for (let ph = 0; ph < PH; ph++) {
      const [hs, he] = poolBin(ph, PH, ys, roiHeight, H, job.bins);
      for (let pw = 0; pw < PW; pw++) {
        const [ws, we] = poolBin(pw, PW, xs, roiWidth, W, job.bins);
        const empty = he <= hs || we <= ws;
        for (let c = 0; c < C; c++) {
          // Largest non-NaN value, first in row-major order on ties; see native/kernels/roi_pool.h.
          let best = -Infinity;
          let bestIndex = -1;
          for (let h = hs; h < he && !empty; h++) {
            for (let w = ws; w < we; w++) {
              const v = input.data[image + c * inS.channel + h * inS.row + w * inS.column] as number;
              if (v > best || (bestIndex < 0 && v === best)) {
                best = v;
                bestIndex = h * W + w;
              }
            }
          }
          const at = k * block + c * outS.channel + ph * outS.row + pw * outS.column;
          out[at] = empty ? 0 : bestIndex < 0 ? NaN : best;
          if (argmax) argmax[at] = bestIndex;
        }
      }
    }
  }
}
