// Independent work items (the functions of a program) made on several threads and used in
// order on the calling thread. The backend compiles functions this way: selection,
// optimization and register allocation of one function touch nothing of another's, while
// the MC layer that writes the object is sequential and must see the functions in program
// order, so the output is byte for byte the same whatever the number of threads.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace bpf2arm {

// Calls make(i) for each i in [0, count) on `threads` worker threads and use(i, result) on the
// calling thread in order of i; use returns false to stop (items not yet started are then
// skipped). At most a few results per thread wait to be used, so memory stays bounded
// however many items there are. With threads <= 1 all runs on the calling thread.
template <class Result, class Make, class Use>
void inOrderParallel(size_t count, unsigned threads, Make &&make, Use &&use) {
  if (threads <= 1 || count < 2) {
    for (size_t i = 0; i < count; ++i)
      if (!use(i, make(i))) return;
    return;
  }
  const size_t window = 4 * size_t(threads);
  std::vector<std::optional<Result>> waiting(window);  // item i waits in waiting[i % window]
  std::mutex lock;
  std::condition_variable made, used;
  size_t nextToMake = 0, usedCount = 0;
  bool stopped = false;

  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock<std::mutex> guard(lock);
        // Item i may start once item i - window has been used: its place is free then.
        used.wait(guard, [&] { return stopped || nextToMake >= count || nextToMake < usedCount + window; });
        if (stopped || nextToMake >= count) return;
        i = nextToMake++;
      }
      Result result = make(i);
      {
        std::lock_guard<std::mutex> guard(lock);
        waiting[i % window].emplace(std::move(result));
      }
      made.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(worker);

  for (size_t i = 0; i < count; ++i) {
    std::optional<Result> result;
    {
      std::unique_lock<std::mutex> guard(lock);
      made.wait(guard, [&] { return waiting[i % window].has_value(); });
      result.swap(waiting[i % window]);
      ++usedCount;
    }
    used.notify_all();
    if (!use(i, std::move(*result))) {
      {
        std::lock_guard<std::mutex> guard(lock);
        stopped = true;
      }
      used.notify_all();
      break;
    }
  }
  for (std::thread &w : workers) w.join();
}

// Calls work(i) for each i in [0, count) on `threads` threads, in no particular order.
template <class Work>
void parallelFor(size_t count, unsigned threads, Work &&work) {
  inOrderParallel<bool>(
      count, threads, [&](size_t i) { work(i); return true; }, [](size_t, bool) { return true; });
}

// Below this many BPF instructions per thread, starting threads costs more than it saves.
constexpr size_t kInstructionsPerThread = 20000;

// How many threads to compile `items` functions of `instructions` BPF instructions in all
// on, when the user asked for `wanted` (0: one per CPU of the machine).
inline unsigned threadsFor(size_t instructions, size_t items, unsigned wanted) {
  if (wanted == 0) wanted = std::max(1u, std::thread::hardware_concurrency());
  return unsigned(std::min<size_t>({wanted, items, instructions / kInstructionsPerThread + 1}));
}

}  // namespace bpf2arm
