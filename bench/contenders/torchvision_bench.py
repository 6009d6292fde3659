"""Contender: torchvision.ops.roi_align / roi_pool on the CPU, one workload, in this process.

Usage: torchvision_bench.py <workload dir> <workload id> <quick|full> <output file> <threads>

Reads the workload that bench/run.ts wrote (bench/workload-files.ts: <id>.json beside raw
little-endian float32 <id>.input.f32 and <id>.boxes.f32), times the operator with the same rule
as bench/timing.ts (one warm-up call, then at least 3 and at most 200 calls or 3 s, 1 s with
--quick), prints the timing as JSON and writes the output [K,C,PH,PW] to <output file>.

Timed: the operator call on tensors made once beforehand (torch.from_numpy, no copy), under
torch.inference_mode(). roi_pool always computes its argmax too, like roi-ops with returnArgmax.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import roi_align, roi_pool


def output_size(options):
    size = options["outputSize"]
    return (size, size) if isinstance(size, int) else tuple(size)


def main():
    directory, workload_id, mode, output_file, threads = sys.argv[1:6]
    torch.set_num_threads(int(threads))
    spec = json.loads((Path(directory) / f"{workload_id}.json").read_text())
    options = spec["options"]
    features = torch.from_numpy(np.fromfile(Path(directory) / spec["inputFile"], dtype="<f4").reshape(spec["inputShape"]))
    boxes = torch.from_numpy(np.fromfile(Path(directory) / spec["boxesFile"], dtype="<f4").reshape(spec["boxesShape"]))

    if spec["op"] == "roiAlign":
        if options.get("mode", "avg") != "avg":
            raise SystemExit(f"{workload_id}: torchvision's roi_align only averages")

        def call():
            return roi_align(
                features,
                boxes,
                output_size(options),
                spatial_scale=options.get("spatialScale", 1.0),
                sampling_ratio=options.get("samplingRatio", -1),
                aligned=options.get("aligned", False),
            )

    else:
        if options.get("bins", "overlap") != "overlap":
            raise SystemExit(f"{workload_id}: torchvision's roi_pool has only the 'overlap' bins")

        def call():
            return roi_pool(features, boxes, output_size(options), spatial_scale=options.get("spatialScale", 1.0))

    budget = 1.0 if mode == "quick" else 3.0
    with torch.inference_mode():
        result = call()
        times = []
        started = time.perf_counter()
        while len(times) < 3 or (len(times) < 200 and time.perf_counter() - started < budget):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1000)
    result.contiguous().numpy().astype("<f4").tofile(output_file)
    print(
        json.dumps(
            {
                "medianMs": sorted(times)[len(times) // 2],
                "minMs": min(times),
                "maxMs": max(times),
                "runs": len(times),
                "outputShape": list(result.shape),
                "threads": torch.get_num_threads(),
                "versions": {
                    "python": sys.version.split()[0],
                    "torch": torch.__version__,
                    "torchvision": torchvision.__version__,
                    "numpy": np.__version__,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
