// Private: a deterministic parallel loop. Each index is computed exactly once, into its own
// slot, so results never depend on the thread count or scheduling.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "phusong/types.hpp"

namespace phusong::detail {

inline int resolve_threads(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

/// Runs body(i) for i in [0, n) on `threads` threads (0 = all cores). The calling thread
/// reports progress through `progress` about every 100 ms; the first exception is rethrown.
template <class Body>
void parallel_for(std::size_t n, int threads, Body&& body, const ProgressFn& progress = {}) {
  threads = std::max(1, std::min<int>(resolve_threads(threads), static_cast<int>(std::max<std::size_t>(n, 1))));
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
      done.fetch_add(1, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (!progress) {
    worker();
  } else {
    // The calling thread only reports progress, so the callback (e.g. Python) runs on it.
    std::thread last(worker);
    std::size_t reported = static_cast<std::size_t>(-1);
    while (true) {
      const std::size_t d = done.load();
      const bool finished = d >= n || failed.load();
      if (d != reported) {
        try {
          progress(std::min(d, n), n);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!error) error = std::current_exception();
          failed = true;
        }
        reported = d;
      }
      if (finished) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    last.join();
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace phusong::detail
