// The kernel API of roi-ops: plain C++17, no Node-API. Include this one header.
#pragma once
#include "crop_and_resize.h"
#include "gradient.h"
#include "pooling_backward.h"
#include "precise_roi_pool.h"
#include "ps_roi_pool.h"
#include "roi_align.h"
#include "roi_pool.h"
#include "runtime.h"
#include "spatial_pyramid_pool.h"
#include "status.h"
#include "tensor.h"
