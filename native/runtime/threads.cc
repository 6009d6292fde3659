// The persistent compute pool behind run_parallel and the thread setting
// (setNumThreads / ROI_OPS_NUM_THREADS / a call's `threads` option).
//
// Compute slots bound the machine's load: there are num_threads() of them, a caller holds
// one while its call runs (waiting if none is free), and idle pool workers take a free slot
// to help a running call. So N concurrent async calls on a 2-thread setting compute on two
// threads at most, and one call alone uses both. Workers are created lazily, never per call;
// the pool is never destroyed (detached threads blocked on a condition variable are cheap
// and safe at process exit, whereas joining them from a static destructor is not).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "roiops/runtime.h"
#include "runtime/parallel.h"

namespace roiops {
namespace {

constexpr int32_t kMaxThreads = 1 << 16;

int32_t hardware_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int32_t>(std::min<unsigned>(n, kMaxThreads));
}

struct Job {
  TaskFunction task;
  void* context;
  int64_t tasks;
  int32_t helper_limit;  // threads - 1
  int32_t helpers = 0;   // workers currently inside this job (guarded by the pool mutex)
  std::atomic<int64_t> next{0};

  // Takes tasks until none is left.
  void work() {
    for (int64_t i = next.fetch_add(1); i < tasks; i = next.fetch_add(1)) task(context, i);
  }
  bool wants_help() const { return helpers < helper_limit && next.load() < tasks; }
};

class ComputePool {
 public:
  void set_capacity(int32_t threads) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_slots_ += threads - capacity_;
    capacity_ = threads;
    changed_.notify_all();
  }

  int32_t capacity() {
    std::lock_guard<std::mutex> lock(mutex_);
    return capacity_;
  }

  void run(int64_t tasks, int32_t threads, TaskFunction task, void* context) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return free_slots_ > 0; });
    free_slots_--;
    Job job{task, context, tasks, std::max(0, std::min(threads, capacity_) - 1)};
    if (job.helper_limit > 0 && tasks > 1) {
      start_workers(capacity_ - 1);
      jobs_.push_back(&job);
      changed_.notify_all();
    }
    lock.unlock();
    job.work();
    lock.lock();
    // No new helper may join once the job is gone; wait for those inside to finish.
    jobs_.erase(std::remove(jobs_.begin(), jobs_.end(), &job), jobs_.end());
    changed_.wait(lock, [&] { return job.helpers == 0; });
    free_slots_++;
    changed_.notify_all();
  }

 private:
  void start_workers(int32_t wanted) {
    for (; workers_ < wanted; workers_++) std::thread([this] { worker_loop(); }).detach();
  }

  Job* job_needing_help() {
    for (Job* job : jobs_)
      if (job->wants_help()) return job;
    return nullptr;
  }

  void worker_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      Job* job = nullptr;
      changed_.wait(lock, [&] { return free_slots_ > 0 && (job = job_needing_help()) != nullptr; });
      free_slots_--;
      job->helpers++;
      lock.unlock();
      job->work();
      lock.lock();
      job->helpers--;
      free_slots_++;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;  // slots freed, jobs added, helpers left
  std::deque<Job*> jobs_;
  int32_t capacity_ = hardware_threads();
  int32_t free_slots_ = capacity_;
  int32_t workers_ = 0;
};

ComputePool& pool() {
  static ComputePool* instance = new ComputePool();  // never destroyed, see above
  return *instance;
}

}  // namespace

// Whether anything has set the thread count of this process yet (set_initial_num_threads).
std::atomic<bool> thread_count_chosen{false};

void set_num_threads(int32_t threads) {
  thread_count_chosen.store(true);
  pool().set_capacity(std::min(std::max(threads, 1), kMaxThreads));
}

void set_initial_num_threads(int32_t threads) {
  if (!thread_count_chosen.exchange(true)) pool().set_capacity(std::min(std::max(threads, 1), kMaxThreads));
}

int32_t num_threads() { return pool().capacity(); }

void run_parallel(int64_t tasks, int32_t threads, TaskFunction task, void* context) {
  if (tasks <= 0) return;
  pool().run(tasks, threads, task, context);
}

}  // namespace roiops
