#!/usr/bin/env python3
"""Writes the seed corpus native/fuzz/corpus/: for each of the 15 entry points of
fuzz_kernels.cc (the first byte of an input picks it), a few inputs whose second byte keeps
every buffer at its full length (flags & 7 != 0), whose third byte picks the map's and the
output's element types (forward entry points; TYPES below), and whose remaining bytes are
pseudo-random (fixed seed, so the corpus is reproducible). Decoding never needs more bytes than
given: the harness reads zeros past the end. Usage: python3 native/fuzz/make_seeds.py"""
import os
import random

OPS = ["roi_pool_forward", "roi_pool_backward", "roi_align_forward", "roi_align_backward",
       "ps_roi_align_forward", "ps_roi_align_backward", "roi_align_rotated_forward",
       "roi_align_rotated_backward", "multi_scale_roi_align_forward", "ps_roi_pool_forward",
       "ps_roi_pool_backward", "spatial_pyramid_pool_forward", "crop_and_resize_forward",
       "precise_roi_pool_forward", "precise_roi_pool_backward"]

# The harness's element types are kTypes[b % 4] for the map and kTypes[(b >> 2) % 4] for the
# output, kTypes = (float32, float32, float16, bfloat16): float32 -> float32, float16 -> float16,
# bfloat16 -> float32, float32 -> bfloat16.
TYPES = (0, 2 | 2 << 2, 3, 3 << 2)

def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(6)
    for op, name in enumerate(OPS):
        for i, size in enumerate((64, 256, 1024, 512)):
            body = bytes([op, 1 + (i % 7), TYPES[i]]) + bytes(rng.randrange(256) for _ in range(size))
            with open(os.path.join(out, "seed-%02d-%s-%d" % (op, name, i)), "wb") as f:
                f.write(body)

if __name__ == "__main__":
    main()
