#include "server/watched_sources.hpp"

#include <iostream>
#include <set>

namespace server {

namespace fs = std::filesystem;

watched_sources::watched_sources(live_dataset& data, lister files, version_probe version, std::chrono::milliseconds settle)
    : data_(data), files_(std::move(files)), version_(std::move(version)), settle_(settle) {
    follow();
    listener_ = data_.add_swap_listener([this](geo::dataset const&) { follow(); });
}

watched_sources::~watched_sources() {
    data_.remove_swap_listener(listener_);
    std::lock_guard lock(mutex_);
    watcher_.reset();
}

bool watched_sources::watching() const {
    std::lock_guard lock(mutex_);
    return watcher_ != nullptr;
}

void watched_sources::follow() {
    // A file whose folder is missing cannot be watched (its folder's
    // creation is not seen): it is left out, said once, and the others are
    // watched; SIGHUP reloads it once it is there.
    std::vector<fs::path> files;
    std::vector<fs::path> unwatchable;
    for (auto const& f : files_()) {
        std::error_code ec;
        (fs::is_directory(f.parent_path().empty() ? fs::path(".") : f.parent_path(), ec) ? files : unwatchable).push_back(f);
    }
    {
        std::lock_guard lock(mutex_);
        if (!watcher_ || files != watched_) {
            std::set<fs::path> missing;
            for (auto const& f : unwatchable) missing.insert(f.parent_path());
            for (auto const& folder : missing)
                std::cerr << "concessions: warning: cannot watch the sources in " << folder
                          << ": the folder does not exist; reload with SIGHUP once it does" << std::endl;
            watcher_.reset();
            watched_ = files;
            try {
                if (!files.empty())
                    watcher_ = std::make_unique<source_watcher>(files, settle_, [this] { data_.request_reload("file changed"); });
            } catch (std::exception const& e) {
                std::cerr << "concessions: warning: cannot watch the sources (" << e.what() << "); reload with SIGHUP" << std::endl;
            }
        }
    }
    // What changed while the data was being read, or while no watcher ran.
    try {
        if (version_() != data_.current()->version()) data_.request_reload("file changed while loading");
    } catch (std::exception const& e) {
        std::cerr << "concessions: warning: cannot tell whether the sources changed: " << e.what() << std::endl;
    }
}

}  // namespace server
