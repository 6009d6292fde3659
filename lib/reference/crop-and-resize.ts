// crop_and_resize, line by line after docs/semantics.md "cropAndResize" (TensorFlow
// crop_and_resize_op.cc, float32): normalized (y1, x1, y2, x2) boxes, corner-aligned
// sampling at (H-1)/(W-1) scale, one sample per output cell, `extrapolationValue` for a
// sample outside [0, H-1] x [0, W-1] (no -1 band, no edge replication), bilinear lerp or
// nearest with roundf. Unlike the RoIAlign family this reads the image at pixel centres
// 0..H-1 with its own interpolant, so it shares nothing with bilinear.ts.
import { rounding, type Rounding } from '../geometry/arithmetic.js';
import type { CropAndResizeJob } from '../model.js';
import { mapStrides, pooledStrides, type ReferenceJob } from './common.js';

/**
 * Where output row (or column) i of `crop` samples the image axis of `size` pixels:
 * y1*(size-1) + i*scale with scale = (y2-y1)*(size-1)/(crop-1), or the box centre
 * 0.5*(y1+y2)*(size-1) for a crop of one (TensorFlow computes that one in double, as its
 * 0.5 is a double literal, and stores it as float).
 */
export function cropCoordinate(start: number, end: number, i: number, crop: number, size: number, r: Rounding): number {
  if (crop > 1) {
    const scale = r(r(r(end - start) * (size - 1)) / (crop - 1));
    return r(r(start * (size - 1)) + r(i * scale));
  }
  return r(0.5 * r(start + end) * (size - 1));
}

/** C's roundf, half away from zero (only used on coordinates >= 0 here). */
function roundHalfAwayNonNegative(v: number): number {
  return Math.floor(v + 0.5);
}

export function cropAndResizeReference(job: ReferenceJob<CropAndResizeJob>): void {
  const { image, boxes, boxIndices, out, cropHeight, cropWidth, method } = job;
  const r = rounding(job.precision);
  const { batch, channels: C, height: H, width: W } = image;
  const block = C * cropHeight * cropWidth;
  const inS = mapStrides(image);
  const outS = pooledStrides(image, cropHeight, cropWidth);
  const extrapolation = r(job.extrapolationValue);

  for (let k = 0; k < job.boxCount; k++) {
    const b = boxIndices[k] as number;
    const box = Array.from(boxes.subarray(k * 4, k * 4 + 4));
    const [y1, x1, y2, x2] = box as [number, number, number, number];
    // The API layer rejects these first (TensorFlow: OutOfRange / InvalidArgument); here they give zeros.
    if (!(Number.isInteger(b) && b >= 0 && b < batch) || !box.every(Number.isFinite)) {
      out.fill(0, k * block, (k + 1) * block);
      continue;
    }
    const image0 = b * inS.batch;
    for (let y = 0; y < cropHeight; y++) {
      const inY = cropCoordinate(y1, y2, y, cropHeight, H, r);
      for (let x = 0; x < cropWidth; x++) {
        const inX = cropCoordinate(x1, x2, x, cropWidth, W, r);
        const outAt = k * block + y * outS.row + x * outS.column;
        if (inY < 0 || inY > H - 1 || inX < 0 || inX > W - 1) {
          for (let c = 0; c < C; c++) out[outAt + c * outS.channel] = extrapolation;
          continue;
        }
        const pixel = (c: number, row: number, column: number) =>
          image.data[image0 + c * inS.channel + row * inS.row + column * inS.column] as number;
        if (method === 'nearest') {
          const row = roundHalfAwayNonNegative(inY);
          const column = roundHalfAwayNonNegative(inX);
          for (let c = 0; c < C; c++) out[outAt + c * outS.channel] = pixel(c, row, column);
          continue;
        }
        const top = Math.floor(inY);
        const bottom = Math.ceil(inY);
        const left = Math.floor(inX);
        const right = Math.ceil(inX);
        const yLerp = r(inY - top);
        const xLerp = r(inX - left);
        for (let c = 0; c < C; c++) {
          const topLeft = pixel(c, top, left);
          const topRight = pixel(c, top, right);
          const bottomLeft = pixel(c, bottom, left);
          const bottomRight = pixel(c, bottom, right);
          const upper = r(topLeft + r(r(topRight - topLeft) * xLerp));
          const lower = r(bottomLeft + r(r(bottomRight - bottomLeft) * xLerp));
          out[outAt + c * outS.channel] = r(upper + r(r(lower - upper) * yLerp));
        }
      }
    }
  }
}
