// The kernel API of roi-ops: plain C++17, no Node-API. Include this one header.
#pragma once
#include "multi_scale_roi_align.h"
#include "ps_roi_align.h"
#include "roi_align.h"
#include "roi_align_backward.h"
#include "roi_align_rotated.h"
#include "roi_pool.h"
#include "runtime.h"
#include "status.h"
#include "tensor.h"
