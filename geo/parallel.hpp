#pragma once
// Splits [0, n) into one contiguous range per thread and runs
// work(begin, end) on each, the calling thread taking the first.

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace geo {

// threads: 0 for one per core. Below min_parallel items it all runs here.
template <class Work>
void parallel_ranges(std::size_t n, unsigned threads, std::size_t min_parallel, Work&& work) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (threads == 1 || n < min_parallel) {
        work(std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&work, n, t, threads] { work(n * t / threads, n * (t + 1) / threads); });
    work(std::size_t{0}, n / threads);
    for (auto& th : pool) th.join();
}

}  // namespace geo
