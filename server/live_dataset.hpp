#pragma once
// The dataset being served, and its reloads. Requests take the current
// dataset with one atomic load and keep it until they are answered (a
// streamed download keeps it until its last byte). A reload builds the
// next dataset on a background thread while the current one serves, then
// swaps it in at once; a load that fails changes nothing, and says why.

#include "geo/dataset.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace server {

// What the last reload did, for /healthz and /metrics.
struct reload_status {
    std::string outcome = "none";  // none | ok | unchanged | failed
    std::string message;           // what was loaded, or why it failed
    std::string reason;            // what asked for it: "SIGHUP", "file changed", "database changed"
    std::string finished_at;       // ISO 8601 UTC; empty before the first reload
    double seconds = 0;            // how long the last one took
    bool running = false;          // one is under way now
    std::uint64_t reloads = 0, failures = 0;  // finished so far, and of those, how many failed
    std::string loaded_at;         // when the dataset being served was loaded (ISO 8601 UTC)
};

class live_dataset {
public:
    using loader = std::function<std::shared_ptr<geo::dataset const>()>;
    // The version the sources have now, without loading them (for polling);
    // throws when it cannot be known (a database that is down).
    using version_probe = std::function<std::string()>;

    // first: the dataset loaded at start; load: builds the next one (may throw).
    live_dataset(std::shared_ptr<geo::dataset const> first, loader load);
    ~live_dataset();  // waits for a reload under way
    live_dataset(live_dataset const&) = delete;
    live_dataset& operator=(live_dataset const&) = delete;

    std::shared_ptr<geo::dataset const> current() const { return current_.load(std::memory_order_acquire); }

    // Asks for a reload; returns at once. While one runs, further requests
    // make one more run after it (changes seen mid-load are not lost).
    void request_reload(std::string reason);

    // Polls probe every `every` and reloads when the version it gives
    // differs from the served dataset's (PostGIS sources). A version whose
    // reload failed (a database down or a table gone: the version carries
    // the error) is not reloaded again at every poll: it is retried after
    // twice the interval, then four times, up to max_retry_delay. After a
    // failed reload, the probe giving the served version again (the
    // database back as it was) reloads once, so that the status says so.
    void poll(version_probe probe, std::chrono::milliseconds every);
    static constexpr std::chrono::milliseconds max_retry_delay = std::chrono::minutes(5);

    // Listeners called on the reload thread right after each swap (the
    // caches drop the old version's answers; the watcher follows the
    // sources). Removing one waits for a call under way, so that after it
    // returns the listener is never called again.
    using swap_listener = std::function<void(geo::dataset const& now)>;
    std::size_t add_swap_listener(swap_listener listener);  // returns its handle
    void remove_swap_listener(std::size_t handle);

    // After the server stops: true when a reload is under way (and would
    // hold up the exit until it ends).
    bool reloading() const { return status().running; }

    reload_status status() const;
    // Blocks until no reload is asked for or running (tests).
    void wait_idle() const;

private:
    void run();
    void reload_once(std::string const& reason);

    std::atomic<std::shared_ptr<geo::dataset const>> current_;
    loader load_;
    std::mutex listeners_mutex_;  // guards listeners_, held while they run
    std::vector<std::pair<std::size_t, swap_listener>> listeners_;
    std::size_t next_listener_ = 0;
    version_probe probe_;
    std::chrono::milliseconds poll_every_{0};
    // The version the last reload failed on ("" after one that did not, or
    // when the loader threw), how many failed in a row, and when polling
    // may ask for that version again.
    std::string failed_version_;
    unsigned failed_in_a_row_ = 0;
    std::chrono::steady_clock::time_point retry_at_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool wanted_ = false, stopping_ = false;
    std::string wanted_reason_;
    reload_status status_;
    std::thread worker_;
};

}  // namespace server
