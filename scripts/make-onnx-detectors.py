#!/usr/bin/python3
"""Writes the tiny two-stage detectors of test/fixtures/onnx/ (docs/onnx.md "Testing").

Built from torchvision's own detection classes (FasterRCNN, MaskRCNN, MultiScaleRoIAlign,
FeaturePyramidNetwork) around a three-layer backbone with few channels, seeded random weights,
exported by torch.onnx at opsets 11 and 16 with a dynamic image size. The box classifier's weights
are multiplied by 100 so that random weights still give confident, varied detections and NMS has
work to do. Each file is a few tens of KB; CI only reads them.

Developer machine only (Debian: apt-get install python3-torchvision python3-onnx):
    /usr/bin/python3 scripts/make-onnx-detectors.py [OUTPUT_DIR]
"""
import collections
import os
import sys

import torch
import torchvision
from torch import nn
from torchvision.models.detection import FasterRCNN, MaskRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops import FeaturePyramidNetwork, MultiScaleRoIAlign

CHANNELS = 8
NUM_CLASSES = 4
IMAGE_SIZE = (96, 128)  # height, width at export; the models take any size


class TinyBackbone(nn.Module):
    """Three stride-2 stages (strides 4, 8, 16) and an FPN over the last two: levels '0' and '1'."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU())
        self.stage1 = nn.Sequential(nn.Conv2d(8, 12, 3, stride=2, padding=1), nn.ReLU())
        self.stage2 = nn.Sequential(nn.Conv2d(12, 16, 3, stride=2, padding=1), nn.ReLU())
        self.fpn = FeaturePyramidNetwork([12, 16], CHANNELS)
        self.out_channels = CHANNELS

    def forward(self, x):
        c1 = self.stage1(self.stem(x))
        c2 = self.stage2(c1)
        return self.fpn(collections.OrderedDict([("0", c1), ("1", c2)]))


def common_options():
    return dict(
        min_size=IMAGE_SIZE[0],
        max_size=IMAGE_SIZE[1],
        rpn_anchor_generator=AnchorGenerator(sizes=((16, 32), (48, 96)), aspect_ratios=((0.5, 1.0, 2.0),) * 2),
        rpn_pre_nms_top_n_test=200,
        rpn_post_nms_top_n_test=60,
        box_roi_pool=MultiScaleRoIAlign(["0", "1"], output_size=7, sampling_ratio=2),
        box_head=TwoMLPHead(CHANNELS * 7 * 7, 32),
        box_predictor=FastRCNNPredictor(32, NUM_CLASSES),
        box_score_thresh=0.05,
        box_detections_per_img=30,
    )


def sharpen(model):
    with torch.no_grad():
        model.roi_heads.box_predictor.cls_score.weight.mul_(100)
    return model


def faster_rcnn():
    torch.manual_seed(15)
    return sharpen(FasterRCNN(TinyBackbone(), **common_options())).eval()


def mask_rcnn():
    torch.manual_seed(16)
    return sharpen(
        MaskRCNN(
            TinyBackbone(),
            mask_roi_pool=MultiScaleRoIAlign(["0", "1"], output_size=14, sampling_ratio=2),
            mask_head=MaskRCNNHeads(CHANNELS, (8, 8), 1),
            mask_predictor=MaskRCNNPredictor(8, 8, NUM_CLASSES),
            **common_options(),
        )
    ).eval()


def export(model, path, opset):
    torch.manual_seed(0)
    image = torch.rand(3, *IMAGE_SIZE)
    torch.onnx.export(
        model,
        ([image],),
        path,
        opset_version=opset,
        input_names=["image"],
        output_names=["boxes", "labels", "scores"] + (["masks"] if isinstance(model, MaskRCNN) else []),
        dynamic_axes={"image": {1: "height", 2: "width"}},
        do_constant_folding=True,
    )
    print(f"{path}: {os.path.getsize(path)} bytes, {len(model([image])[0]['boxes'])} detections at export")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "onnx")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")
    for opset in (11, 16):
        export(faster_rcnn(), os.path.join(out, f"tiny-faster-rcnn-opset{opset}.onnx"), opset)
    export(mask_rcnn(), os.path.join(out, "tiny-mask-rcnn-opset16.onnx"), 16)


if __name__ == "__main__":
    main()
