// Generated from lib/backend/wire.ts by scripts/generate-wire.ts: do not edit.
// The positions of each binding's arguments, by name; an Async binding takes its abort flag
// (an Int32Array or null) at argument_count and the function it settles with after it.
#pragma once
#include <cstddef>

namespace roiops_addon {
namespace wire {

struct RoiPool {
  static constexpr const char* name = "roiPool";
  enum : size_t {
    input,          // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    out,            // 8: Float32Array the kernel writes, in the layout of the input
    argmax,         // 9: Int32Array the kernel writes, or null
    pooled_height,  // 10: integer PH >= 1
    pooled_width,   // 11: integer PW >= 1
    spatial_scale,  // 12: finite number
    bins,           // 13: integer: 0 overlap, 1 split
    threads,        // 14: integer: 0 the process setting
    argument_count
  };
};

struct RoiAlign {
  static constexpr const char* name = "roiAlign";
  enum : size_t {
    input,                // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,            // 7: integer K
    out,                  // 8: Float32Array the kernel writes, in the layout of the input
    pooled_height,        // 9: integer PH >= 1
    pooled_width,         // 10: integer PW >= 1
    spatial_scale,        // 11: finite number
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    aligned,              // 13: boolean
    mode,                 // 14: integer: 0 avg, 1 max, 2 onnx-max
    max_samples_per_roi,  // 15: integer >= 1
    threads,              // 16: integer: 0 the process setting
    argument_count
  };
};

struct PsRoiPool {
  static constexpr const char* name = "psRoiPool";
  enum : size_t {
    input,          // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    out,            // 8: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
    pooled_height,  // 9: integer PH >= 1
    pooled_width,   // 10: integer PW >= 1
    spatial_scale,  // 11: finite number
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

struct PsRoiAlign {
  static constexpr const char* name = "psRoiAlign";
  enum : size_t {
    input,                // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,            // 7: integer K
    out,                  // 8: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
    pooled_height,        // 9: integer PH >= 1
    pooled_width,         // 10: integer PW >= 1
    spatial_scale,        // 11: finite number
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    max_samples_per_roi,  // 13: integer >= 1
    threads,              // 14: integer: 0 the process setting
    argument_count
  };
};

struct RoiAlignRotated {
  static constexpr const char* name = "roiAlignRotated";
  enum : size_t {
    input,                // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise)
    roi_count,            // 7: integer K
    out,                  // 8: Float32Array the kernel writes, in the layout of the input
    pooled_height,        // 9: integer PH >= 1
    pooled_width,         // 10: integer PW >= 1
    spatial_scale,        // 11: finite number
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    aligned,              // 13: boolean
    clockwise,            // 14: boolean
    max_samples_per_roi,  // 15: integer >= 1
    threads,              // 16: integer: 0 the process setting
    argument_count
  };
};

struct MultiScaleRoiAlign {
  static constexpr const char* name = "multiScaleRoiAlign";
  enum : size_t {
    levels,               // 0: array of L Float32Arrays (finest first), each [N,C,H_l,W_l] or [N,H_l,W_l,C]
    batch,                // 1: integer N
    channels,             // 2: integer C
    level_sizes,          // 3: array of 2L integers [H_0, W_0, H_1, W_1, ...]
    layout,               // 4: integer: 0 NCHW, 1 NHWC
    scales,               // 5: Float32Array of L spatial scales
    rois,                 // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2) in image coordinates
    roi_count,            // 7: integer K
    roi_levels,           // 8: Int32Array of K level indices (-1 or out of range: a row of zeros)
    out,                  // 9: Float32Array: [K,C,PH,PW] or [K,PH,PW,C]
    pooled_height,        // 10: integer PH >= 1
    pooled_width,         // 11: integer PW >= 1
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    aligned,              // 13: boolean
    max_samples_per_roi,  // 14: integer >= 1
    threads,              // 15: integer: 0 the process setting
    argument_count
  };
};

struct SpatialPyramidPool {
  static constexpr const char* name = "spatialPyramidPool";
  enum : size_t {
    input,          // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2), or null: one row per image over its whole map
    roi_count,      // 7: integer K (0 when rois is null)
    out,            // 8: Float32Array: [rows, C*sum(l*l)] in both layouts, each level flattened (C, l, l)
    levels,         // 9: Int32Array of grid sizes l >= 1, in output order
    spatial_scale,  // 10: finite number
    mode,           // 11: integer: 0 max, 1 avg
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

struct CropAndResize {
  static constexpr const char* name = "cropAndResize";
  enum : size_t {
    input,                // 0: Float32Array: the images, [N,C,H,W] or [N,H,W,C]
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of 4 normalized (y1, x1, y2, x2)
    roi_count,            // 7: integer K
    box_indices,          // 8: Int32Array of K image indices
    out,                  // 9: Float32Array: [K,h,w,C] (NHWC) or [K,C,h,w] (NCHW)
    crop_height,          // 10: integer h >= 1
    crop_width,           // 11: integer w >= 1
    method,               // 12: integer: 0 bilinear, 1 nearest
    extrapolation_value,  // 13: any number
    threads,              // 14: integer: 0 the process setting
    argument_count
  };
};

struct PreciseRoiPool {
  static constexpr const char* name = "preciseRoiPool";
  enum : size_t {
    input,          // 0: Float32Array: [N,C,H,W] or [N,H,W,C]
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    out,            // 8: Float32Array the kernel writes, in the layout of the input
    pooled_height,  // 9: integer PH >= 1
    pooled_width,   // 10: integer PW >= 1
    spatial_scale,  // 11: finite number
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

struct RoiPoolBackward {
  static constexpr const char* name = "roiPoolBackward";
  enum : size_t {
    grad_input,     // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    grad_output,    // 8: Float32Array: the forward output's shape and layout
    argmax,         // 9: Int32Array: the forward's argmax, in the forward output's layout
    pooled_height,  // 10: integer PH >= 1
    pooled_width,   // 11: integer PW >= 1
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

struct RoiAlignBackward {
  static constexpr const char* name = "roiAlignBackward";
  enum : size_t {
    grad_input,           // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,            // 7: integer K
    grad_output,          // 8: Float32Array: the forward output's shape and layout
    input,                // 9: Float32Array: the forward input, needed by the max modes; or null
    pooled_height,        // 10: integer PH >= 1
    pooled_width,         // 11: integer PW >= 1
    spatial_scale,        // 12: finite number
    sampling_ratio,       // 13: integer (<= 0: adaptive)
    aligned,              // 14: boolean
    mode,                 // 15: integer: 0 avg, 1 max, 2 onnx-max
    max_samples_per_roi,  // 16: integer >= 1
    threads,              // 17: integer: 0 the process setting
    argument_count
  };
};

struct PsRoiPoolBackward {
  static constexpr const char* name = "psRoiPoolBackward";
  enum : size_t {
    grad_input,     // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    grad_output,    // 8: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
    pooled_height,  // 9: integer PH >= 1
    pooled_width,   // 10: integer PW >= 1
    spatial_scale,  // 11: finite number
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

struct PsRoiAlignBackward {
  static constexpr const char* name = "psRoiAlignBackward";
  enum : size_t {
    grad_input,           // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,            // 7: integer K
    grad_output,          // 8: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
    pooled_height,        // 9: integer PH >= 1
    pooled_width,         // 10: integer PW >= 1
    spatial_scale,        // 11: finite number
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    max_samples_per_roi,  // 13: integer >= 1
    threads,              // 14: integer: 0 the process setting
    argument_count
  };
};

struct RoiAlignRotatedBackward {
  static constexpr const char* name = "roiAlignRotatedBackward";
  enum : size_t {
    grad_input,           // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,                // 1: integer N
    channels,             // 2: integer C
    height,               // 3: integer H
    width,                // 4: integer W
    layout,               // 5: integer: 0 NCHW, 1 NHWC
    rois,                 // 6: Float32Array: K rows of (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise)
    roi_count,            // 7: integer K
    grad_output,          // 8: Float32Array: the forward output's shape and layout
    pooled_height,        // 9: integer PH >= 1
    pooled_width,         // 10: integer PW >= 1
    spatial_scale,        // 11: finite number
    sampling_ratio,       // 12: integer (<= 0: adaptive)
    aligned,              // 13: boolean
    clockwise,            // 14: boolean
    max_samples_per_roi,  // 15: integer >= 1
    threads,              // 16: integer: 0 the process setting
    argument_count
  };
};

struct PreciseRoiPoolBackward {
  static constexpr const char* name = "preciseRoiPoolBackward";
  enum : size_t {
    grad_input,     // 0: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
    batch,          // 1: integer N
    channels,       // 2: integer C
    height,         // 3: integer H
    width,          // 4: integer W
    layout,         // 5: integer: 0 NCHW, 1 NHWC
    rois,           // 6: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
    roi_count,      // 7: integer K
    grad_output,    // 8: Float32Array: the forward output's shape and layout
    pooled_height,  // 9: integer PH >= 1
    pooled_width,   // 10: integer PW >= 1
    spatial_scale,  // 11: finite number
    threads,        // 12: integer: 0 the process setting
    argument_count
  };
};

}  // namespace wire
}  // namespace roiops_addon
