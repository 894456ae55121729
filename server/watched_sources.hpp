#pragma once
// Reloads when a source file changes, following the sources as they are
// now: after each reload the files are listed again (a catalog that gained
// a layer has its new files watched), and their version is checked against
// the one just loaded (a change made during the load, or between two
// watchers, is not missed).

#include "server/live_dataset.hpp"
#include "server/source_watcher.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace server {

class watched_sources {
public:
    using lister = std::function<std::vector<std::filesystem::path>()>;  // the files to watch now
    using version_probe = live_dataset::version_probe;                   // their version now

    watched_sources(live_dataset& data, lister files, version_probe version, std::chrono::milliseconds settle);
    ~watched_sources();
    watched_sources(watched_sources const&) = delete;
    watched_sources& operator=(watched_sources const&) = delete;

    // Whether some files are watched (false: none could be; SIGHUP still reloads).
    bool watching() const;

private:
    void follow();  // on start and after each swap

    live_dataset& data_;
    lister files_;
    version_probe version_;
    std::chrono::milliseconds settle_;
    mutable std::mutex mutex_;
    std::vector<std::filesystem::path> watched_;  // what watcher_ watches
    std::unique_ptr<source_watcher> watcher_;
    std::size_t listener_ = 0;
};

}  // namespace server
