// server::live_dataset polling a version probe, without a database: a
// probe that says what the "database" holds, a loader that fails or not.

#include "server/live_dataset.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

// A dataset of version `version`: one empty collection, or none and a
// failed source (what geo::load gives when the only source is down).
std::shared_ptr<geo::dataset const> dataset_of(std::string const& version, bool failed) {
    geo::snapshot snap;
    snap.version = version;
    if (failed) {
        snap.failures.push_back({"PG:dbname=test", "PG:dbname=test: cannot open it: connection refused"});
    } else {
        geo::collection c;
        c.id = "elc";
        snap.collections.push_back(std::move(c));
    }
    return geo::dataset::build(std::move(snap), {});
}

// What the database holds now: its version, and whether loading it fails.
struct fake_database {
    std::mutex mutex;
    std::string version = "v1";
    bool down = false;
    std::atomic<int> loads{0};

    void set(std::string v, bool is_down) {
        std::lock_guard lock(mutex);
        version = std::move(v);
        down = is_down;
    }
    std::string probe() {
        std::lock_guard lock(mutex);
        return version;
    }
    std::shared_ptr<geo::dataset const> load() {
        ++loads;
        std::lock_guard lock(mutex);
        return dataset_of(version, down);
    }
};

// Waits up to 5 s for `done`.
template <typename Done>
bool eventually(Done done) {
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

}  // namespace

TEST(live_dataset_poll, a_changed_version_reloads_and_an_unchanged_one_does_not) {
    fake_database db;
    server::live_dataset data(db.load(), [&db] { return db.load(); });
    data.poll([&db] { return db.probe(); }, 20ms);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(db.loads, 1) << "the version did not change, yet it reloaded";

    db.set("v2", false);
    // The status is written just after the swap: wait for it.
    ASSERT_TRUE(eventually([&] { return data.status().reloads == 1; }));
    EXPECT_EQ(data.current()->version(), "v2");
    auto const status = data.status();
    EXPECT_EQ(status.outcome, "ok");
    EXPECT_EQ(status.reason, "database changed");
    EXPECT_EQ(status.reloads, 1u);
}

// A database down gives a version of its own (the error is part of it): one
// failed reload, then retries at 2, 4, 8... poll intervals, not at each.
TEST(live_dataset_poll, a_failed_version_is_retried_with_a_doubling_delay_and_recovery_reloads_once) {
    fake_database db;
    server::live_dataset data(db.load(), [&db] { return db.load(); });
    data.poll([&db] { return db.probe(); }, 20ms);

    db.set("v1 down", true);
    ASSERT_TRUE(eventually([&] { return data.status().failures >= 1; }));
    auto status = data.status();
    EXPECT_EQ(status.outcome, "failed");
    EXPECT_EQ(status.reason, "database changed");
    EXPECT_NE(status.message.find("PG:dbname=test: cannot open it"), std::string::npos) << status.message;
    EXPECT_EQ(status.message.find("PG:dbname=test: PG:dbname=test"), std::string::npos)
        << "the source is named twice: " << status.message;
    EXPECT_EQ(data.current()->version(), "v1");

    // In 500 ms, 25 polls: retries after 40, 80, 160 and 320 ms at most.
    std::this_thread::sleep_for(500ms);
    status = data.status();
    EXPECT_GE(status.failures, 2u) << "a failed version is never retried";
    EXPECT_LE(status.failures, 5u) << "a failed version is reloaded at every poll";
    EXPECT_EQ(status.reason, "retry after a failed reload");
    EXPECT_EQ(data.current()->version(), "v1");

    // Back as it was: one reload says so, and nothing is swapped.
    auto const loads = db.loads.load();
    db.set("v1", false);
    ASSERT_TRUE(eventually([&] { return data.status().outcome != "failed"; }));
    status = data.status();
    EXPECT_EQ(status.outcome, "unchanged") << status.message;
    EXPECT_EQ(status.reason, "database changed");
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(db.loads, loads + 1) << "the recovered database was reloaded more than once";

    // And a change after that reloads at the next poll.
    db.set("v3", false);
    ASSERT_TRUE(eventually([&] { return data.status().outcome == "ok"; }));
    EXPECT_EQ(data.current()->version(), "v3");
}
