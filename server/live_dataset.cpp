#include "server/live_dataset.hpp"

#include "geo/dates.hpp"
#include "geo/summary.hpp"


#include <algorithm>
#include <iostream>
#include <optional>

namespace server {

namespace {

// Sources the new load lost: failed now, loaded before. A source that has
// failed since the start does not hold back the reload of the others.
std::string new_failures(geo::dataset const& next, geo::dataset const& now) {
    std::string out;
    for (auto const& f : next.failures()) {
        bool failed_before = false;
        for (auto const& g : now.failures()) failed_before = failed_before || g.source == f.source;
        if (failed_before) continue;
        // Messages name their source already, mostly: not twice.
        bool const named = f.message.rfind(f.source, 0) == 0;
        out += (out.empty() ? "" : "; ") + (named ? f.message : f.source + ": " + f.message);
    }
    return out;
}
}  // namespace

live_dataset::live_dataset(std::shared_ptr<geo::dataset const> first, loader load) : current_(std::move(first)), load_(std::move(load)) {
    status_.loaded_at = geo::utc_now_iso();
    worker_ = std::thread([this] { run(); });
}

live_dataset::~live_dataset() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void live_dataset::request_reload(std::string reason) {
    {
        std::lock_guard lock(mutex_);
        if (wanted_ && !wanted_reason_.empty() && wanted_reason_ != reason) reason = wanted_reason_ + ", " + reason;
        wanted_ = true;
        wanted_reason_ = std::move(reason);
    }
    changed_.notify_all();
}

void live_dataset::poll(version_probe probe, std::chrono::milliseconds every) {
    {
        std::lock_guard lock(mutex_);
        probe_ = std::move(probe);
        poll_every_ = every;
    }
    changed_.notify_all();
}

std::size_t live_dataset::add_swap_listener(swap_listener listener) {
    std::lock_guard lock(listeners_mutex_);
    listeners_.emplace_back(next_listener_, std::move(listener));
    return next_listener_++;
}

void live_dataset::remove_swap_listener(std::size_t handle) {
    std::lock_guard lock(listeners_mutex_);
    std::erase_if(listeners_, [handle](auto const& l) { return l.first == handle; });
}

reload_status live_dataset::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void live_dataset::wait_idle() const {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return (!wanted_ && !status_.running) || stopping_; });
}

void live_dataset::run() {
    using clock = std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    auto next_poll = clock::now() + poll_every_;
    bool probe_failing = false;
    while (!stopping_) {
        if (wanted_) {
            wanted_ = false;
            std::string const reason = std::move(wanted_reason_);
            wanted_reason_.clear();
            status_.running = true;
            lock.unlock();
            reload_once(reason);
            lock.lock();
            status_.running = false;
            changed_.notify_all();
            continue;
        }
        if (!probe_ || poll_every_.count() <= 0) {
            changed_.wait(lock);
            next_poll = clock::now() + poll_every_;
            continue;
        }
        if (clock::now() < next_poll) {
            changed_.wait_until(lock, next_poll);
            continue;
        }
        auto const probe = probe_;
        lock.unlock();
        std::optional<std::string> version;
        try {
            version = probe();
            if (probe_failing) std::cerr << "concessions: the sources answer again" << std::endl;
            probe_failing = false;
        } catch (std::exception const& e) {
            if (!probe_failing) std::cerr << "concessions: cannot tell whether the sources changed: " << e.what() << std::endl;
            probe_failing = true;
        }
        lock.lock();
        next_poll = clock::now() + poll_every_;
        if (!version || wanted_) continue;
        if (*version == failed_version_) {
            // Failed before: again only once the delay is over.
            if (clock::now() < retry_at_) continue;
            wanted_ = true;
            wanted_reason_ = "retry after a failed reload";
        } else if (*version != current()->version() || !failed_version_.empty()) {
            wanted_ = true;
            wanted_reason_ = "database changed";
        }
    }
}

void live_dataset::reload_once(std::string const& reason) {
    auto const started = std::chrono::steady_clock::now();
    auto now = current();
    std::shared_ptr<geo::dataset const> next;
    std::string error;
    try {
        next = load_();
        if (!next) throw std::runtime_error("the loader gave no dataset");
        error = new_failures(*next, *now);
        if (next->collections().empty()) error = "no source could be loaded" + (error.empty() ? "" : ": " + error);
    } catch (std::exception const& e) {
        error = e.what();
    }
    std::string outcome = "failed", message = error;
    if (error.empty() && next->version() == now->version()) {
        outcome = "unchanged";
        message = "the sources are as loaded (version " + now->version() + ")";
    } else if (error.empty()) {
        current_.store(next, std::memory_order_release);
        {
            std::lock_guard lock(listeners_mutex_);  // remove_swap_listener waits for these calls to end
            for (auto const& [handle, listener] : listeners_) listener(*next);
        }
        outcome = "ok";
        message = std::to_string(next->collections().size()) + " collections, " + std::to_string(next->feature_count()) +
                  " features, version " + next->version();
    }
    double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (outcome == "failed")
        std::cerr << "concessions: reload (" << reason << ") failed, still serving version " << now->version() << ": " << error
                  << std::endl;
    else
        std::cerr << "concessions: reload (" << reason << "): " << message << " in " << seconds << " s" << std::endl;
    if (outcome == "ok") geo::print_problems(std::cerr, next->collections());  // what was repaired in the new data
    {
        std::lock_guard lock(mutex_);
        status_.outcome = outcome;
        status_.message = message;
        status_.reason = reason;
        status_.finished_at = geo::utc_now_iso();
        status_.seconds = seconds;
        ++status_.reloads;
        if (outcome == "failed") ++status_.failures;
        if (outcome == "ok") status_.loaded_at = status_.finished_at;
        if (outcome != "failed") {
            failed_version_.clear();
            failed_in_a_row_ = 0;
        } else {
            failed_version_ = next ? next->version() : "";
            ++failed_in_a_row_;
            auto const delay = poll_every_ * (1LL << std::min(failed_in_a_row_, 16u));
            retry_at_ = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(
                                                               delay, std::max(poll_every_, max_retry_delay));
        }
    }
    // The old dataset goes when its last request lets go of it (here, at
    // once when none holds it), as does a new one that was not kept; the
    // dataset's deleter gives their pages back to the system.
    next.reset();
    now.reset();
}

}  // namespace server
