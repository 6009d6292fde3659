// The sample that `roi-ops demo` pools: assets/demo-fpn/ (made by scripts/make-demo-sample.ts),
// an FPN pyramid of one image and its proposals as .npy files beside sample.json, which says
// what each file holds. Every file is checked against that description, so a damaged or
// partial install fails here with the file's name rather than as a wrong number later.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Tensor } from '../lib/index.js';
import { formatShape, packageRoot } from '../lib/internal.js';
import { parseNpy } from './io/npy.js';

/** The sample's folder inside the package, as shown to users. */
export const sampleDirectory = join('assets', 'demo-fpn');

export interface DemoSample {
  /** [height, width] of the image, in pixels. */
  imageSize: [number, number];
  /** The pyramid, finest level first: [1, C, H/stride, W/stride] each. */
  levels: Array<{ name: string; stride: number; map: Tensor }>;
  /** [K, 4] rows (x1, y1, x2, y2) in image pixels. */
  proposals: Tensor;
}

interface TensorEntry {
  file: string;
  shape: number[];
}

interface SampleDescription {
  imageSize: [number, number];
  levels: Array<TensorEntry & { name: string; stride: number }>;
  proposals: TensorEntry;
}

function readFloat32(directory: string, entry: TensorEntry): Tensor {
  const path = join(directory, entry.file);
  // The package's own sample: trusted, read synchronously.
  const array = parseNpy(readFileSync(path), path);
  if (array.dtype !== 'float32' || formatShape(array.shape) !== formatShape(entry.shape)) {
    throw new Error(
      `${path}: expected float32 ${formatShape(entry.shape)} (sample.json) but the file holds ${array.dtype} ${formatShape(array.shape)}`,
    );
  }
  return { data: array.data as Float32Array, shape: array.shape };
}

export function loadDemoSample(): DemoSample {
  // packageRoot() finds the package.json named roi-ops: this works from lib/ (tsx), from
  // dist/, and from node_modules/roi-ops when installed.
  const directory = join(packageRoot(), sampleDirectory);
  const description = JSON.parse(readFileSync(join(directory, 'sample.json'), 'utf8')) as SampleDescription;
  return {
    imageSize: description.imageSize,
    levels: description.levels.map((level) => ({
      name: level.name,
      stride: level.stride,
      map: readFloat32(directory, level),
    })),
    proposals: readFloat32(directory, description.proposals),
  };
}
