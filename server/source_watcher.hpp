#pragma once
// Calls a function when source files change on disk, for live reloads
// (Linux inotify(7)).
//
// Each file is watched itself and through its folder, so that a file
// rewritten in place, replaced by a rename (mv, rsync), or deleted and
// made again is seen, as is the swap of its whole folder for another
// (mv data data.old && mv data.new data). For a shapefile (x.shp) its sidecars x.shx, x.dbf,
// x.prj and x.cpg count as the file (same stem, extension in any case).
// Other names in the same folders are ignored, and reading the files (the
// reload itself) is no change.
//
// Settling: on_change runs once `settle` after the last change, each change
// restarting the wait, so that a set of files being copied is not read
// half-way. A copy that pauses longer than `settle` between its files (a long
// .shp, then the .dbf) gives two calls, the first while the set is mixed;
// the second comes once the copy is done.
//
// Threads: on_change runs on the watcher's own thread, one call at a time;
// changes made while it runs give a call after it. It must not throw (that
// ends the process, as from any thread) nor destroy the watcher.
//
// A folder named among the files (a folder of layers served as one source)
// counts whole: a file made, changed, renamed or removed in it is a change.
//
// Limits: only the named file is watched itself, not its sidecars (which
// matters for a sidecar that is a symbolic link: a change to its target in
// another folder is not seen). A folder that is removed, and not replaced
// by the time its removal has settled, stays unwatched.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace server {

class source_watcher {
public:
    // Starts watching. Each file's folder must exist (the file need not:
    // its creation is a change). Throws std::system_error naming the folder
    // when one cannot be watched, std::invalid_argument for a path without
    // a file or folder name ("/").
    source_watcher(std::vector<std::filesystem::path> files, std::chrono::milliseconds settle,
                   std::function<void()> on_change);
    // Stops at once: a change still settling is dropped; a call of on_change
    // under way is waited for.
    ~source_watcher();
    source_watcher(source_watcher const&) = delete;
    source_watcher& operator=(source_watcher const&) = delete;

private:
    struct descriptor {  // a file descriptor, closed with it
        explicit descriptor(int fd) : fd(fd) {}
        ~descriptor();
        descriptor(descriptor const&) = delete;
        descriptor& operator=(descriptor const&) = delete;
        int const fd;
    };
    struct watched_folder {
        std::filesystem::path path;
        int wd = -1;  // inotify watch descriptor; -1: not watched
    };
    struct watched_file {
        std::filesystem::path path;
        std::string name, stem;  // x.shp, x
        bool shapefile = false;
        bool whole_folder = false;  // a folder given as a source: any change in it counts
        std::size_t folder = 0;  // in folders_
        int wd = -1;
    };

    void watch_all(bool at_start);
    bool read_events() const;  // true when one concerns a watched file
    bool concerns_the_files(int wd, std::string_view name, std::uint32_t mask) const;
    void run();

    std::vector<watched_folder> folders_;
    std::vector<watched_file> files_;
    std::chrono::milliseconds const settle_;
    std::function<void()> const on_change_;
    descriptor const inotify_;
    descriptor const wake_;  // an eventfd: the destructor's stop signal
    std::thread thread_;
};

}  // namespace server
