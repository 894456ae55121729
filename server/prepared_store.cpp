#include "server/prepared_store.hpp"

#include <chrono>
#include <iostream>

namespace server {

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

prepared_store::prepared_store(std::filesystem::path dir, std::vector<std::string> sources, geo::load_options load,
                               geo::dataset_options options)
    : dir_(std::move(dir)), sources_(std::move(sources)), load_(std::move(load)), options_(std::move(options)) {}

prepared_store::~prepared_store() {
    std::lock_guard lock(mutex_);
    if (writer_.joinable()) writer_.join();
}

std::shared_ptr<geo::dataset const> prepared_store::load() {
    if (dir_.empty()) return geo::dataset::load(sources_, load_, options_);
    {
        // A reload while the last load's store is still being written waits
        // for it and reads it, rather than loading the sources again beside
        // the dataset the writer holds (three datasets at once).
        std::lock_guard lock(mutex_);
        if (writer_.joinable()) writer_.join();
    }
    auto const start = std::chrono::steady_clock::now();
    auto outcome = geo::load_through_store(sources_, load_, options_, dir_);
    if (outcome.from_store) {
        std::cerr << "concessions: " << outcome.note << " in " << seconds_since(start) << " s\n";
    } else {
        std::cerr << "concessions: loaded the sources in " << seconds_since(start) << " s (" << outcome.note
                  << "); writing the store " << outcome.file.string() << " in the background\n";
        write_later(outcome.data, std::move(outcome.key), std::move(outcome.file));
    }
    return outcome.data;
}

void prepared_store::write_later(std::shared_ptr<geo::dataset const> data, std::string key,
                                 std::filesystem::path file) {
    std::lock_guard lock(mutex_);
    if (writer_.joinable()) writer_.join();
    writing_ = true;
    writer_ = std::thread([this, data = std::move(data), key = std::move(key), file = std::move(file)] {
        auto const start = std::chrono::steady_clock::now();
        try {
            geo::write_store(*data, key, file);
            std::error_code ec;
            auto const bytes = std::filesystem::file_size(file, ec);
            std::cerr << "concessions: wrote the store " << file.string() << " (" << static_cast<double>(bytes) / 1e6
                      << " MB) in " << seconds_since(start) << " s\n";
        } catch (std::exception const& e) {
            std::cerr << "concessions: warning: could not write the store: " << e.what()
                      << " (the next start loads the sources again)\n";
        }
        writing_ = false;
    });
}

}  // namespace server
