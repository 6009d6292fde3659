// RoIAlign, line by line after docs/semantics.md "The bilinear sample" and "roiAlign" (torchvision
// roi_align_kernel.cpp / roi_align_common.h), with mmcv's max (from -infinity) and
// onnxruntime's corner max ("The three modes"). float32 arithmetic throughout (geometry/arithmetic.ts); the
// sampling rule and the bin reductions live in bilinear.ts, shared with the other
// RoIAlign-shaped operators and with the backward kernels.
import { alignGeometry, type AlignGeometry } from '../geometry/align.js';
import type { Rounding } from '../geometry/arithmetic.js';
import type { RoiAlignJob } from '../model.js';
import { axisTaps, gridSamples, poolAlignBin, sampleTable, type SampleTable } from './bilinear.js';
import { forEachUsableRoi, poolingFrame, type ReferenceJob } from './common.js';

/** The samples of every bin of a RoI on a height x width map (docs/semantics.md "roiAlign"). */
export function alignSamples(
  g: AlignGeometry,
  pooledHeight: number,
  pooledWidth: number,
  height: number,
  width: number,
  r: Rounding,
): SampleTable {
  // A zero grid on one axis means no samples at all, however large the other axis's grid (a
  // zero-height box 2^30 wide passes the sample budget: 0 samples); build no taps for it.
  const [gridHeight, gridWidth] = g.gridHeight === 0 || g.gridWidth === 0 ? [0, 0] : [g.gridHeight, g.gridWidth];
  const grid = gridSamples(
    axisTaps(g.startY, g.binHeight, pooledHeight, gridHeight, height, r),
    axisTaps(g.startX, g.binWidth, pooledWidth, gridWidth, width, r),
    gridHeight,
    gridWidth,
  );
  return sampleTable(pooledHeight, pooledWidth, grid);
}

export function roiAlignReference(job: ReferenceJob<RoiAlignJob>): void {
  const { input, rois, out, pooledHeight: PH, pooledWidth: PW, mode } = job;
  const C = input.channels;
  const { r, block, inS, outS } = poolingFrame(job, C);

  forEachUsableRoi(job, block, (k) => {
    const g = alignGeometry(rois, k * 5, job.spatialScale, job.aligned, job.samplingRatio, PH, PW, r);
    const samples = alignSamples(g, PH, PW, input.height, input.width, r);
    const count = g.gridHeight * g.gridWidth;
    const image = (rois[k * 5] as number) * inS.batch;

    for (let c = 0; c < C; c++) {
      const plane = image + c * inS.channel;
      const pixel = (y: number, x: number) => input.data[plane + y * inS.row + x * inS.column] as number;
      for (let ph = 0; ph < PH; ph++) {
        for (let pw = 0; pw < PW; pw++) {
          out[k * block + c * outS.channel + ph * outS.row + pw * outS.column] = poolAlignBin(
            samples,
            ph * PW + pw,
            pixel,
            mode,
            count,
            r,
          );
        }
      }
    }
  });
}
