"""Contender: torchvision.ops on the CPU (and detectron2's ROIAlignRotated, which builds on torch),
one workload, in this process.

Usage: torchvision_bench.py <workload dir> <workload id> <quick|full> <output file> <threads>

Reads the workload that bench/run.ts wrote (bench/workload-files.ts: <id>.json naming raw
little-endian float32 files, one per input map and one for the boxes, with their shapes), times the
operator with the same rule as bench/timing.ts (a warm-up of at least one call and a tenth of the
time budget, then at least 3 and at most MAX_CALLS calls or 3 s, 1 s with --quick), prints the
timing as JSON and writes the output [K,C,PH,PW] to <output file>.

The operators, by the workload's op:
  roiAlign            torchvision.ops.roi_align (mode 'avg' only)
  roiPool             torchvision.ops.roi_pool ('overlap' bins only); it always computes its
                      argmax too, like roi-ops with returnArgmax
  psRoiAlign          torchvision.ops.ps_roi_align
  psRoiPool           torchvision.ops.ps_roi_pool
  multiScaleRoiAlign  torchvision.ops.MultiScaleRoIAlign(['0', '1', ...], output size, sampling
                      ratio) on an OrderedDict of the levels, [boxes[:, 1:]] and the image sizes
                      (one image); it infers and caches its scales on the first call, the warm-up
  roiAlignRotated     detectron2.layers.ROIAlignRotated (aligned, counter-clockwise), when
                      detectron2 is importable (it is not on the machine of bench/results/)

Timed: the operator call on tensors made once beforehand (torch.from_numpy, no copy), under
torch.inference_mode().
"""

import json
import sys
import time
from collections import OrderedDict
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import MultiScaleRoIAlign, ps_roi_align, ps_roi_pool, roi_align, roi_pool


def output_size(options):
    size = options["outputSize"]
    return (size, size) if isinstance(size, int) else tuple(size)


def refuse(message):
    raise SystemExit(message)


def only(inputs):
    if len(inputs) != 1:
        refuse(f"expected one feature map, the workload has {len(inputs)}")
    return inputs[0]


def pooling_arguments(options, sampled):
    """The keyword arguments of a torchvision RoI operator from the workload's options: the output
    size and spatial scale, and for the sampling (align) operators the sampling ratio. Read once,
    before the timed calls, as roi-ops' contender merges its options once (bench/roi-ops-calls.ts)."""
    arguments = {"output_size": output_size(options), "spatial_scale": options.get("spatialScale", 1.0)}
    if sampled:
        arguments["sampling_ratio"] = options.get("samplingRatio", -1)
    return arguments


def roi_align_call(options, inputs, boxes):
    if options.get("mode", "avg") != "avg":
        refuse("torchvision's roi_align only averages")
    aligned = options.get("aligned", False)
    return partial(roi_align, only(inputs), boxes, aligned=aligned, **pooling_arguments(options, sampled=True))


def roi_pool_call(options, inputs, boxes):
    if options.get("bins", "overlap") != "overlap":
        refuse("torchvision's roi_pool has only the 'overlap' bins")
    return partial(roi_pool, only(inputs), boxes, **pooling_arguments(options, sampled=False))


def ps_roi_align_call(options, inputs, boxes):
    return partial(ps_roi_align, only(inputs), boxes, **pooling_arguments(options, sampled=True))


def ps_roi_pool_call(options, inputs, boxes):
    return partial(ps_roi_pool, only(inputs), boxes, **pooling_arguments(options, sampled=False))


def multi_scale_roi_align_call(options, inputs, boxes):
    if options.get("aligned", False) or "scales" in options:
        refuse("torchvision's MultiScaleRoIAlign is not aligned and infers its scales from imageSizes")
    image_sizes = [tuple(size) for size in options["imageSizes"]]
    if inputs[0].shape[0] != 1 or len(image_sizes) != 1 or bool((boxes[:, 0] != 0).any()):
        refuse("this contender handles one image: batch 1, one image size, every box in image 0")
    names = [str(level) for level in range(len(inputs))]
    pooler = MultiScaleRoIAlign(
        names,
        output_size(options),
        options.get("samplingRatio", -1),
        canonical_scale=options.get("canonicalScale", 224),
        canonical_level=options.get("canonicalLevel", 4),
    )
    features = OrderedDict(zip(names, inputs))
    # torchvision's List[Tensor[L, 4]], made once, untimed (roi-ops reads the [K,5] rows as they are).
    box_list = [boxes[:, 1:].contiguous()]
    return lambda: pooler(features, box_list, image_sizes)


def roi_align_rotated_call(options, inputs, boxes):
    from detectron2.layers import ROIAlignRotated  # only this operator needs detectron2

    if not options.get("aligned", True) or options.get("clockwise", False):
        refuse("detectron2's ROIAlignRotated is aligned and counter-clockwise only")
    features = only(inputs)
    arguments = pooling_arguments(options, sampled=True)
    layer = ROIAlignRotated(arguments["output_size"], arguments["spatial_scale"], arguments["sampling_ratio"])
    return lambda: layer(features, boxes)


# The most timed calls per workload, as bench/timing.ts kMaxCalls.
MAX_CALLS = 2000

CALLS = {
    "roiAlign": roi_align_call,
    "roiPool": roi_pool_call,
    "psRoiAlign": ps_roi_align_call,
    "psRoiPool": ps_roi_pool_call,
    "multiScaleRoiAlign": multi_scale_roi_align_call,
    "roiAlignRotated": roi_align_rotated_call,
}


def read_tensor(directory, tensor):
    return torch.from_numpy(np.fromfile(Path(directory) / tensor["file"], dtype="<f4").reshape(tensor["shape"]))


def versions():
    found = {"python": sys.version.split()[0], "torch": torch.__version__, "torchvision": torchvision.__version__, "numpy": np.__version__}
    if "detectron2" in sys.modules:
        found["detectron2"] = sys.modules["detectron2"].__version__
    return found


def main():
    directory, workload_id, mode, output_file, threads = sys.argv[1:6]
    torch.set_num_threads(int(threads))
    spec = json.loads((Path(directory) / f"{workload_id}.json").read_text())
    if spec["op"] not in CALLS:
        refuse(f"{workload_id}: no contender here for {spec['op']}")
    inputs = [read_tensor(directory, tensor) for tensor in spec["inputs"]]
    call = CALLS[spec["op"]](spec["options"], inputs, read_tensor(directory, spec["boxes"]))

    budget = 1.0 if mode == "quick" else 3.0
    with torch.inference_mode():
        warm_up_started = time.perf_counter()
        result = call()
        while time.perf_counter() - warm_up_started < budget / 10:
            result = call()
        times = []
        started = time.perf_counter()
        while len(times) < 3 or (len(times) < MAX_CALLS and time.perf_counter() - started < budget):
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
                "versions": versions(),
            }
        )
    )


if __name__ == "__main__":
    main()
