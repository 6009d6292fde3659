// Backward passes with respect to the input map: roiPool (scatter to the argmax pixel,
// torchvision's form, docs/semantics.md "roiPool"), psRoiPool (dY / bin area to every pixel of the forward's bin,
// "psRoiPool and psRoiAlign") and preciseRoiPool (the forward's per-pixel coefficients times dY, "preciseRoiPool").
//
// Determinism: the work is split over (image, block of channels) pairs. A task owns those
// elements of the gradient outright: it zero-fills them, then visits the RoIs of its image in
// order k = 0..K-1 and, for each, the bins in (ph, pw) order and the pixels of each bin in the
// forward's order. So every gradient element receives its terms in one fixed order -- the
// order of a sequential loop over (k, c, ph, pw, pixels) restricted to that element -- and the
// result is the same for every thread count and instruction set (vector lanes compute
// g + dY * coefficient as the scalar code does, no fusion). torchvision's CPU loops give each
// element the same order, so roiPool's gradient equals torchvision's bit for bit.
#pragma once
#include "precise_roi_pool.h"
#include "ps_roi_pool.h"
#include "roi_pool.h"

namespace roiops {
namespace ROIOPS_ISA {

// A task's share of the gradient: image n, channels [c0, c1).
struct GradientTask {
  int64_t image, c0, c1;
};

// Splits the gradient into (image, channel block) tasks, zero-fills each task's elements and
// runs body(task) on them, checking the cancel flag between RoIs (body returns false to stop).
template <class Body>
inline Status run_gradient_tasks(const GradientMap& grad, const Execution& execution, double nanoseconds, Body&& body) {
  const int64_t C = grad.channels, pixels = grad.height * grad.width;
  // Channels-last gradients take blocks of 64 channels (whole vectors, a few cache lines
  // per pixel); planar ones 16 planes, as the forward's planar path.
  const int64_t per_task = grad.layout == Layout::nhwc ? 64 : kPlanarChannelsPerTask;
  const int64_t chunks = std::max<int64_t>((C + per_task - 1) / per_task, 1);
  return run_tasks(grad.batch * chunks, for_work(execution, nanoseconds), [&](int64_t t) {
    const GradientTask task{t / chunks, (t % chunks) * per_task, std::min((t % chunks) * per_task + per_task, C)};
    float* image = grad.data + task.image * C * pixels;
    if (grad.layout == Layout::nchw) {
      fill_block(image + task.c0 * pixels, (task.c1 - task.c0) * pixels, 0.0f);
    } else {
      for (int64_t p = 0; p < pixels; ++p) fill_block(image + p * C + task.c0, task.c1 - task.c0, 0.0f);
    }
    if (!body(task, image)) return Status{StatusCode::aborted, -1, "aborted"};
    return Status::success();
  });
}

// The forward map's shape (the geometry helpers take a FeatureMap; no data).
inline FeatureMap shape_of(const GradientMap& grad) {
  return FeatureMap{nullptr, 0, grad.batch, grad.channels, grad.height, grad.width};
}

// The estimated nanoseconds of zeroing the gradient (and its share of the scatters' misses).
inline double gradient_ns(const GradientMap& grad) {
  return static_cast<double>(grad.batch * grad.channels * grad.height * grad.width) * kPoolingGradientElementNs;
}

// The image a RoI row pools from, or -1 for an unusable row.
inline int64_t row_image(const float* row, int64_t batch) {
  return roi_row_is_valid(row, batch) ? static_cast<int64_t>(row[0]) : -1;
}

inline Status roi_pool_backward(const PooledGradient& dy, const RoiRows& rois, const RoiPoolParams& params,
                                const GradientMap& grad, Execution execution) {
  const int64_t C = grad.channels, pixels = grad.height * grad.width;
  const int64_t bins = params.pooled_height * params.pooled_width;
  const bool planar = grad.layout == Layout::nchw;
  const double work = static_cast<double>(rois.count * C * bins) * kPoolingScatterNs + gradient_ns(grad);
  return run_gradient_tasks(grad, execution, work, [&](const GradientTask& task, float* image) {
    for (int64_t k = 0; k < rois.count; ++k) {
      if (row_image(rois.data + k * 5, grad.batch) != task.image) continue;
      if (execution.cancel.requested()) return false;
      if (planar) {
        for (int64_t c = task.c0; c < task.c1; ++c) {
          const int64_t at = (k * C + c) * bins;
          float* plane = image + c * pixels;
          for (int64_t b = 0; b < bins; ++b) {
            const int32_t index = dy.argmax[at + b];
            if (index >= 0 && index < pixels) plane[index] += dy.data[at + b];
          }
        }
      } else {
        for (int64_t b = 0; b < bins; ++b) {
          const int64_t at = (k * bins + b) * C;
          for (int64_t c = task.c0; c < task.c1; ++c) {
            const int32_t index = dy.argmax[at + c];
            if (index >= 0 && index < pixels) image[index * C + c] += dy.data[at + c];
          }
        }
      }
    }
    return true;
  });
}

inline Status ps_roi_pool_backward(const PooledGradient& dy, const RoiRows& rois, const PsRoiPoolParams& params,
                                   const GradientMap& grad, Execution execution) {
  const int64_t C = grad.channels, H = grad.height, W = grad.width, pixels = H * W;
  const int64_t PH = params.pooled_height, PW = params.pooled_width, bins = PH * PW, C_out = C / bins;
  const bool planar = grad.layout == Layout::nchw;
  const double work =
      ps_pixels(shape_of(grad), rois, params) * static_cast<double>(C_out) * kPoolingScatterNs + gradient_ns(grad);
  return run_gradient_tasks(grad, execution, work, [&](const GradientTask& task, float* image) {
    for (int64_t k = 0; k < rois.count; ++k) {
      const float* row = rois.data + k * 5;
      if (row_image(row, grad.batch) != task.image) continue;
      if (execution.cancel.requested()) return false;
      const RoundedBox box = round_box(row, params.spatial_scale, false);
      for (int64_t c_in = task.c0; c_in < task.c1; ++c_in) {
        const int64_t c_out = c_in / bins, b = c_in % bins;
        const BinSpan rows_span = ps_bin(b / PW, PH, box.y0, box.height, H);
        const BinSpan cols_span = ps_bin(b % PW, PW, box.x0, box.width, W);
        if (rows_span.empty() || cols_span.empty()) continue;
        const float area = static_cast<float>((rows_span.end - rows_span.start) * (cols_span.end - cols_span.start));
        const float diff = dy.data[planar ? (k * C_out + c_out) * bins + b : (k * bins + b) * C_out + c_out] / area;
        for (int64_t y = rows_span.start; y < rows_span.end; ++y)
          for (int64_t x = cols_span.start; x < cols_span.end; ++x) {
            if (planar)
              image[c_in * pixels + y * W + x] += diff;
            else
              image[(y * W + x) * C + c_in] += diff;
          }
      }
    }
    return true;
  });
}

// g[c] = g[c] + coefficient * d[c] over channels [0, count), vectors then a scalar tail.
inline void add_scaled(float* g, const float* d, float coefficient, int64_t count) {
  using V = VectorLanes;
  const V::F w = V::set1(coefficient);
  int64_t c = 0;
  for (; c + V::width <= count; c += V::width) V::store(g + c, V::add(V::load(g + c), V::mul(w, V::load(d + c))));
  for (; c < count; ++c) g[c] = g[c] + coefficient * d[c];
}

inline Status precise_roi_pool_backward(const PooledGradient& dy, const RoiRows& rois,
                                        const PreciseRoiPoolParams& params, const GradientMap& grad,
                                        Execution execution) {
  const int64_t C = grad.channels, H = grad.height, W = grad.width, pixels = H * W;
  const int64_t PH = params.pooled_height, PW = params.pooled_width, bins = PH * PW;
  const bool planar = grad.layout == Layout::nchw;
  const double work =
      precise_taps_total(shape_of(grad), rois, params) * static_cast<double>(C) * kPoolingScatterNs + gradient_ns(grad);
  return run_gradient_tasks(grad, execution, work, [&](const GradientTask& task, float* image) {
    thread_local PreciseRoi roi;
    thread_local Scratch<PreciseTap> tap_storage;
    for (int64_t k = 0; k < rois.count; ++k) {
      const float* row = rois.data + k * 5;
      if (row_image(row, grad.batch) != task.image) continue;
      if (execution.cancel.requested()) return false;
      roi.compute(row, params.spatial_scale, PH, PW, H, W);
      if (roi.empty) continue;
      for (int64_t ph = 0; ph < PH; ++ph)
        for (int64_t pw = 0; pw < PW; ++pw) {
          const int64_t b = ph * PW + pw;
          PreciseTap* taps;
          const int64_t count = precise_bin_taps(roi, ph, pw, planar ? W : W * C, planar ? 1 : C, tap_storage, taps);
          if (planar) {
            for (int64_t c = task.c0; c < task.c1; ++c) {
              const float d = dy.data[(k * C + c) * bins + b];
              float* plane = image + c * pixels;
              for (int64_t t = 0; t < count; ++t)
                plane[taps[t].offset] = plane[taps[t].offset] + taps[t].coefficient * d;
            }
          } else {
            const float* d = dy.data + (k * bins + b) * C + task.c0;
            for (int64_t t = 0; t < count; ++t)
              add_scaled(image + taps[t].offset + task.c0, d, taps[t].coefficient, task.c1 - task.c0);
          }
        }
    }
    return true;
  });
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
