#!/usr/bin/python3
"""Writes the real-size torchvision detectors of the bench suite's section "ONNX detectors end to end"
(bench/onnx-detectors.ts, docs/performance.md "ONNX detectors end to end"): fasterrcnn_mobilenet_v3_large_320_fpn
at opsets 11 and 16, and with --mask maskrcnn_resnet50_fpn at opset 16, with random weights (nothing
is downloaded) and the box classifier's weights multiplied by 100, so that random weights still give
about 100 detections and NMS has realistic work. Exported for a 320x320 image with a dynamic size.
78 MB (and 178 MB) each: never committed.

The suite runs it itself (`npm run bench`, `roi-ops bench`) with the first Python that imports
torchvision, into a cache outside the repository, once per version of this file. By hand (Debian:
apt-get install python3-torchvision python3-onnx):
    /usr/bin/python3 scripts/make-onnx-bench-models.py [OUTPUT_DIR] [--mask]
OUTPUT_DIR defaults to $TMPDIR/roi-ops-onnx-models (or /tmp/...).
"""
import os
import sys

import torch
import torchvision
from torchvision.models import detection


def export(model, path, opset, outputs):
    torch.manual_seed(0)
    image = torch.rand(3, 320, 320)
    with torch.no_grad():
        model.roi_heads.box_predictor.cls_score.weight.mul_(100)
        detections = len(model([image])[0]["boxes"])
    torch.onnx.export(
        model,
        ([image],),
        path,
        opset_version=opset,
        input_names=["image"],
        output_names=outputs,
        dynamic_axes={"image": {1: "height", 2: "width"}},
    )
    print(f"{path}: {os.path.getsize(path)} bytes, {detections} detections at export")


def main():
    args = [arg for arg in sys.argv[1:] if arg != "--mask"]
    out = args[0] if args else os.path.join(os.environ.get("TMPDIR", "/tmp"), "roi-ops-onnx-models")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")
    for opset in (11, 16):
        torch.manual_seed(0)
        model = detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None).eval()
        export(model, os.path.join(out, f"fasterrcnn_mobilenet_v3_large_320_fpn-opset{opset}.onnx"), opset, ["boxes", "labels", "scores"])
    if "--mask" in sys.argv:
        torch.manual_seed(0)
        model = detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, min_size=320, max_size=320).eval()
        export(model, os.path.join(out, "maskrcnn_resnet50_fpn-opset16.onnx"), 16, ["boxes", "labels", "scores", "masks"])


if __name__ == "__main__":
    main()
