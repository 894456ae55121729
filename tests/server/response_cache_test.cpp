// The response cache on its own: bounded in bytes whatever is offered, hits
// share the stored body, and eviction gives an entry that was asked for
// again a second chance over one that was not (CLOCK).
#include "server/response_cache.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

std::shared_ptr<server::cached_response const> body_of(std::size_t bytes, char fill = 'x') {
    auto r = std::make_shared<server::cached_response>();
    r->body = std::make_shared<std::string const>(bytes, fill);
    return r;
}

TEST(response_cache, a_hit_returns_the_stored_body_and_a_miss_nothing) {
    server::response_cache cache(1 << 20);
    auto const stored = body_of(1000, 'a');
    cache.insert("k", stored);
    auto const hit = cache.find("k");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->body.get(), stored->body.get());  // shared, not copied
    EXPECT_EQ(cache.find("other"), nullptr);
}

TEST(response_cache, never_holds_more_than_its_bound_under_many_distinct_keys) {
    std::size_t const bound = 200'000;
    server::response_cache cache(bound);
    for (int i = 0; i < 5000; ++i) {
        cache.insert("tile/" + std::to_string(i), body_of(1000 + static_cast<std::size_t>(i % 7) * 1000));
        ASSERT_LE(cache.bytes(), bound) << "after " << i + 1 << " inserts";
        if (i % 3 == 0) cache.find("tile/" + std::to_string(i / 2));
    }
    EXPECT_GT(cache.bytes(), bound / 2) << "the cache should fill up to near its bound";
    EXPECT_NE(cache.find("tile/4999"), nullptr) << "the newest entry was evicted";
}

TEST(response_cache, an_entry_larger_than_a_quarter_of_the_bound_is_not_kept) {
    server::response_cache cache(100'000);
    cache.insert("big", body_of(30'000));
    EXPECT_EQ(cache.find("big"), nullptr);
    EXPECT_EQ(cache.bytes(), 0u);
    cache.insert("small", body_of(10'000));
    EXPECT_NE(cache.find("small"), nullptr);
}

TEST(response_cache, replacing_a_key_does_not_count_it_twice) {
    server::response_cache cache(1 << 20);
    cache.insert("k", body_of(10'000));
    auto const once = cache.bytes();
    cache.insert("k", body_of(10'000, 'b'));
    EXPECT_EQ(cache.bytes(), once);
    EXPECT_EQ(cache.find("k")->body->front(), 'b');
}

TEST(response_cache, an_entry_asked_for_again_outlives_those_that_were_not) {
    // Room for about ten entries of 10 kB: "hot" is asked for after every
    // insert, the others never; after 100 inserts it must still be there,
    // and the oldest cold ones gone.
    server::response_cache cache(110'000);
    cache.insert("hot", body_of(10'000));
    for (int i = 0; i < 100; ++i) {
        cache.insert("cold/" + std::to_string(i), body_of(10'000));
        ASSERT_NE(cache.find("hot"), nullptr) << "the hot entry was evicted after " << i + 1 << " cold inserts";
    }
    EXPECT_EQ(cache.find("cold/0"), nullptr);
    EXPECT_NE(cache.find("cold/99"), nullptr);
}

}  // namespace
