// Generates assets/demo-sample.json, the sample that `roi-ops demo` pools: a feature map
// shaped like a ResNet stride-16 map of a 600x800 image and ~300 region proposals.
// Run: npx tsx scripts/make-demo-sample.ts
//
// Everything comes from one seeded PRNG, so the file is reproducible byte for byte (the
// demo's checksums and the CLI test depend on it). Only Math.exp/log/sqrt/cos are used,
// which V8 implements itself (no dependence on the platform's libm).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const seed = 0x5eed_0016;
const imageHeight = 600;
const imageWidth = 800;
const stride = 16;
const channels = 64;
// ceil(600/16) = 38, 800/16 = 50: what a stride-16 backbone with padding produces.
const mapHeight = Math.ceil(imageHeight / stride);
const mapWidth = Math.ceil(imageWidth / stride);
const boxCount = 300;
const minBoxSide = 16;
const maxBoxSide = 400;

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
/** Box-Muller; 1 - random() keeps the logarithm's argument in (0, 1]. */
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/**
 * Each channel is a few Gaussian blobs (objects or textures the channel responds to) over a
 * slightly negative bias, plus noise, then ReLU: smooth, mostly sparse, non-negative, the way
 * post-ReLU backbone activations look.
 */
function featureMap(): Float32Array {
  const data = new Float32Array(channels * mapHeight * mapWidth);
  for (let c = 0; c < channels; c++) {
    const blobs = Array.from({ length: 2 + Math.floor(random() * 5) }, () => ({
      y: uniform(0, mapHeight),
      x: uniform(0, mapWidth),
      sigma: Math.exp(uniform(Math.log(1.5), Math.log(10))),
      amplitude: uniform(0.5, 3),
    }));
    const bias = uniform(-0.6, 0.1);
    const noise = uniform(0.05, 0.2);
    for (let y = 0; y < mapHeight; y++) {
      for (let x = 0; x < mapWidth; x++) {
        let v = bias + noise * gaussian();
        for (const b of blobs) {
          const d2 = (y - b.y) ** 2 + (x - b.x) ** 2;
          v += b.amplitude * Math.exp(-d2 / (2 * b.sigma * b.sigma));
        }
        data[(c * mapHeight + y) * mapWidth + x] = Math.max(0, v);
      }
    }
  }
  return data;
}

/**
 * Proposals as an RPN hands them over: (batchIndex 0, x1, y1, x2, y2) in image pixels,
 * sides log-uniform in [16, 400] px (small and large objects equally often), centres uniform,
 * clipped to the image, so boxes at the border come out smaller.
 */
function proposals(): Float32Array {
  const rows = new Float32Array(boxCount * 5);
  const side = () => Math.exp(uniform(Math.log(minBoxSide), Math.log(maxBoxSide)));
  const clip = (v: number, size: number) => Math.min(Math.max(v, 0), size);
  for (let k = 0; k < boxCount; k++) {
    const w = side();
    const h = side();
    const cx = uniform(0, imageWidth);
    const cy = uniform(0, imageHeight);
    rows.set([0, clip(cx - w / 2, imageWidth), clip(cy - h / 2, imageHeight), clip(cx + w / 2, imageWidth), clip(cy + h / 2, imageHeight)], k * 5);
  }
  return rows;
}

/** test/fixtures/golden/README.md's tensor encoding: base64 of little-endian float32. */
function encode(data: Float32Array, shape: number[]): { shape: number[]; dtype: 'float32'; data: string } {
  const bytes = Buffer.alloc(data.length * 4);
  data.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return { shape, dtype: 'float32', data: bytes.toString('base64') };
}

const sample = {
  description:
    `A synthetic stand-in for a detector's RoI head input: a ${channels}-channel stride-${stride} feature map ` +
    `(as a ResNet stage would give for a ${imageHeight}x${imageWidth} image: smooth blobs plus noise, ReLU) ` +
    `and ${boxCount} proposal boxes in image pixels. Not from a real image.`,
  generator: `scripts/make-demo-sample.ts (mulberry32, seed 0x${seed.toString(16)}); run \`npx tsx scripts/make-demo-sample.ts\` to regenerate`,
  imageSize: [imageHeight, imageWidth],
  spatialScale: 1 / stride,
  featureMap: encode(featureMap(), [1, channels, mapHeight, mapWidth]),
  boxes: encode(proposals(), [boxCount, 5]),
};

const target = fileURLToPath(new URL('../assets/demo-sample.json', import.meta.url));
const text = `${JSON.stringify(sample, null, 2)}\n`;
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, text);
console.log(`wrote ${target} (${text.length} bytes)`);
