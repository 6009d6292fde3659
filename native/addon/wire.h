// Generated from lib/backend/wire.ts by scripts/generate-wire.ts: do not edit.
// The positions of each binding's arguments, by name; an Async binding takes its abort flag
// (an Int32Array or null) at argument_count and the function it settles with after it.
#pragma once
#include <cstddef>

namespace roiops_addon {
namespace wire {

// roiPool
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType) the kernel writes, in the layout of the input
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 argmax: Int32Array the kernel writes, or null
//   12 pooled_height: integer PH >= 1
//   13 pooled_width: integer PW >= 1
//   14 spatial_scale: finite number
//   15 bins: integer: 0 overlap, 1 split
//   16 threads: integer: 0 the process setting
struct RoiPool { static constexpr const char* name = "roiPool"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, argmax, pooled_height, pooled_width, spatial_scale, bins, threads, argument_count }; };

// roiAlign
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType) the kernel writes, in the layout of the input
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 pooled_height: integer PH >= 1
//   12 pooled_width: integer PW >= 1
//   13 spatial_scale: finite number
//   14 sampling_ratio: integer (<= 0: adaptive)
//   15 aligned: boolean
//   16 mode: integer: 0 avg, 1 max, 2 onnx-max
//   17 max_samples_per_roi: integer >= 1
//   18 threads: integer: 0 the process setting
struct RoiAlign { static constexpr const char* name = "roiAlign"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, pooled_height, pooled_width, spatial_scale, sampling_ratio, aligned, mode, max_samples_per_roi, threads, argument_count }; };

// psRoiPool
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType): [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 pooled_height: integer PH >= 1
//   12 pooled_width: integer PW >= 1
//   13 spatial_scale: finite number
//   14 threads: integer: 0 the process setting
struct PsRoiPool { static constexpr const char* name = "psRoiPool"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, pooled_height, pooled_width, spatial_scale, threads, argument_count }; };

// psRoiAlign
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType): [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 pooled_height: integer PH >= 1
//   12 pooled_width: integer PW >= 1
//   13 spatial_scale: finite number
//   14 sampling_ratio: integer (<= 0: adaptive)
//   15 max_samples_per_roi: integer >= 1
//   16 threads: integer: 0 the process setting
struct PsRoiAlign { static constexpr const char* name = "psRoiAlign"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, pooled_height, pooled_width, spatial_scale, sampling_ratio, max_samples_per_roi, threads, argument_count }; };

// roiAlignRotated
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType) the kernel writes, in the layout of the input
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 pooled_height: integer PH >= 1
//   12 pooled_width: integer PW >= 1
//   13 spatial_scale: finite number
//   14 sampling_ratio: integer (<= 0: adaptive)
//   15 aligned: boolean
//   16 clockwise: boolean
//   17 max_samples_per_roi: integer >= 1
//   18 threads: integer: 0 the process setting
struct RoiAlignRotated { static constexpr const char* name = "roiAlignRotated"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, pooled_height, pooled_width, spatial_scale, sampling_ratio, aligned, clockwise, max_samples_per_roi, threads, argument_count }; };

// multiScaleRoiAlign
//   0 levels: array of L Float32Arrays or Uint16Arrays (inputType, finest first), each [N,C,H_l,W_l] or [N,H_l,W_l,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 level_sizes: array of 2L integers [H_0, W_0, H_1, W_1, ...]
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 scales: Float32Array of L spatial scales
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2) in image coordinates
//   8 roi_count: integer K
//   9 roi_levels: Int32Array of K level indices (-1 or out of range: a row of zeros)
//   10 out: Float32Array or Uint16Array (outputType): [K,C,PH,PW] or [K,PH,PW,C]
//   11 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   12 pooled_height: integer PH >= 1
//   13 pooled_width: integer PW >= 1
//   14 sampling_ratio: integer (<= 0: adaptive)
//   15 aligned: boolean
//   16 max_samples_per_roi: integer >= 1
//   17 threads: integer: 0 the process setting
struct MultiScaleRoiAlign { static constexpr const char* name = "multiScaleRoiAlign"; enum : size_t { levels, input_type, batch, channels, level_sizes, layout, scales, rois, roi_count, roi_levels, out, output_type, pooled_height, pooled_width, sampling_ratio, aligned, max_samples_per_roi, threads, argument_count }; };

// spatialPyramidPool
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2), or null: one row per image over its whole map
//   8 roi_count: integer K (0 when rois is null)
//   9 out: Float32Array or Uint16Array (outputType): [rows, C*sum(l*l)] in both layouts, each level flattened (C, l, l)
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 levels: Int32Array of grid sizes l >= 1, in output order
//   12 spatial_scale: finite number
//   13 mode: integer: 0 max, 1 avg
//   14 threads: integer: 0 the process setting
struct SpatialPyramidPool { static constexpr const char* name = "spatialPyramidPool"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, levels, spatial_scale, mode, threads, argument_count }; };

// cropAndResize
//   0 input: Float32Array or Uint16Array (inputType): the images, [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of 4 normalized (y1, x1, y2, x2)
//   8 roi_count: integer K
//   9 box_indices: Int32Array of K image indices
//   10 out: Float32Array or Uint16Array (outputType): [K,h,w,C] (NHWC) or [K,C,h,w] (NCHW)
//   11 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   12 crop_height: integer h >= 1
//   13 crop_width: integer w >= 1
//   14 method: integer: 0 bilinear, 1 nearest
//   15 extrapolation_value: any number
//   16 threads: integer: 0 the process setting
struct CropAndResize { static constexpr const char* name = "cropAndResize"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, box_indices, out, output_type, crop_height, crop_width, method, extrapolation_value, threads, argument_count }; };

// preciseRoiPool
//   0 input: Float32Array or Uint16Array (inputType): [N,C,H,W] or [N,H,W,C]
//   1 input_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   2 batch: integer N
//   3 channels: integer C
//   4 height: integer H
//   5 width: integer W
//   6 layout: integer: 0 NCHW, 1 NHWC
//   7 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   8 roi_count: integer K
//   9 out: Float32Array or Uint16Array (outputType) the kernel writes, in the layout of the input
//   10 output_type: integer: 0 float32 (a Float32Array), 1 float16, 2 bfloat16 (a Uint16Array of bit patterns)
//   11 pooled_height: integer PH >= 1
//   12 pooled_width: integer PW >= 1
//   13 spatial_scale: finite number
//   14 threads: integer: 0 the process setting
struct PreciseRoiPool { static constexpr const char* name = "preciseRoiPool"; enum : size_t { input, input_type, batch, channels, height, width, layout, rois, roi_count, out, output_type, pooled_height, pooled_width, spatial_scale, threads, argument_count }; };

// roiPoolBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: the forward output's shape and layout
//   9 argmax: Int32Array: the forward's argmax, in the forward output's layout
//   10 pooled_height: integer PH >= 1
//   11 pooled_width: integer PW >= 1
//   12 threads: integer: 0 the process setting
struct RoiPoolBackward { static constexpr const char* name = "roiPoolBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, argmax, pooled_height, pooled_width, threads, argument_count }; };

// roiAlignBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: the forward output's shape and layout
//   9 input: Float32Array: the forward input, needed by the max modes; or null
//   10 pooled_height: integer PH >= 1
//   11 pooled_width: integer PW >= 1
//   12 spatial_scale: finite number
//   13 sampling_ratio: integer (<= 0: adaptive)
//   14 aligned: boolean
//   15 mode: integer: 0 avg, 1 max, 2 onnx-max
//   16 max_samples_per_roi: integer >= 1
//   17 threads: integer: 0 the process setting
struct RoiAlignBackward { static constexpr const char* name = "roiAlignBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, input, pooled_height, pooled_width, spatial_scale, sampling_ratio, aligned, mode, max_samples_per_roi, threads, argument_count }; };

// psRoiPoolBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
//   9 pooled_height: integer PH >= 1
//   10 pooled_width: integer PW >= 1
//   11 spatial_scale: finite number
//   12 threads: integer: 0 the process setting
struct PsRoiPoolBackward { static constexpr const char* name = "psRoiPoolBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, pooled_height, pooled_width, spatial_scale, threads, argument_count }; };

// psRoiAlignBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: [K,C/(PH*PW),PH,PW] or [K,PH,PW,C/(PH*PW)]
//   9 pooled_height: integer PH >= 1
//   10 pooled_width: integer PW >= 1
//   11 spatial_scale: finite number
//   12 sampling_ratio: integer (<= 0: adaptive)
//   13 max_samples_per_roi: integer >= 1
//   14 threads: integer: 0 the process setting
struct PsRoiAlignBackward { static constexpr const char* name = "psRoiAlignBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, pooled_height, pooled_width, spatial_scale, sampling_ratio, max_samples_per_roi, threads, argument_count }; };

// roiAlignRotatedBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: the forward output's shape and layout
//   9 pooled_height: integer PH >= 1
//   10 pooled_width: integer PW >= 1
//   11 spatial_scale: finite number
//   12 sampling_ratio: integer (<= 0: adaptive)
//   13 aligned: boolean
//   14 clockwise: boolean
//   15 max_samples_per_roi: integer >= 1
//   16 threads: integer: 0 the process setting
struct RoiAlignRotatedBackward { static constexpr const char* name = "roiAlignRotatedBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, pooled_height, pooled_width, spatial_scale, sampling_ratio, aligned, clockwise, max_samples_per_roi, threads, argument_count }; };

// preciseRoiPoolBackward
//   0 grad_input: Float32Array: the forward input's shape and layout, zero-filled then accumulated into
//   1 batch: integer N
//   2 channels: integer C
//   3 height: integer H
//   4 width: integer W
//   5 layout: integer: 0 NCHW, 1 NHWC
//   6 rois: Float32Array: K rows of (batchIndex, x1, y1, x2, y2)
//   7 roi_count: integer K
//   8 grad_output: Float32Array: the forward output's shape and layout
//   9 pooled_height: integer PH >= 1
//   10 pooled_width: integer PW >= 1
//   11 spatial_scale: finite number
//   12 threads: integer: 0 the process setting
struct PreciseRoiPoolBackward { static constexpr const char* name = "preciseRoiPoolBackward"; enum : size_t { grad_input, batch, channels, height, width, layout, rois, roi_count, grad_output, pooled_height, pooled_width, spatial_scale, threads, argument_count }; };

}  // namespace wire
}  // namespace roiops_addon
