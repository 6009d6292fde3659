// Multi-scale (FPN) RoIAlign, after docs/semantics.md "multiScaleRoiAlign" (torchvision poolers.py:
// MultiScaleRoIAlign, _infer_scale, _setup_scales, LevelMapper). Each RoI is pooled by
// roiAlign on the level the LevelMapper assigns it, with that level's scale. The scale
// inference and the level mapping are plain functions the API layer calls before the
// kernel; they compute in float32 as torch does on float32 tensors.
import type { MultiScaleRoiAlignJob } from '../model.js';
import type { ReferenceJob } from './common.js';
import { roiAlignReference } from './roi-align.js';

export function multiScaleRoiAlignReference(job: ReferenceJob<MultiScaleRoiAlignJob>): void {
  const { levels, rois, out, pooledHeight, pooledWidth } = job;
  const first = levels[0];
  if (first === undefined) return;
  const block = first.channels * pooledHeight * pooledWidth;
  for (let k = 0; k < job.roiCount; k++) {
    const level = job.levelOfRoi[k] as number;
    const map = levels[level];
    const target = out.subarray(k * block, (k + 1) * block);
    if (level < 0 || map === undefined) {
      target.fill(0);
      continue;
    }
    roiAlignReference({
      input: { ...map, layout: first.layout },
      rois: rois.subarray(k * 5, (k + 1) * 5),
      roiCount: 1,
      out: target,
      pooledHeight,
      pooledWidth,
      spatialScale: job.scales[level] as number,
      samplingRatio: job.samplingRatio,
      aligned: job.aligned,
      mode: 'avg',
      precision: job.precision,
    });
  }
}
