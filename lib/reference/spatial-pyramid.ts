// Spatial pyramid pooling (SPPNet), after reference/semantics.md §6 and API.md: level l
// pools the box with roiPool's rounded box and overlapping floor/ceil bins (§1.1) over an
// l x l grid. Without boxes the box is the whole map of each image, (0, 0, W-1, H-1) at
// scale 1, which gives the adaptive bins floor(i*H/l)..ceil((i+1)*H/l) that §6 recommends.
// Each level is flattened (C, l, l) row-major; levels follow in the order given; the
// output is [count, C * sum(l*l)] whatever the input layout.
import { mapStrides, roiRowIsValid, rounding, type Precision, type ReferenceJob } from './common.js';
import { binMaximum, binMean, poolBinEdges, roundedBox, type BinRange } from './roi-pool.js';
import type { FeatureMap } from '../validate.js';

export interface SpatialPyramidJob {
  input: FeatureMap;
  /** K rows of 5 (b, x1, y1, x2, y2), or null: the whole map of each image. */
  rois: Float32Array | null;
  /** N when rois is null, else K. */
  count: number;
  levels: number[];
  spatialScale: number;
  /** 'max' as roiPool (empty bin 0); 'avg' the mean of the bin's pixels (empty bin 0). */
  mode: 'max' | 'avg';
  out: Float32Array;
  threads?: number;
  precision?: Precision;
}

export function spatialPyramidReference(job: ReferenceJob<SpatialPyramidJob>): void {
  const { input, rois, out, levels } = job;
  const r = rounding(job.precision);
  const { channels: C, height: H, width: W } = input;
  const inS = mapStrides(input);
  const features = C * levels.reduce((sum, l) => sum + l * l, 0);

  for (let n = 0; n < job.count; n++) {
    const row = out.subarray(n * features, (n + 1) * features);
    let image: number;
    let box: { xs: number; ys: number; xe: number; ye: number };
    if (rois === null) {
      image = n;
      box = { xs: 0, ys: 0, xe: W - 1, ye: H - 1 };
    } else if (roiRowIsValid(rois, n, input.batch)) {
      image = rois[n * 5] as number;
      box = roundedBox(rois, n * 5, r(job.spatialScale), r);
    } else {
      row.fill(0);
      continue;
    }
    let at = 0;
    for (const l of levels) {
      const { rows, columns } = poolBinEdges(box, l, l, H, W, 'overlap', r);
      for (let c = 0; c < C; c++) {
        const plane = image * inS.batch + c * inS.channel;
        const pixel = (h: number, w: number) => input.data[plane + h * inS.row + w * inS.column] as number;
        for (let i = 0; i < l; i++) {
          const [hs, he] = rows[i] as BinRange;
          for (let j = 0; j < l; j++) {
            const [ws, we] = columns[j] as BinRange;
            row[at++] = job.mode === 'max' ? binMaximum(pixel, W, hs, he, ws, we).value : binMean(pixel, hs, he, ws, we, r);
          }
        }
      }
    }
  }
}
