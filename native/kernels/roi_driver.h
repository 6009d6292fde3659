// The skeleton shared by the forward kernels that pool rows (RoIs, or whole images) into one
// output block each: pick the planar or the channels-last path (cost_model.h), then run the
// rows as tasks on the call's threads. A kernel supplies only its arithmetic, as a struct:
//
//   bool usable(int64_t r) const;  // false: the row pools to 0 (and -1 argmax)
//   Status planar(int64_t r, int64_t c0, int64_t c1, float* out_block) const;
//       channels [c0, c1) of row r, reading the map where it lies
//   Status channels_last(int64_t r, const float* map_copy, const BlockWriter& writer, float* out_block) const;
//       all of row r, reading the map's channels-last copy (RowPlan::copy says which)
//
// Planar: few rows on a big map. Each row is split into chunks of kPlanarChannelsPerTask
// channels, so that few RoIs still spread over the threads. Channels-last: the map is copied
// once (or used as it is when NHWC), and each row is one task writing its whole block.
#pragma once
#include <algorithm>
#include <cstdint>

#include "cost_model.h"
#include "half.h"
#include "transpose.h"

namespace roiops {
namespace ROIOPS_ISA {

// Channels per task on the planar path.
constexpr int64_t kPlanarChannelsPerTask = 16;

// The channels-last copy a kernel reads: [N][H*W][C] (channels_last_map), or bin-major
// [N][H*W][bins][C/bins] for the position-sensitive kernels (bin_major_map).
enum class MapCopy { channels_last, bin_major };

// One call as the driver sees it.
struct RowPlan {
  int64_t rows;               // RoIs, or images for spatialPyramidPool without RoIs
  int64_t block;              // output elements per row: row r's block starts at r * block
  int64_t channels;           // the channels the planar path splits into chunks
  bool channels_last;         // the path, from the cost model
  double nanoseconds;         // the estimated work of that path (for_work)
  float* out;                 // the output, rows * block elements
  int32_t* argmax = nullptr;  // roiPool's argmax output when the call wants it
  MapCopy copy = MapCopy::channels_last;
  int64_t bins = 1;  // for MapCopy::bin_major
  // A 16-bit output (roiAlign's, multiScaleRoiAlign's): its patterns, `out` unused. Each row's block is computed
  // into per-thread float32 memory and rounded into out16 at once, while it is in cache,
  // instead of in a pass over a whole float32 output after the call.
  uint16_t* out16 = nullptr;
  ElementType out_type = ElementType::float32;
};

// Where a row's task computes: its block of the output, or for a 16-bit output per-thread
// float32 memory that round_block then rounds into the output.
inline float* block_of(const RowPlan& plan, int64_t r) {
  if (plan.out16 == nullptr) return plan.out + r * plan.block;
  thread_local Scratch<float> block;
  return block.reserve(plan.block);
}

// For a 16-bit output, elements [first, first + count) of row r's block, rounded.
inline void round_block(const RowPlan& plan, int64_t r, const float* values, int64_t first, int64_t count) {
  if (plan.out16 != nullptr) narrow_elements(values + first, count, plan.out_type, plan.out16 + r * plan.block + first);
}

// The plan of a kernel whose path the cost model picks from its work per channel (samples,
// pixels or taps, summed over the rows): planar or channels-last, and the estimated time of
// that path, which sets the thread count.
inline RowPlan costed_plan(const FeatureMap& map, int64_t rows, int64_t block, double work_per_channel,
                           const PathCosts& costs, float* out, int32_t* argmax = nullptr) {
  const bool channels_last = prefer_channels_last(map, work_per_channel, costs);
  return RowPlan{
      rows, block, map.channels, channels_last, path_ns(work_per_channel, map.channels, costs, channels_last),
      out,  argmax};
}

// What a RoI kernel reads: the map and the RoI rows, rois.columns floats each.
struct MapAndRois {
  const FeatureMap& map;
  const RoiRows& rois;

  const float* row(int64_t k) const { return rois.data + k * rois.columns; }
  // The rule of every operator but roiAlignRotated (which also checks its angle).
  bool usable(int64_t k) const { return roi_row_is_valid(row(k), map.batch); }
  // Row k's image in `data`: the map itself or its copy, both N images of C*H*W floats.
  const float* image(int64_t k, const float* data) const {
    return data + static_cast<int64_t>(row(k)[0]) * map.channels * map.height * map.width;
  }
};

// The outputs of an unusable row: 0, and -1 for its argmax when the call wants one.
inline void fill_unusable_row(const RowPlan& plan, int64_t r) {
  if (plan.out16 != nullptr)
    fill_block(plan.out16 + r * plan.block, plan.block, uint16_t(0));  // +0 in both formats
  else
    fill_block(plan.out + r * plan.block, plan.block, 0.0f);
  if (plan.argmax != nullptr) fill_block(plan.argmax + r * plan.block, plan.block, int32_t(-1));
}

// The planar path: (row, channel chunk) tasks, reading the map where it lies.
template <class Kernel>
Status run_planar_rows(const Kernel& kernel, const RowPlan& plan, const Execution& execution) {
  const int64_t chunks = std::max<int64_t>((plan.channels + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask, 1);
  return run_tasks(plan.rows * chunks, for_work(execution, plan.nanoseconds), [&](int64_t task) {
    const int64_t r = task / chunks, c0 = (task % chunks) * kPlanarChannelsPerTask;
    if (!kernel.usable(r)) {
      if (c0 == 0) fill_unusable_row(plan, r);
      return Status::success();
    }
    const int64_t c1 = std::min(c0 + kPlanarChannelsPerTask, plan.channels);
    float* values = block_of(plan, r);
    const Status status = kernel.planar(r, c0, c1, values);
    // The planar path writes an NCHW block: channels [c0, c1) are its elements [c0, c1) * bins.
    const int64_t per_channel = plan.block / plan.channels;
    if (status.ok()) round_block(plan, r, values, c0 * per_channel, (c1 - c0) * per_channel);
    return status;
  });
}

// The channels-last path: the map copied once, then one task per row.
template <class Kernel>
Status run_channels_last_rows(const Kernel& kernel, const FeatureMap& map, const RowPlan& plan,
                              const Execution& execution) {
  // Kept per calling thread, so that a multi-megabyte copy is not allocated (and its pages
  // faulted in) again on every call.
  thread_local Scratch<float> copy;
  const float* map_copy = nullptr;
  const Status prepared = plan.copy == MapCopy::bin_major ? bin_major_map(map, plan.bins, execution, copy, map_copy)
                                                          : channels_last_map(map, execution, copy, map_copy);
  if (!prepared.ok()) return prepared;
  // Per-thread float32 blocks of a 16-bit output are not streamed (they are read back at once).
  const BlockWriter writer(map, plan.out16 != nullptr ? 0 : plan.rows * plan.block);
  return run_tasks(plan.rows, for_work(execution, plan.nanoseconds), [&](int64_t r) {
    if (!kernel.usable(r)) {
      fill_unusable_row(plan, r);
      return Status::success();
    }
    float* values = block_of(plan, r);
    const Status status = kernel.channels_last(r, map_copy, writer, values);
    if (status.ok()) round_block(plan, r, values, 0, plan.block);
    return status;
  });
}

// The whole call: the path the plan chose.
template <class Kernel>
Status run_rows(const Kernel& kernel, const FeatureMap& map, const RowPlan& plan, const Execution& execution) {
  if (plan.channels_last) return run_channels_last_rows(kernel, map, plan, execution);
  return run_planar_rows(kernel, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
