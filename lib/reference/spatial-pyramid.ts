// Spatial pyramid pooling (SPPNet), after docs/semantics.md "spatialPyramidPool" and docs/api.md: level l
// pools the box with roiPool's rounded box and overlapping floor/ceil bins (docs/semantics.md "roiPool") over an
// l x l grid. Without boxes the box is the whole map of each image, (0, 0, W-1, H-1) at
// scale 1, which gives the adaptive bins floor(i*H/l)..ceil((i+1)*H/l) that docs/semantics.md "spatialPyramidPool" recommends.
// Each level is flattened (C, l, l) row-major; levels follow in the order given; the
// output is [count, C * sum(l*l)] whatever the input layout.
import { rounding } from '../geometry/arithmetic.js';
import { poolBinEdges, roundedBox, type BinRange } from '../geometry/pool-bins.js';
import { roiRowIsValid } from '../geometry/rows.js';
import type { SpatialPyramidJob } from '../model.js';
import { mapStrides, type ReferenceJob } from './common.js';
import { binMaximum, binMean } from './roi-pool.js';

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
            row[at++] =
              job.mode === 'max' ? binMaximum(pixel, W, hs, he, ws, we).value : binMean(pixel, hs, he, ws, we, r);
          }
        }
      }
    }
  }
}
