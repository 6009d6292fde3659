// A roiAlign call big enough to run for a while on one core (hundreds of ms with scalar
// kernels), for the tests that act while an async call is still running
// (test/native/off-thread.test.ts, lifetime.test.ts).
export function largeCall(roiCount = 3000) {
  const [N, C, H, W] = [1, 256, 48, 64];
  const input = { data: Float32Array.from({ length: N * C * H * W }, (_, i) => (i % 97) / 97), shape: [N, C, H, W] };
  const rois = new Float32Array(roiCount * 5);
  for (let k = 0; k < roiCount; k++) {
    const x = (k * 13) % 500;
    const y = (k * 29) % 380;
    rois.set([0, x, y, x + 64 + (k % 200), y + 48 + (k % 150)], k * 5);
  }
  return {
    input,
    boxes: { data: rois, shape: [roiCount, 5] },
    options: { outputSize: 7, spatialScale: 1 / 8, samplingRatio: 2 },
  };
}
