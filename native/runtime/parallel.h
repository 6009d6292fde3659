// The process-wide pool of compute threads (docs/threads-and-sizing.md "The model"). Kernels split
// their work into independent tasks (each output element belongs to exactly one task, so
// results do not depend on the thread count) and hand them to parallel_for.
#pragma once
#include <cstdint>

namespace roiops {

using TaskFunction = void (*)(void* context, int64_t task);

// Runs task(context, i) once for every i in [0, tasks), on the calling thread plus up to
// threads-1 pool workers, and returns when all have finished. At most num_threads()
// threads compute at any moment across every concurrent caller, so sync calls, async calls
// on libuv threads and worker_threads share the pool without oversubscribing the machine.
void run_parallel(int64_t tasks, int32_t threads, TaskFunction task, void* context);

template <class Body>
void parallel_for(int64_t tasks, int32_t threads, Body& body) {
  run_parallel(
      tasks, threads, [](void* context, int64_t i) { (*static_cast<Body*>(context))(i); }, &body);
}

}  // namespace roiops
