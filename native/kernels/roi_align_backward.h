// Backward passes of RoIAlign (avg, mmcv max, onnx-max: docs/semantics.md "roiAlign", "The three modes"), PSRoIAlign ("psRoiPool and psRoiAlign")
// and rotated RoIAlign ("roiAlignRotated"): the gradient of the input map from the gradient of the output.
//
// Determinism. The work splits over channels, never over RoIs: a task owns whole channels of
// the gradient (for ps, whole output channels, i.e. input channels c_out*bins .. +bins) and,
// image by image, visits RoIs k in order, then bins ph, pw, then the forward's samples (iy,
// ix), then corners 1..4. So every gradient element sums its contributions in the order of a
// sequential (k, c, ph, pw, samples) loop restricted to its channel, whatever the thread count,
// and no two threads add to the same element.
//
// Speed. A task accumulates an image into a channels-last scratch [H*W][group][cb] (cb
// channels of the task; group = bins for ps, so that a bin's channels are contiguous, else 1)
// and the avg scatter runs vectorised across those channels with the scalar operations of each
// lane (bit-identical on every instruction set); the finished image is transposed into the
// gradient in its layout. The max modes pick each channel's winning sample by recomputing the
// forward, channel by channel.
#pragma once
#include <limits>

#include "ps_roi_align.h"
#include "roi_align.h"
#include "roi_align_rotated.h"

namespace roiops {
namespace ROIOPS_ISA {

// torchvision's g_i = dY * w_i / count added to the four corners of every listed sample, over
// channels [c, c + NV*L::width): acc[o + c] += g[c] * w_i / count. `factor` is 1/count when
// count is a power of two (kReciprocal: x * 2^-k rounds the same real number as x / 2^k), else
// count.
template <class L, int NV, bool kReciprocal>
inline void scatter_samples(float* acc, const BinSample* samples, int64_t listed, const float* g, int64_t c,
                            float factor) {
  using F = typename L::F;
  F gv[NV];
  for (int j = 0; j < NV; ++j) gv[j] = L::load(g + c + j * L::width);
  const F fv = L::set1(factor);
  for (int64_t s = 0; s < listed; ++s) {
    const BinSample& sample = samples[s];
    const int64_t offsets[4] = {sample.o1, sample.o2, sample.o3, sample.o4};
    const float weights[4] = {sample.w1, sample.w2, sample.w3, sample.w4};
    for (int q = 0; q < 4; ++q) {  // one corner after the other: two corners may be one pixel
      const F wv = L::set1(weights[q]);
      float* base = acc + offsets[q] + c;
      for (int j = 0; j < NV; ++j) {
        F v = L::mul(gv[j], wv);
        v = kReciprocal ? L::mul(v, fv) : L::div(v, fv);
        float* p = base + j * L::width;
        L::store(p, L::add(L::load(p), v));
      }
    }
  }
}

template <bool kReciprocal>
inline void scatter_channels(float* acc, const BinSample* list, int64_t listed, const float* g, int64_t count,
                             float factor) {
  using V = VectorLanes;
  int64_t i = 0;
  for (; i + 4 * V::width <= count; i += 4 * V::width)
    scatter_samples<V, 4, kReciprocal>(acc, list, listed, g, i, factor);
  for (; i + V::width <= count; i += V::width) scatter_samples<V, 1, kReciprocal>(acc, list, listed, g, i, factor);
  for (; i < count; ++i) scatter_samples<ScalarLanes, 1, kReciprocal>(acc, list, listed, g, i, factor);
}

// The gradient's geometry as the backward passes see it.
struct BackwardShape {
  int64_t batch, channels, height, width;
  Layout layout;
  int64_t bins;      // PH*PW
  int64_t group;     // input channels per output channel: bins for ps, else 1
  int64_t outputs;   // output channels: channels / group
  int64_t per_task;  // output channels per task
};

// One task's channels [g0, g0 + cb) of output channels, for one image:
// acc is [H*W][group][cb] (see the file comment).
struct GradientBlock {
  float* acc;
  int64_t g0, cb;
};

// The avg scatter of one RoI: `grad_block` is its [outputs][bins] or [bins][outputs] block of dY.
template <class Sampler>
inline void scatter_roi_avg(const Sampler& sampler, const BackwardShape& shape, const float* grad_block,
                            const GradientBlock& block, Scratch<float>& gathered, Scratch<BinSample>& list) {
  const int64_t total = sampler.per_bin();
  if (total == 0) return;
  const bool reciprocal = (total & (total - 1)) == 0;
  const float factor = reciprocal ? 1.0f / static_cast<float>(total) : static_cast<float>(total);
  const int64_t pixel_stride = shape.group * block.cb;
  float* g = gathered.reserve(block.cb);
  BinSample* samples = list.reserve(kSampleChunk);
  for (int64_t bin = 0; bin < shape.bins; ++bin) {
    const float* gb = grad_block + bin * shape.outputs + block.g0;
    if (shape.layout == Layout::nchw) {
      for (int64_t j = 0; j < block.cb; ++j) g[j] = grad_block[(block.g0 + j) * shape.bins + bin];
      gb = g;
    }
    float* target = block.acc + (shape.group == 1 ? 0 : bin) * block.cb;
    for (int64_t first = 0; first < total; first += kSampleChunk) {
      const int64_t listed = sampler.list(bin, first, std::min(kSampleChunk, total - first), shape.width * pixel_stride,
                                          pixel_stride, false, samples);
      if (reciprocal)
        scatter_channels<true>(target, samples, listed, gb, block.cb, factor);
      else
        scatter_channels<false>(target, samples, listed, gb, block.cb, factor);
    }
  }
}

// A channel's winning sample in one bin of the max modes.
struct MaxWinner {
  float best;
  int32_t corner;  // onnx-max: the winning corner 0..3
  bool found;
  BinSample sample;
};

// The max-mode scatter of one axis-aligned RoI (group 1). `image` is the forward input of the
// RoI's image. Recomputes each channel's forward exactly (kernels/roi_align.h
// AlignAccumulator): max takes the first sample whose bilinear value is > the best so far
// (from -infinity) and gives its four corners dY * w_i (mmcv); onnx-max takes the first
// sample whose std::max of weighted corners is > the best (from lowest()) and gives the
// corner that won dY * w_i. A winner outside the map, or no winner, gives nothing.
template <AlignMode M>
inline void scatter_roi_max(const AxisSampler& sampler, const BackwardShape& shape, const float* image,
                            const float* grad_block, const GradientBlock& block, Scratch<MaxWinner>& winners_scratch,
                            Scratch<BinSample>& list) {
  const int64_t total = sampler.per_bin();
  if (total == 0) return;
  const int64_t HW = shape.height * shape.width, C = shape.channels;
  const bool planar = shape.layout == Layout::nchw;
  const int64_t pixel_stride = planar ? 1 : C;
  MaxWinner* winners = winners_scratch.reserve(block.cb);
  BinSample* samples = list.reserve(kSampleChunk);
  const float start =
      M == AlignMode::max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::lowest();
  for (int64_t bin = 0; bin < shape.bins; ++bin) {
    for (int64_t j = 0; j < block.cb; ++j) winners[j] = MaxWinner{start, 0, false, BinSample{}};
    for (int64_t first = 0; first < total; first += kSampleChunk) {
      // Offsets in pixels (row stride W, column stride 1).
      const int64_t listed =
          sampler.list(bin, first, std::min(kSampleChunk, total - first), shape.width, 1, true, samples);
      for (int64_t j = 0; j < block.cb; ++j) {
        const int64_t c = block.g0 + j;
        const float* plane = planar ? image + c * HW : image + c;
        MaxWinner& w = winners[j];
        for (int64_t s = 0; s < listed; ++s) {
          const BinSample& sample = samples[s];
          float value = 0.0f;
          int32_t corner = 0;
          if (sample.inside) {
            const float a = sample.w1 * plane[sample.o1 * pixel_stride],
                        b = sample.w2 * plane[sample.o2 * pixel_stride],
                        d3 = sample.w3 * plane[sample.o3 * pixel_stride],
                        d4 = sample.w4 * plane[sample.o4 * pixel_stride];
            if (M == AlignMode::max) {
              value = a + b + d3 + d4;
            } else {  // std::max(std::max(std::max(a, b), d3), d4): a later corner wins only if strictly greater
              value = a;
              if (value < b) value = b, corner = 1;
              if (value < d3) value = d3, corner = 2;
              if (value < d4) value = d4, corner = 3;
            }
          }
          if (value > w.best) w = MaxWinner{value, corner, true, sample};
        }
      }
    }
    for (int64_t j = 0; j < block.cb; ++j) {
      const MaxWinner& w = winners[j];
      if (!w.found || !w.sample.inside) continue;
      const float g =
          planar ? grad_block[(block.g0 + j) * shape.bins + bin] : grad_block[bin * shape.outputs + block.g0 + j];
      const int64_t offsets[4] = {w.sample.o1, w.sample.o2, w.sample.o3, w.sample.o4};
      const float weights[4] = {w.sample.w1, w.sample.w2, w.sample.w3, w.sample.w4};
      if (M == AlignMode::max) {
        for (int q = 0; q < 4; ++q) block.acc[offsets[q] * block.cb + j] += g * weights[q];
      } else {
        block.acc[offsets[w.corner] * block.cb + j] += g * weights[w.corner];
      }
    }
  }
}

// Moves a finished image n of a task's scratch ([H*W][group][cb]) into the gradient.
inline void finish_gradient_image(const float* acc, const BackwardShape& shape, int64_t n, int64_t g0, int64_t cb,
                                  const GradientMap& grad) {
  const int64_t HW = shape.height * shape.width, C = shape.channels, group = shape.group;
  if (shape.layout == Layout::nchw) {
    for (int64_t b = 0; b < group; ++b)
      transpose(acc + b * cb, HW, cb, group * cb, grad.data + (n * C + g0 * group + b) * HW, group * HW);
    return;
  }
  float* image = grad.data + n * HW * C + g0 * group;
  if (group == 1) {
    for (int64_t p = 0; p < HW; ++p)
      for (int64_t j = 0; j < cb; ++j) image[p * C + j] = acc[p * cb + j];
    return;
  }
  for (int64_t p = 0; p < HW; ++p) transpose(acc + p * group * cb, group, cb, cb, image + p * C, group);
}

// Runs the backward pass task by task (output channel blocks): per image, the RoIs of that
// image in order through `visit(k, block)`, then the image into the gradient.
// row_batch[k] is row k's image, or -1 for an unusable row.
template <class Visit>
inline Status backward_by_channels(const BackwardShape& shape, const int64_t* row_batch, int64_t K,
                                   const GradientMap& grad, const Execution& execution, double work, Visit&& visit) {
  const int64_t tasks = (shape.outputs + shape.per_task - 1) / shape.per_task;
  return run_tasks(tasks, for_work(execution, work), [&](int64_t task) -> Status {
    const int64_t g0 = task * shape.per_task, cb = std::min(shape.per_task, shape.outputs - g0);
    const int64_t image_floats = shape.height * shape.width * shape.group * cb;
    thread_local Scratch<float> scratch;
    float* acc = scratch.reserve(image_floats);
    for (int64_t n = 0; n < shape.batch; ++n) {
      fill_block(acc, image_floats, 0.0f);
      for (int64_t k = 0; k < K; ++k) {
        if (row_batch[k] != n) continue;
        if (execution.cancel.requested()) return {StatusCode::aborted, -1, "aborted"};
        const Status status = visit(k, GradientBlock{acc, g0, cb});
        if (!status.ok()) return status;
      }
      finish_gradient_image(acc, shape, n, g0, cb, grad);
    }
    return Status::success();
  });
}

// Each row's image (-1 when unusable), in call-owned scratch.
template <class Valid>
inline Status row_batches(const RoiRows& rois, int64_t batch, Scratch<int64_t>& scratch, const int64_t*& result,
                          Valid&& valid) {
  int64_t* rows;
  try {
    rows = scratch.reserve(std::max<int64_t>(rois.count, 1));
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for scratch space"};
  }
  for (int64_t k = 0; k < rois.count; ++k) {
    const float* row = rois.data + k * rois.columns;
    rows[k] = valid(row, batch) ? static_cast<int64_t>(row[0]) : -1;
  }
  result = rows;
  return Status::success();
}

constexpr int64_t kGradientChannelsPerTask = 32;
constexpr int64_t kPsGradientOutputsPerTask = 8;

inline BackwardShape backward_shape(const GradientMap& grad, int64_t PH, int64_t PW, int64_t group, int64_t per_task) {
  return {grad.batch, grad.channels, grad.height,           grad.width, grad.layout,
          PH * PW,    group,         grad.channels / group, per_task};
}

// The estimated cost in nanoseconds (for_work): scatters plus zeroing and moving the gradient.
inline double backward_work(const BackwardShape& shape, double samples) {
  return samples * static_cast<double>(shape.outputs) * kAlignScatterNs +
         static_cast<double>(shape.batch * shape.height * shape.width * shape.channels) * kAlignGradientElementNs;
}

// scatter_roi_avg with this thread's scratch.
template <class Sampler>
inline void scatter_avg(const Sampler& sampler, const BackwardShape& shape, const float* grad_block,
                        const GradientBlock& gradient) {
  thread_local Scratch<BinSample> list;
  thread_local Scratch<float> gathered;
  scatter_roi_avg(sampler, shape, grad_block, gradient, gathered, list);
}

// The backward pass over the usable rows (`valid` says which), as backward_by_channels runs
// it, with the cost model's estimate for `samples` bilinear samples per channel.
template <class Valid, class Visit>
inline Status backward_over_rows(const BackwardShape& shape, const RoiRows& rois, Valid&& valid, double samples,
                                 const GradientMap& grad, const Execution& execution, Visit&& visit) {
  Scratch<int64_t> batches;
  const int64_t* row_batch = nullptr;
  const Status status = row_batches(rois, shape.batch, batches, row_batch, valid);
  if (!status.ok()) return status;
  return backward_by_channels(shape, row_batch, rois.count, grad, execution, backward_work(shape, samples), visit);
}

inline Status roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois, const RoiAlignParams& params,
                                 const FeatureMap& input, const GradientMap& grad, Execution execution) {
  const BackwardShape shape =
      backward_shape(grad, params.pooled_height, params.pooled_width, 1, kGradientChannelsPerTask);
  const int64_t block = shape.channels * shape.bins;
  return backward_over_rows(
      shape, rois, roi_row_is_valid, total_samples(shape.batch, rois, params), grad, execution,
      [&](int64_t k, const GradientBlock& gradient) {
        thread_local RoiTaps taps;
        thread_local Scratch<BinSample> list;
        thread_local Scratch<float> gathered;
        thread_local Scratch<MaxWinner> winners;
        const float* row = rois.data + k * 5;
        const Status prepared = roi_taps(row, k, shape.height, shape.width, params.spatial_scale, params, taps);
        if (!prepared.ok()) return prepared;
        const AxisSampler sampler{taps, params.pooled_width};
        const float* grad_block = grad_output.data + k * block;
        const int64_t image = static_cast<int64_t>(row[0]) * shape.channels * shape.height * shape.width;
        switch (params.mode) {  // only the max modes read the input
          case AlignMode::max:
            scatter_roi_max<AlignMode::max>(sampler, shape, input.data + image, grad_block, gradient, winners, list);
            break;
          case AlignMode::onnx_max:
            scatter_roi_max<AlignMode::onnx_max>(sampler, shape, input.data + image, grad_block, gradient, winners,
                                                 list);
            break;
          default:
            scatter_roi_avg(sampler, shape, grad_block, gradient, gathered, list);
        }
        return Status::success();
      });
}

inline Status ps_roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                    const PsRoiAlignParams& params, const GradientMap& grad, Execution execution) {
  const int64_t bins = params.pooled_height * params.pooled_width;
  const BackwardShape shape =
      backward_shape(grad, params.pooled_height, params.pooled_width, bins, kPsGradientOutputsPerTask);
  const int64_t block = shape.outputs * bins;
  const RoiAlignParams align = ps_align_params(params);
  return backward_over_rows(
      shape, rois, roi_row_is_valid, total_samples(shape.batch, rois, align), grad, execution,
      [&](int64_t k, const GradientBlock& gradient) {
        thread_local RoiTaps taps;
        const Status prepared =
            roi_taps(rois.data + k * 5, k, shape.height, shape.width, params.spatial_scale, align, taps);
        if (!prepared.ok()) return prepared;
        scatter_avg(AxisSampler{taps, params.pooled_width}, shape, grad_output.data + k * block, gradient);
        return Status::success();
      });
}

inline Status roi_align_rotated_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                         const RoiAlignRotatedParams& params, const GradientMap& grad,
                                         Execution execution) {
  const BackwardShape shape =
      backward_shape(grad, params.pooled_height, params.pooled_width, 1, kGradientChannelsPerTask);
  const int64_t block = shape.channels * shape.bins;
  return backward_over_rows(shape, rois, rotated_row_is_valid, rotated_samples(shape.batch, rois, params), grad,
                            execution, [&](int64_t k, const GradientBlock& gradient) {
                              thread_local RotatedRoi roi;
                              const Status prepared =
                                  prepare_rotated(rois.data + k * 6, k, shape.height, shape.width, params, roi);
                              if (!prepared.ok()) return prepared;
                              scatter_avg(RotatedSampler{roi}, shape, grad_output.data + k * block, gradient);
                              return Status::success();
                            });
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
