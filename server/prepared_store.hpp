#pragma once
// `serve`'s use of the prepared store (geo/store.hpp): every load, the first
// and each reload, goes through it, and a dataset that had to be loaded
// from its sources is written to it on a background thread, so that the
// next start on the same data reads it back in seconds.

#include "geo/store.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace server {

class prepared_store {
public:
    // dir empty: no store (load the sources every time).
    prepared_store(std::filesystem::path dir, std::vector<std::string> sources, geo::load_options load,
                   geo::dataset_options options);
    ~prepared_store();  // waits for a write under way
    prepared_store(prepared_store const&) = delete;
    prepared_store& operator=(prepared_store const&) = delete;

    // Loads the sources through the store, saying on stderr where the data
    // came from; safe from any thread. Waits for a store being written.
    std::shared_ptr<geo::dataset const> load();
    // Whether a store is being written now.
    bool writing() const { return writing_; }

private:
    void write_later(std::shared_ptr<geo::dataset const> data, std::string key, std::filesystem::path file);

    std::filesystem::path dir_;
    std::vector<std::string> sources_;
    geo::load_options load_;
    geo::dataset_options options_;
    std::mutex mutex_;  // one write at a time
    std::thread writer_;
    std::atomic<bool> writing_{false};
};

}  // namespace server
