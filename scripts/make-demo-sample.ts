// Generates assets/demo-fpn/, the sample that `roi-ops demo` pools: the four levels P2..P5
// (strides 4, 8, 16, 32) that a detector's FPN gives for one 480x640 image, and 1000 region
// proposals in image pixels, as .npy files (cli/io writes numpy's exact bytes) beside
// sample.json, which describes them.
// Run: npx tsx scripts/make-demo-sample.ts
//
// Size: the levels hold 480*640/16 * (1 + 1/4 + 1/16 + 1/64) = 25,500 floats per channel, so
// 16 channels are 1.63 MB and the whole sample stays under 2 MB (the package ships it). A real
// FPN has 256 channels; the pooling's cost is linear in the channel count, so the demo's times
// scale by about 16x, while what only a full-size pyramid can show is kept: a real image size,
// every level, and proposals of every size, which multiScaleRoiAlign spreads over the levels.
//
// Everything comes from one seeded PRNG, so the files are reproducible byte for byte (the
// CLI test compares the demo's outputs with direct calls on them). Only Math.exp/log/sqrt/cos
// are used, which V8 implements itself (no dependence on the platform's libm).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeNpy } from '../cli/io/npy.js';

const seed = 0x5eed_0f91;
const imageHeight = 480;
const imageWidth = 640;
const strides = [4, 8, 16, 32];
const channels = 16;
const objectCount = 12;
const proposalCount = 1000;
/** The share of proposals around an object; the others are background anchors. */
const onObjects = 0.7;

/** mulberry32: a tiny 32-bit PRNG with good enough statistics for test data. */
function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(seed);
const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
const logUniform = (lo: number, hi: number) => Math.exp(uniform(Math.log(lo), Math.log(hi)));
/** Box-Muller; 1 - random() keeps the logarithm's argument in (0, 1]. */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

interface Box {
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** The objects of the scene: sides log-uniform in [32, 480] px, centres anywhere. */
const objects: Box[] = Array.from({ length: objectCount }, () => ({
  cx: uniform(0, imageWidth),
  cy: uniform(0, imageHeight),
  w: logUniform(32, 480),
  h: logUniform(32, 480),
}));

/**
 * One level: each channel responds to a few of the objects (a blob the object's size, in this
 * level's pixels) and to a few textures (blobs of any size), over a slightly negative bias,
 * plus noise, then ReLU: smooth, mostly sparse, non-negative, like post-ReLU activations. The
 * same objects show on every level, as they do in a real pyramid.
 */
function level(stride: number): Float32Array {
  const height = imageHeight / stride;
  const width = imageWidth / stride;
  const data = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    const fromObjects = objects
      .filter(() => random() < 0.3)
      .map((o) => ({
        y: o.cy / stride,
        x: o.cx / stride,
        sigma: Math.max(0.7, Math.sqrt(o.w * o.h) / (4 * stride)),
        amplitude: uniform(1, 3),
      }));
    const textures = Array.from({ length: 2 + Math.floor(random() * 4) }, () => ({
      y: uniform(0, height),
      x: uniform(0, width),
      sigma: logUniform(1, Math.max(1.5, width / 8)),
      amplitude: uniform(0.5, 2),
    }));
    const blobs = [...fromObjects, ...textures];
    const bias = uniform(-0.6, 0.1);
    const noise = uniform(0.05, 0.2);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let v = bias + noise * gaussian();
        for (const b of blobs) {
          const d2 = (y + 0.5 - b.y) ** 2 + (x + 0.5 - b.x) ** 2;
          v += b.amplitude * Math.exp(-d2 / (2 * b.sigma * b.sigma));
        }
        data[(c * height + y) * width + x] = Math.max(0, v);
      }
    }
  }
  return data;
}

/**
 * Proposals as an RPN hands them over for one image: (x1, y1, x2, y2) in image pixels. Most
 * lie around the objects (centre moved by up to ~15% of the side, sides scaled by ~25%), the
 * rest are background anchors (sides 16..640 px, aspect 1:2, 1:1 or 2:1). Clipped to the
 * image; a box left thinner than 2 px is drawn again (an RPN drops tiny boxes).
 */
function proposals(): Float32Array {
  const rows = new Float32Array(proposalCount * 4);
  const clip = (v: number, size: number) => Math.min(Math.max(v, 0), size);
  for (let k = 0; k < proposalCount;) {
    let box: Box;
    if (random() < onObjects) {
      const o = objects[Math.floor(random() * objectCount)] as Box;
      box = {
        cx: o.cx + 0.15 * o.w * gaussian(),
        cy: o.cy + 0.15 * o.h * gaussian(),
        w: o.w * Math.exp(0.25 * gaussian()),
        h: o.h * Math.exp(0.25 * gaussian()),
      };
    } else {
      const side = logUniform(16, 640);
      const aspect = [0.5, 1, 2][Math.floor(random() * 3)] as number;
      box = {
        cx: uniform(0, imageWidth),
        cy: uniform(0, imageHeight),
        w: side / Math.sqrt(aspect),
        h: side * Math.sqrt(aspect),
      };
    }
    const x1 = clip(box.cx - box.w / 2, imageWidth);
    const y1 = clip(box.cy - box.h / 2, imageHeight);
    const x2 = clip(box.cx + box.w / 2, imageWidth);
    const y2 = clip(box.cy + box.h / 2, imageHeight);
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    rows.set([x1, y1, x2, y2], k * 4);
    k++;
  }
  return rows;
}

const directory = fileURLToPath(new URL('../assets/demo-fpn/', import.meta.url));
rmSync(directory, { recursive: true, force: true });
mkdirSync(directory, { recursive: true });

const levels = strides.map((stride, i) => {
  const shape = [1, channels, imageHeight / stride, imageWidth / stride];
  const file = `level${i}.npy`;
  writeNpy(join(directory, file), { data: level(stride), shape });
  return { file, name: `P${i + 2}`, stride, shape };
});
const proposalShape = [proposalCount, 4];
writeNpy(join(directory, 'proposals.npy'), { data: proposals(), shape: proposalShape });

const description = {
  description:
    `A synthetic stand-in for a detector's RoI head input: the FPN levels P2..P5 (strides ${strides.join(', ')}) of one ` +
    `${imageHeight}x${imageWidth} image with ${channels} channels (smooth blobs at ${objectCount} objects and textures, ` +
    `plus noise, ReLU), and ${proposalCount} proposals in image pixels, most of them around the objects. Not from a real image.`,
  generator: `scripts/make-demo-sample.ts (mulberry32, seed 0x${seed.toString(16)}); run \`npx tsx scripts/make-demo-sample.ts\` to regenerate`,
  imageSize: [imageHeight, imageWidth],
  levels,
  proposals: { file: 'proposals.npy', shape: proposalShape, format: '(x1, y1, x2, y2) in image pixels' },
};
writeFileSync(join(directory, 'sample.json'), `${JSON.stringify(description, null, 2)}\n`);
console.log(`wrote ${directory}: ${levels.map((l) => l.file).join(', ')}, proposals.npy, sample.json`);
