// libFuzzer harness over every kernel entry point of native/include/roiops (docs/design.md "Robustness").
//
// One input decodes to one call: which entry point, small dims (so that a run takes
// milliseconds), a layout, a RoI/box table whose values often come raw from the input (NaN,
// infinities, huge, negative, inverted boxes), batch/level/box indices in and out of range,
// options (scales, sampling ratios, modes, bins, pyramid levels, crop sizes, argmax values,
// max_samples_per_roi) and, sometimes, one buffer one element shorter than its shape needs.
// Every buffer is allocated with exactly its declared length, so AddressSanitizer reports any
// access past it. Checked per call:
//   - a deliberately short buffer (or a wrong RoI column count) gives invalid_argument;
//   - on success every output element was written (outputs are prefilled with a signalling
//     NaN that no input holds; arithmetic quiets a signalling NaN, so only an unwritten
//     element keeps its bits) and every roiPool argmax is in [-1, H*W);
//   - the status and the outputs are bit-identical for threads 1 and 2;
//   - a roiPool backward that succeeds had only argmax values in [-1, H*W);
//   - a forward call with a 16-bit map (float16 or bfloat16 patterns, often raw: NaN, infinities,
//     subnormals, -0) or a 16-bit output equals, bit for bit, the float32 call on the map
//     widened here (widen_half below, this file's own scalar code), its output rounded here to
//     nearest-even (narrow_half) when the call's output is 16-bit (docs/api.md "16-bit feature maps").
// A violated check is reported with __builtin_trap() after a line on stderr.
// Build: cmake -DROIOPS_BUILD_FUZZERS=ON with clang (scripts/fuzz.sh); native/fuzz/README.md.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "roiops/roiops.h"

using namespace roiops;

namespace {

constexpr uint32_t kSentinelBits = 0x7fa5a5a5u;  // a signalling NaN
constexpr int32_t kArgmaxSentinel = 0x5a5a5a5a;
int64_t g_pixels = 0;  // H*W of the call being decoded (for the argmax check)

[[noreturn]] void fail(const char* op, const char* what) {
  std::fprintf(stderr, "roiops fuzz: %s: %s\n", op, what);
  __builtin_trap();
}

float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
uint32_t float_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// ---- 16-bit patterns, converted here from the IEEE 754 / bfloat16 definitions (not by roiops).

bool is_half(ElementType t) { return t != ElementType::float32; }

// A float16 or bfloat16 pattern as the float32 it is exactly; a NaN is made quiet and keeps its payload.
float widen_half(uint16_t h, ElementType type) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  if (type == ElementType::bfloat16) {
    const uint32_t b = uint32_t(h) << 16;
    const bool nan = (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0;
    return bits_to_float(nan ? b | 0x00400000u : b);
  }
  const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0x1f) return bits_to_float(sign | 0x7f800000u | (mantissa ? 0x00400000u | (mantissa << 13) : 0));
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float32
    const float magnitude = std::ldexp(float(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return bits_to_float(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

// A float32 rounded to float16 or bfloat16, to nearest-even: overflow to infinity, subnormals
// kept, a NaN a quiet NaN with the top bits of its payload.
uint16_t narrow_half(float f, ElementType type) {
  const uint32_t x = float_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t magnitude = x & 0x7fffffffu;
  const bool nan = magnitude > 0x7f800000u;
  if (type == ElementType::bfloat16) {
    if (nan) return uint16_t((x >> 16) | 0x0040u);
    return uint16_t((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);  // a carry into the exponent is right, up to infinity
  }
  if (nan) return uint16_t(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
  if (magnitude >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // >= 65520, halfway past 65504: infinity
  if (magnitude >= 0x38800000u) {                                 // >= 2^-14: a normal float16
    const uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
    return uint16_t(sign | ((rounded - ((127u - 15u) << 23)) >> 13));
  }
  // Zero or subnormal: units of 2^-24, an exact product in double, rounded to even (the default mode).
  const double units = std::nearbyint(double(bits_to_float(magnitude)) * 16777216.0);
  return uint16_t(sign | uint32_t(units));
}

// Reads the fuzz input front to back; zeros once it runs out.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(byte()) << (8 * i);
    return v;
  }
  uint64_t u64() { return uint64_t(u32()) | (uint64_t(u32()) << 32); }
  float raw_float() { return bits_to_float(u32()); }
  int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(byte() % uint8_t(hi - lo + 1)); }  // hi-lo < 256

  // A coordinate-like float: mostly small half-integers, sometimes raw bits or a special.
  float coordinate() {
    const uint8_t sel = byte();
    if (sel < 150) return float(int(byte()) - 64) * 0.5f;
    if (sel < 170) return float(int(byte()) - 64) * 0.37f;
    if (sel < 230) return raw_float();
    static const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                                     std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity(),
                                     3.0e38f,
                                     -3.0e38f,
                                     1.0e-40f,
                                     -0.0f,
                                     16777217.0f,
                                     2147483648.0f,
                                     -2147483904.0f,
                                     1.0e20f};
    return specials[sel % (sizeof(specials) / sizeof(specials[0]))];
  }
  // A feature or gradient value: never the sentinel's bits.
  float value() {
    const uint8_t sel = byte();
    float v;
    if (sel < 200)
      v = float(int(byte()) - 128) * 0.125f;
    else
      v = raw_float();
    if (float_bits(v) == kSentinelBits) v = 0.0f;
    return v;
  }
  // A 16-bit map element: mostly small values, often raw patterns (NaN, infinities, subnormals, -0).
  uint16_t half(ElementType type) {
    const uint8_t sel = byte();
    if (sel < 128) return narrow_half(float(int(byte()) - 128) * 0.125f, type);
    if (sel < 224) return uint16_t(byte() | (uint16_t(byte()) << 8));
    static const uint16_t f16[] = {0x7e00, 0x7c01, 0xfe55, 0x7c00, 0xfc00, 0x0001, 0x83ff, 0x8000, 0x7bff, 0x0400};
    static const uint16_t bf16[] = {0x7fc0, 0x7f81, 0xffaa, 0x7f80, 0xff80, 0x0001, 0x807f, 0x8000, 0x7f7f, 0x0080};
    return (type == ElementType::float16 ? f16 : bf16)[sel % 10];
  }
  float scale() {
    const uint8_t sel = byte() % 12;
    static const float scales[] = {1.0f, 0.5f, 0.25f, 0.125f, 0.0625f, 2.0f, 0.0f, -1.0f, 1.0e-30f, 1.0e30f};
    if (sel < 10) return scales[sel];
    return raw_float();
  }
  int64_t sampling_ratio() {
    const uint8_t sel = byte() % 10;
    switch (sel) {
      case 0:
      case 1:
        return -1;
      case 2:
        return 0;
      case 3:
        return 1;
      case 4:
        return 2;
      case 5:
        return 3;
      case 6:
        return int64_t(1) << 31;
      case 7:
        return std::numeric_limits<int64_t>::max();
      case 8:
        return std::numeric_limits<int64_t>::min();
      default:
        return int64_t(int32_t(u32()));
    }
  }
  int64_t max_samples() {
    const uint8_t sel = byte() % 8;
    static const int64_t values[] = {1, 16, 256, 1024, 4096, 0, -5, 64};
    return values[sel];
  }
  // A batch index as the RoI table holds it (a float).
  float batch_index(int64_t batch) {
    const uint8_t sel = byte();
    if (sel < 200) return float(int64_t(sel % (batch + 3)) - 1);
    if (sel < 220) return float(sel % 4) + 0.5f;
    return coordinate();
  }
  int32_t index(int64_t count) {  // level or box index, in and out of [0, count)
    const uint8_t sel = byte();
    if (sel < 220) return int32_t(int64_t(sel % (count + 3)) - 1);
    return int32_t(u32());
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// A buffer of exactly `n` elements (new T[0] for none: any access is an ASan report).
template <class T>
struct Buffer {
  std::unique_ptr<T[]> data;
  int64_t length = 0;
  explicit Buffer(int64_t n) : data(new T[size_t(n)]), length(n) {}
};

enum Op : uint8_t {
  kRoiPoolForward,
  kRoiPoolBackward,
  kRoiAlignForward,
  kRoiAlignBackward,
  kPsRoiAlignForward,
  kPsRoiAlignBackward,
  kRoiAlignRotatedForward,
  kRoiAlignRotatedBackward,
  kMultiScaleRoiAlignForward,
  kPsRoiPoolForward,
  kPsRoiPoolBackward,
  kSpatialPyramidPoolForward,
  kCropAndResizeForward,
  kPreciseRoiPoolForward,
  kPreciseRoiPoolBackward,
  kOpCount
};

const char* const kOpNames[kOpCount] = {
    "roi_pool_forward",          "roi_pool_backward",          "roi_align_forward",
    "roi_align_backward",        "ps_roi_align_forward",       "ps_roi_align_backward",
    "roi_align_rotated_forward", "roi_align_rotated_backward", "multi_scale_roi_align_forward",
    "ps_roi_pool_forward",       "ps_roi_pool_backward",       "spatial_pyramid_pool_forward",
    "crop_and_resize_forward",   "precise_roi_pool_forward",   "precise_roi_pool_backward"};

// Largest buffer the harness allocates: a shape above it is passed with a short buffer and
// must be refused.
constexpr int64_t kMaxElements = int64_t(1) << 20;

int64_t product(std::initializer_list<int64_t> factors) {  // saturating, all factors >= 0
  int64_t p = 1;
  for (int64_t f : factors) {
    if (f < 0) return -1;
    if (f != 0 && p > std::numeric_limits<int64_t>::max() / f) return std::numeric_limits<int64_t>::max();
    p *= f;
  }
  return p;
}

// The declared length of a buffer whose shape needs `needed` elements: `needed`, one less when
// this is the buffer chosen to be short, capped at kMaxElements.
struct Lengths {
  int short_buffer = -1;  // which buffer of the call is short, or -1
  bool expect_invalid = false;
  int next = 0;
  int64_t take(int64_t needed) {
    const int id = next++;
    if (needed < 0) needed = 0;
    if (needed > kMaxElements) {
      expect_invalid = true;
      return 0;
    }
    if (id == short_buffer && needed > 0) {
      expect_invalid = true;
      return needed - 1;
    }
    return needed;
  }
};

template <class T>
void fill(Buffer<T>& b, T v) {
  for (int64_t i = 0; i < b.length; ++i) b.data[size_t(i)] = v;
}
void fill_sentinel(Buffer<float>& b) { fill(b, bits_to_float(kSentinelBits)); }
// Signalling NaNs: rounding gives only quiet ones, so only an unwritten element keeps these.
uint16_t half_sentinel(ElementType type) { return type == ElementType::float16 ? 0x7d5a : 0x7f85; }

void check_written(const char* op, const Buffer<float>& b) {
  for (int64_t i = 0; i < b.length; ++i)
    if (float_bits(b.data[size_t(i)]) == kSentinelBits) fail(op, "an output element was not written");
}

template <class T>
bool same_bits(const Buffer<T>& a, const Buffer<T>& b) {
  return a.length == b.length && std::memcmp(a.data.get(), b.data.get(), size_t(a.length) * sizeof(T)) == 0;
}

// What one decoded call wrote: its outputs in order (each float32 or 16-bit) and argmaxes.
struct Written {
  std::vector<std::unique_ptr<Buffer<float>>> keep_f;
  std::vector<std::unique_ptr<Buffer<int32_t>>> keep_i;
  std::vector<std::unique_ptr<Buffer<uint16_t>>> keep_h;
  std::vector<Buffer<float>*> outputs;
  std::vector<Buffer<uint16_t>*> outputs16;  // the 16-bit outputs, in order
  ElementType output_type = ElementType::float32;
  std::vector<Buffer<int32_t>*> argmaxes;
  bool half = false;  // a forward call whose map or output is 16-bit
};

struct Shape {
  int64_t n, c, h, w;
  Layout layout;
};

Layout read_layout(Reader& in) {
  const uint8_t sel = in.byte() % 16;
  if (sel == 15) return static_cast<Layout>(2);  // unknown layout: invalid_argument
  return sel & 1 ? Layout::nhwc : Layout::nchw;
}

// A FeatureMap or GradientMap with the shape `s` and no data yet.
template <class MapView>
MapView shaped(const Shape& s) {
  MapView m;
  m.batch = s.n;
  m.channels = s.c;
  m.height = s.h;
  m.width = s.w;
  m.layout = s.layout;
  return m;
}

// A FeatureMap or GradientMap over `b` with the shape `s`.
template <class MapView>
MapView map_view(const Buffer<float>& b, const Shape& s) {
  MapView m = shaped<MapView>(s);
  m.data = b.data.get();
  m.length = b.length;
  return m;
}
FeatureMap map_of(const Buffer<float>& b, const Shape& s) { return map_view<FeatureMap>(b, s); }
GradientMap gradient_of(Buffer<float>& b, const Shape& s) { return map_view<GradientMap>(b, s); }

// A PooledOutput or PooledGradient over all of `b`.
template <class Span>
Span span_of(const Buffer<float>& b) {
  Span v;
  v.data = b.data.get();
  v.length = b.length;
  return v;
}

// max_samples_per_roi: values below 1 are refused.
int64_t read_max_samples(Reader& in, Lengths& lengths) {
  const int64_t v = in.max_samples();
  if (v < 1) lengths.expect_invalid = true;
  return v;
}

// Reads the options the forward and backward pass of an operator share, in one fixed order
// (so both passes decode an input alike); an option the API refuses sets expect_invalid.
struct OptionReader {
  Reader& in;
  Lengths& lengths;
  int64_t ph, pw;
  float scale;

  template <class Params>
  Params pooled() const {
    Params p;
    p.pooled_height = ph;
    p.pooled_width = pw;
    p.spatial_scale = scale;
    return p;
  }
  int64_t max_samples() { return read_max_samples(in, lengths); }
  RoiAlignParams roi_align() {
    RoiAlignParams p = pooled<RoiAlignParams>();
    p.sampling_ratio = in.sampling_ratio();
    p.aligned = in.byte() & 1;
    const uint8_t mode = in.byte() % 7;
    p.mode = static_cast<AlignMode>(mode < 6 ? mode % 3 : 9);
    if (mode == 6) lengths.expect_invalid = true;
    p.max_samples_per_roi = max_samples();
    return p;
  }
  PsRoiAlignParams ps_roi_align() {
    PsRoiAlignParams p = pooled<PsRoiAlignParams>();
    p.sampling_ratio = in.sampling_ratio();
    p.max_samples_per_roi = max_samples();
    return p;
  }
  RoiAlignRotatedParams roi_align_rotated() {
    RoiAlignRotatedParams p = pooled<RoiAlignRotatedParams>();
    p.sampling_ratio = in.sampling_ratio();
    p.aligned = in.byte() & 1;
    p.clockwise = in.byte() & 1;
    p.max_samples_per_roi = max_samples();
    return p;
  }
};

void fill_values(Reader& in, Buffer<float>& b) {
  for (int64_t i = 0; i < b.length; ++i) b.data[size_t(i)] = in.value();
}

// RoI rows: batch index then coordinates; rotated rows end with an angle.
void fill_rois(Reader& in, Buffer<float>& b, int64_t columns, int64_t batch) {
  for (int64_t i = 0; i < b.length; ++i) {
    const int64_t col = i % columns;
    if (col == 0 && columns != 4) {
      b.data[size_t(i)] = in.batch_index(batch);
    } else if (columns == 4) {  // crop_and_resize: normalized (y1, x1, y2, x2)
      const uint8_t sel = in.byte();
      b.data[size_t(i)] = sel < 160 ? float(int(in.byte()) - 64) / 64.0f : in.coordinate();
    } else {
      b.data[size_t(i)] = in.coordinate();
    }
  }
}

bool forward_with_map(Op op) {
  return op == kRoiPoolForward || op == kRoiAlignForward || op == kPsRoiAlignForward || op == kRoiAlignRotatedForward ||
         op == kMultiScaleRoiAlignForward || op == kPsRoiPoolForward || op == kSpatialPyramidPoolForward ||
         op == kCropAndResizeForward || op == kPreciseRoiPoolForward;
}

// Decodes and runs one call with `threads` threads; what it wrote goes to `w`. Decoding is
// deterministic, so runs of the same input with threads 1 and 2 make the same call. With
// `widen`, a 16-bit map is widened here and passed as float32, and the output is float32: the
// call a 16-bit one must equal.
Status run(Op op, const uint8_t* data, size_t size, int32_t threads, bool widen, Written& w, bool& expect_invalid,
           bool& check_outputs) {
  Reader in(data, size);
  in.byte();  // the op
  auto make_f = [&](int64_t n) -> Buffer<float>& {
    w.keep_f.emplace_back(new Buffer<float>(n));
    return *w.keep_f.back();
  };
  auto make_i = [&](int64_t n) -> Buffer<int32_t>& {
    w.keep_i.emplace_back(new Buffer<int32_t>(n));
    return *w.keep_i.back();
  };
  auto make_h = [&](int64_t n) -> Buffer<uint16_t>& {
    w.keep_h.emplace_back(new Buffer<uint16_t>(n));
    return *w.keep_h.back();
  };
  std::vector<Buffer<float>*>& outputs = w.outputs;
  std::vector<Buffer<int32_t>*>& argmaxes = w.argmaxes;

  const uint8_t flags = in.byte();
  // The map's and the output's element types (forward calls only): float32 half the time.
  static const ElementType kTypes[] = {ElementType::float32, ElementType::float32, ElementType::float16,
                                       ElementType::bfloat16};
  const uint8_t types = in.byte();
  ElementType map_type = forward_with_map(op) ? kTypes[types % 4] : ElementType::float32;
  ElementType output_type = forward_with_map(op) ? kTypes[(types >> 2) % 4] : ElementType::float32;
  w.half = is_half(map_type) || is_half(output_type);
  if (widen) output_type = ElementType::float32;
  w.output_type = output_type;
  Lengths lengths;
  if ((flags & 0x7) == 0) lengths.short_buffer = in.byte() % 6;
  const bool wrong_columns = (flags & 0xf8) == 0xf8;  // 1 in 32
  const bool cancel = (flags & 0xf0) == 0x80 && (flags & 0x8);

  Shape s;
  s.n = in.range(0, 3);
  // Mostly C <= 8; now and then past 16, the planar kernels' chunk of channels per task.
  const uint8_t channels = in.byte();
  s.c = channels < 232 ? channels % 9 : 17 + channels % 8;
  s.h = in.range(0, 20);
  s.w = in.range(0, 20);
  if (s.h == 0 && in.byte() % 2) s.h = 1;
  if (s.w == 0 && in.byte() % 2) s.w = 1;
  s.layout = read_layout(in);
  int64_t ph = in.range(0, 7);
  int64_t pw = in.range(0, 7);
  if (ph == 0 && in.byte() % 2) ph = 1;
  if (pw == 0 && in.byte() % 2) pw = 1;
  const int64_t k = in.range(0, 8);
  const bool ps =
      op == kPsRoiAlignForward || op == kPsRoiAlignBackward || op == kPsRoiPoolForward || op == kPsRoiPoolBackward;
  if (ps && in.byte() % 8 != 0) s.c = std::max<int64_t>(ph, 0) * std::max<int64_t>(pw, 0) * in.range(0, 2);
  g_pixels = s.h * s.w;
  const bool valid_shape = s.h >= 1 && s.w >= 1 && (s.layout == Layout::nchw || s.layout == Layout::nhwc);
  const bool valid_pooled = ph >= 1 && pw >= 1;
  const bool ps_ok = !ps || (valid_pooled && s.c % (ph * pw) == 0);

  const int64_t columns_needed = op == kRoiAlignRotatedForward || op == kRoiAlignRotatedBackward ? 6
                                 : op == kCropAndResizeForward                                   ? 4
                                                                                                 : 5;
  const int64_t columns = wrong_columns ? columns_needed - 1 : columns_needed;
  bool rois_given = true;  // false: spatialPyramidPool on whole maps (no RoI table, no column count)

  Execution execution;
  execution.threads = threads;
  static const int32_t raised = 1;
  if (cancel) execution.cancel = CancelFlag(&raised);

  // The forward input (or the gradient's shape for a backward pass).
  const int64_t map_elements = product({s.n, s.c, s.h, s.w});
  // A forward map of `shape` needing `elements`: float32 values, or 16-bit patterns (widened
  // here into float32 memory of the same length when `widen`).
  auto read_map = [&](int64_t elements, const Shape& shape) -> FeatureMap {
    const int64_t length = lengths.take(elements);
    if (!is_half(map_type)) {
      Buffer<float>& b = make_f(length);
      fill_values(in, b);
      return map_of(b, shape);
    }
    Buffer<uint16_t>& h = make_h(length);
    for (int64_t i = 0; i < h.length; ++i) h.data[size_t(i)] = in.half(map_type);
    if (widen) {
      Buffer<float>& b = make_f(length);
      for (int64_t i = 0; i < b.length; ++i) b.data[size_t(i)] = widen_half(h.data[size_t(i)], map_type);
      return map_of(b, shape);
    }
    FeatureMap m = shaped<FeatureMap>(shape);
    m.data16 = h.data.get();
    m.length = h.length;
    m.type = map_type;
    return m;
  };
  auto read_rois = [&](int64_t count, int64_t cols) -> Buffer<float>& {
    Buffer<float>& b = make_f(lengths.take(product({count, cols})));
    fill_rois(in, b, cols, s.n);
    return b;
  };
  auto rows = [&](const Buffer<float>& b, int64_t count, int64_t cols) {
    RoiRows r;
    r.data = b.data.get();
    r.length = b.length;
    r.count = count;
    r.columns = cols;
    return r;
  };
  auto output = [&](int64_t needed) -> Buffer<float>& {
    Buffer<float>& b = make_f(lengths.take(needed));
    fill_sentinel(b);
    outputs.push_back(&b);
    return b;
  };
  // A forward output of `needed` elements in the call's output type, prefilled with a sentinel.
  auto pooled_output = [&](int64_t needed) -> PooledOutput {
    if (!is_half(output_type)) return span_of<PooledOutput>(output(needed));
    Buffer<uint16_t>& b = make_h(lengths.take(needed));
    fill(b, half_sentinel(output_type));
    w.outputs16.push_back(&b);
    PooledOutput out;
    out.data16 = b.data.get();
    out.length = b.length;
    out.type = output_type;
    return out;
  };
  if (!valid_shape || (!ps && !valid_pooled && op != kSpatialPyramidPoolForward && op != kCropAndResizeForward) ||
      !ps_ok)
    lengths.expect_invalid = true;
  const int64_t out_channels = ps ? (valid_pooled ? s.c / (ph * pw) : 0) : s.c;
  const int64_t pooled_elements = product({k, out_channels, ph, pw});

  Status status;
  switch (op) {
    case kRoiPoolForward:
    case kRoiPoolBackward:
    case kRoiAlignForward:
    case kRoiAlignBackward:
    case kPsRoiAlignForward:
    case kPsRoiAlignBackward:
    case kRoiAlignRotatedForward:
    case kRoiAlignRotatedBackward:
    case kPsRoiPoolForward:
    case kPsRoiPoolBackward:
    case kPreciseRoiPoolForward:
    case kPreciseRoiPoolBackward: {
      // Both passes decode alike: the map-shaped buffer (the input, or the gradient written),
      // the RoIs, the pooled-shaped buffer (the output, or the gradient read), the scale and
      // the operator's options.
      const bool backward = op == kRoiPoolBackward || op == kRoiAlignBackward || op == kPsRoiAlignBackward ||
                            op == kRoiAlignRotatedBackward || op == kPsRoiPoolBackward || op == kPreciseRoiPoolBackward;
      Buffer<float>& map_buffer = backward ? output(map_elements) : make_f(0);  // the gradient written
      const FeatureMap map = backward ? FeatureMap() : read_map(map_elements, s);
      Buffer<float>& r = read_rois(k, columns);
      Buffer<float>& pooled_buffer = backward ? make_f(lengths.take(pooled_elements)) : make_f(0);
      PooledOutput out = backward ? PooledOutput() : pooled_output(pooled_elements);
      if (backward) fill_values(in, pooled_buffer);
      const float scale = in.scale();
      // roiPool's backward pass does not use the scale; every other pass checks it.
      if (op != kRoiPoolBackward && !std::isfinite(scale)) lengths.expect_invalid = true;
      const GradientMap grad_map = gradient_of(map_buffer, s);
      PooledGradient grad = span_of<PooledGradient>(pooled_buffer);
      const RoiRows roi_rows = rows(r, k, columns);
      OptionReader options{in, lengths, ph, pw, scale};
      auto run_pass = [&](const auto& params, auto forward_pass, auto backward_pass) {
        return backward ? backward_pass(grad, roi_rows, params, grad_map, execution)
                        : forward_pass(map, roi_rows, params, out, execution);
      };
      if (op == kRoiPoolForward) {
        RoiPoolParams p = options.pooled<RoiPoolParams>();
        const uint8_t bins = in.byte() % 9;
        p.bins = bins == 8 ? static_cast<BinRule>(7) : static_cast<BinRule>(bins & 1);
        if (bins == 8) lengths.expect_invalid = true;
        if (in.byte() % 4 != 0) {
          Buffer<int32_t>& a = make_i(lengths.take(pooled_elements));
          fill(a, kArgmaxSentinel);
          argmaxes.push_back(&a);
          out.argmax = a.data.get();
          out.argmax_length = a.length;
        }
        status = roi_pool_forward(map, roi_rows, p, out, execution);
      } else if (op == kRoiPoolBackward) {
        RoiPoolParams p = options.pooled<RoiPoolParams>();  // spatial_scale: unused by the backward pass
        p.bins = static_cast<BinRule>(in.byte() & 1);
        Buffer<int32_t>& a = make_i(lengths.take(pooled_elements));
        const int64_t pixels = s.h * s.w;
        const bool wild = in.byte() % 8 == 0;
        for (int64_t i = 0; i < a.length; ++i) {
          const uint8_t sel = in.byte();
          a.data[size_t(i)] = wild && sel >= 240 ? int32_t(in.u32()) : int32_t(int64_t(sel % (pixels + 1)) - 1);
        }
        grad.argmax = a.data.get();
        grad.argmax_length = a.length;
        status = roi_pool_backward(grad, roi_rows, p, grad_map, execution);
        if (status.ok())
          for (int64_t i = 0; i < a.length; ++i)
            if (a.data[size_t(i)] < -1 || a.data[size_t(i)] >= pixels)
              fail(kOpNames[op], "accepted an argmax outside [-1, H*W)");
      } else if (op == kRoiAlignForward) {
        status = roi_align_forward(map, roi_rows, options.roi_align(), out, execution);
      } else if (op == kRoiAlignBackward) {
        const RoiAlignParams p = options.roi_align();
        // The max modes read the forward input: same shape, sometimes a different one.
        Shape xs = s;
        const uint8_t mismatch = in.byte() % 16;
        if (mismatch == 1) xs.h = s.h + 1;
        if (mismatch == 2) xs.c = s.c + 1;
        if (mismatch == 3) xs.layout = s.layout == Layout::nchw ? Layout::nhwc : Layout::nchw;
        if (mismatch >= 1 && mismatch <= 3 && p.mode != AlignMode::avg) lengths.expect_invalid = true;
        Buffer<float>& x = make_f(lengths.take(p.mode != AlignMode::avg ? product({xs.n, xs.c, xs.h, xs.w}) : 0));
        fill_values(in, x);
        status = roi_align_backward(grad, roi_rows, p, map_of(x, xs), grad_map, execution);
      } else if (op == kPsRoiAlignForward || op == kPsRoiAlignBackward) {
        status = run_pass(options.ps_roi_align(), ps_roi_align_forward, ps_roi_align_backward);
      } else if (op == kRoiAlignRotatedForward || op == kRoiAlignRotatedBackward) {
        status = run_pass(options.roi_align_rotated(), roi_align_rotated_forward, roi_align_rotated_backward);
      } else if (op == kPsRoiPoolForward || op == kPsRoiPoolBackward) {
        status = run_pass(options.pooled<PsRoiPoolParams>(), ps_roi_pool_forward, ps_roi_pool_backward);
      } else {
        status = run_pass(options.pooled<PreciseRoiPoolParams>(), precise_roi_pool_forward, precise_roi_pool_backward);
      }
      break;
    }
    case kMultiScaleRoiAlignForward: {
      const int64_t level_count = in.range(0, 4);
      if (level_count == 0) lengths.expect_invalid = true;
      std::vector<FeatureMap> maps;
      std::vector<float> scales;
      for (int64_t l = 0; l < level_count; ++l) {
        Shape ls = s;
        if (l > 0) {
          ls.h = in.range(1, 12);
          ls.w = in.range(1, 12);
          if (in.byte() % 32 == 0) {  // levels that disagree: invalid
            ls.c = s.c + 1;
            lengths.expect_invalid = true;
          }
        }
        maps.push_back(read_map(product({ls.n, ls.c, ls.h, ls.w}), ls));
        scales.push_back(in.scale());
        if (!std::isfinite(scales.back())) lengths.expect_invalid = true;
      }
      Buffer<float>& r = read_rois(k, columns);
      const int64_t short_levels = in.byte() % 16 == 0 && k > 0 ? 1 : 0;
      if (short_levels) lengths.expect_invalid = true;
      Buffer<int32_t>& levels = make_i(k - short_levels);
      for (int64_t i = 0; i < levels.length; ++i) levels.data[size_t(i)] = in.index(level_count);
      const PooledOutput y = pooled_output(pooled_elements);
      MultiScaleRoiAlignParams p;
      p.pooled_height = ph;
      p.pooled_width = pw;
      p.sampling_ratio = in.sampling_ratio();
      p.aligned = in.byte() & 1;
      p.max_samples_per_roi = read_max_samples(in, lengths);
      FeatureLevels fl;
      fl.maps = maps.data();
      fl.scales = scales.data();
      fl.count = level_count;
      RoiLevelIndices ri;
      ri.data = levels.data.get();
      ri.length = levels.length;
      status = multi_scale_roi_align_forward(fl, rows(r, k, columns), ri, p, y, execution);
      break;
    }
    case kSpatialPyramidPoolForward: {
      const FeatureMap x = read_map(map_elements, s);
      const bool whole = in.byte() % 4 == 0;
      rois_given = !whole;
      Buffer<float>& r = read_rois(whole ? 0 : k, columns);
      const RoiRows roi_rows = rows(r, k, columns);
      const int64_t level_count = in.range(0, 4);
      if (level_count == 0) lengths.expect_invalid = true;
      std::vector<int64_t> levels;
      int64_t cells = 0;
      for (int64_t i = 0; i < level_count; ++i) {
        const uint8_t sel = in.byte();
        int64_t l = sel < 240 ? int64_t(sel % 7) : (sel == 255 ? int64_t(in.u64()) : int64_t(1) << (sel - 210));
        if (l < 1) lengths.expect_invalid = true;
        levels.push_back(l);
        cells = l < 1 ? cells : (product({l, l}) > kMaxElements ? kMaxElements + 1 : cells + l * l);
      }
      const int64_t count = whole ? s.n : k;
      const PooledOutput y = pooled_output(product({count, s.c, std::min(cells, kMaxElements + 1)}));
      SpatialPyramidParams p;
      p.levels = levels.data();
      p.level_count = level_count;
      p.spatial_scale = in.scale();
      if (!std::isfinite(p.spatial_scale)) lengths.expect_invalid = true;
      const uint8_t mode = in.byte() % 5;
      p.mode = static_cast<PyramidMode>(mode < 4 ? mode % 2 : 3);
      if (mode == 4) lengths.expect_invalid = true;
      status = spatial_pyramid_pool_forward(x, whole ? nullptr : &roi_rows, p, y, execution);
      break;
    }
    case kCropAndResizeForward: {
      const FeatureMap x = read_map(map_elements, s);
      Buffer<float>& r = read_rois(k, columns);
      const int64_t short_indices = in.byte() % 16 == 0 && k > 0 ? 1 : 0;
      if (short_indices) lengths.expect_invalid = true;
      Buffer<int32_t>& indices = make_i(k - short_indices);
      for (int64_t i = 0; i < indices.length; ++i) indices.data[size_t(i)] = in.index(s.n);
      CropAndResizeParams p;
      p.crop_height = in.range(0, 9);
      p.crop_width = in.range(0, 9);
      if (p.crop_height < 1 || p.crop_width < 1) lengths.expect_invalid = true;
      const uint8_t method = in.byte() % 5;
      p.method = static_cast<CropMethod>(method < 4 ? method % 2 : 2);
      if (method == 4) lengths.expect_invalid = true;
      p.extrapolation_value = in.value();
      const PooledOutput y = pooled_output(product({k, p.crop_height, p.crop_width, s.c}));
      status = crop_and_resize_forward(x, rows(r, k, columns), indices.data.get(), indices.length, p, y, execution);
      break;
    }
    default:
      break;
  }
  expect_invalid = lengths.expect_invalid || (wrong_columns && rois_given);
  check_outputs = !cancel;
  return status;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::fprintf(stderr, "roiops fuzz: dispatch %s\n", simd_level());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Op op = static_cast<Op>(data[0] % kOpCount);
  const char* name = kOpNames[op];

  Status statuses[2];
  Written written[2];
  bool expect_invalid = false, check_outputs = true;
  for (int t = 0; t < 2; ++t)
    statuses[t] = run(op, data, size, t + 1, /*widen=*/false, written[t], expect_invalid, check_outputs);

  for (const Status& st : statuses) {
    if (st.code < StatusCode::ok || st.code > StatusCode::aborted) fail(name, "unknown status code");
    if (st.message == nullptr) fail(name, "null status message");
    if (expect_invalid && st.code != StatusCode::invalid_argument)
      fail(name, "a bad call was not refused as invalid_argument");
    if (!check_outputs && st.code != StatusCode::aborted && st.code != StatusCode::invalid_argument &&
        st.code != StatusCode::ok && st.code != StatusCode::too_many_samples)
      fail(name, "unexpected status with the cancel flag raised");
  }
  if (statuses[0].code != statuses[1].code) fail(name, "status differs between threads 1 and 2");

  // A 16-bit map or output: the same call on the map widened here, into float32.
  Written wide;
  Status wide_status;
  if (written[0].half) {
    bool wide_invalid = false, wide_check = true;
    wide_status = run(op, data, size, 1, /*widen=*/true, wide, wide_invalid, wide_check);
    if (wide_status.code != statuses[0].code && check_outputs)
      fail(name, "status differs between the 16-bit call and the float32 call on the widened map");
  }
  if (!check_outputs || !statuses[0].ok()) return 0;

  const ElementType output_type = written[0].output_type;
  for (int t = 0; t < 2; ++t) {
    for (const Buffer<float>* b : written[t].outputs) check_written(name, *b);
    for (const Buffer<uint16_t>* b : written[t].outputs16)
      for (int64_t i = 0; i < b->length; ++i)
        if (b->data[size_t(i)] == half_sentinel(output_type)) fail(name, "a 16-bit output element was not written");
    const int64_t argmax_limit = g_pixels;
    for (const Buffer<int32_t>* a : written[t].argmaxes)
      for (int64_t i = 0; i < a->length; ++i)
        if (a->data[size_t(i)] < -1 || a->data[size_t(i)] >= argmax_limit)
          fail(name, "argmax not written or out of range");
  }
  for (size_t i = 0; i < written[0].outputs.size(); ++i)
    if (!same_bits(*written[0].outputs[i], *written[1].outputs[i]))
      fail(name, "outputs differ between threads 1 and 2");
  for (size_t i = 0; i < written[0].outputs16.size(); ++i)
    if (!same_bits(*written[0].outputs16[i], *written[1].outputs16[i]))
      fail(name, "16-bit outputs differ between threads 1 and 2");
  for (size_t i = 0; i < written[0].argmaxes.size(); ++i)
    if (!same_bits(*written[0].argmaxes[i], *written[1].argmaxes[i]))
      fail(name, "argmax differs between threads 1 and 2");

  if (!written[0].half) return 0;
  // The forward output is the call's last output: float32 in `wide`, float32 or 16-bit here.
  const Buffer<float>& reference = *wide.outputs.back();
  if (is_half(output_type)) {
    const Buffer<uint16_t>& got = *written[0].outputs16.back();
    if (got.length != reference.length) fail(name, "16-bit output length differs from the widened call's");
    for (int64_t i = 0; i < got.length; ++i)
      if (got.data[size_t(i)] != narrow_half(reference.data[size_t(i)], output_type))
        fail(name, "16-bit output is not the widened call's output rounded to nearest-even");
  } else if (!same_bits(*written[0].outputs.back(), reference)) {
    fail(name, "output differs from the float32 call on the widened map");
  }
  for (size_t i = 0; i < written[0].argmaxes.size(); ++i)
    if (!same_bits(*written[0].argmaxes[i], *wide.argmaxes[i]))
      fail(name, "argmax differs from the float32 call on the widened map");
  return 0;
}
