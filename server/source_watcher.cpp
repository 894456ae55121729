#include "server/source_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace server {

namespace fs = std::filesystem;

namespace {

// What is a change. No IN_ACCESS, IN_OPEN or IN_CLOSE_NOWRITE: reading is not.
constexpr std::uint32_t file_events = IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr std::uint32_t folder_events = IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                        IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
    });
}

// The parts of a shapefile that GDAL reads (the .shp itself among them).
bool is_shapefile_part(std::string_view extension) {
    constexpr std::array<std::string_view, 5> parts = {"shp", "shx", "dbf", "prj", "cpg"};
    return std::any_of(parts.begin(), parts.end(), [extension](auto p) { return same_ignoring_case(extension, p); });
}

// A new descriptor, or an exception saying what could not be made.
int checked(int fd, char const* what) {
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), std::string("cannot watch files (") + what + ")");
    return fd;
}

}  // namespace

source_watcher::descriptor::~descriptor() {
    if (fd >= 0) ::close(fd);
}

source_watcher::source_watcher(std::vector<fs::path> files, std::chrono::milliseconds settle,
                               std::function<void()> on_change)
    : settle_(settle),
      on_change_(std::move(on_change)),
      inotify_(checked(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1")),
      wake_(checked(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd")) {
    for (auto const& given : files) {
        fs::path const path = fs::absolute(given).lexically_normal();
        if (!path.has_filename())
            throw std::invalid_argument("cannot watch '" + given.string() + "': no file or folder name");
        fs::path const folder = path.parent_path();
        auto const known =
            std::find_if(folders_.begin(), folders_.end(), [&](auto const& f) { return f.path == folder; });
        watched_file f{path, path.filename().string(), path.stem().string()};
        f.shapefile = same_ignoring_case(path.extension().string(), ".shp");
        f.whole_folder = fs::is_directory(path);
        f.folder = static_cast<std::size_t>(known - folders_.begin());
        if (known == folders_.end()) folders_.push_back({folder});
        files_.push_back(std::move(f));
    }
    watch_all(true);
    thread_ = std::thread([this] { run(); });
}

source_watcher::~source_watcher() {
    ::eventfd_write(wake_.fd, 1);
    thread_.join();
}

// (Re)watches every folder and file by its path, so that the watches follow
// what is at those paths now: a file or folder that was replaced is watched
// anew, and the watch on what it replaced is dropped. Adding a watch to what
// is already watched keeps its descriptor. At the start a folder that cannot
// be watched is an error; later it stays unwatched (a file that does not
// exist is not watched itself at any time: its folder sees it come).
void source_watcher::watch_all(bool at_start) {
    std::vector<int> before;
    for (auto const& f : folders_) before.push_back(f.wd);
    for (auto const& f : files_) before.push_back(f.wd);
    for (auto& f : folders_) {
        f.wd = ::inotify_add_watch(inotify_.fd, f.path.c_str(), folder_events);
        int const error = errno;
        if (f.wd < 0 && at_start)
            throw std::system_error(
                error, std::generic_category(),
                "cannot watch folder '" + f.path.string() + "'" +
                    (error == ENOSPC ? " (too many inotify watches: fs.inotify.max_user_watches)" : ""));
    }
    for (auto& f : files_) f.wd = ::inotify_add_watch(inotify_.fd, f.path.c_str(), f.whole_folder ? folder_events : file_events);
    for (int const wd : before) {
        bool const kept = std::any_of(folders_.begin(), folders_.end(), [wd](auto const& f) { return f.wd == wd; }) ||
                          std::any_of(files_.begin(), files_.end(), [wd](auto const& f) { return f.wd == wd; });
        if (wd >= 0 && !kept) ::inotify_rm_watch(inotify_.fd, wd);  // (fails harmlessly if the kernel ended it)
    }
}

bool source_watcher::concerns_the_files(int wd, std::string_view name, std::uint32_t mask) const {
    if (mask & IN_Q_OVERFLOW) return true;  // events were lost: one may have been ours
    if (mask & IN_IGNORED) return false;    // a watch ended: dropped here, or its file or folder went (seen as such)
    for (auto const& f : files_) {
        if (wd == f.wd) return true;
        if (wd != folders_[f.folder].wd) continue;
        if (name.empty()) return mask & (IN_DELETE_SELF | IN_MOVE_SELF);  // the folder itself went
        if (name == f.name) return true;
        auto const dot = name.rfind('.');
        if (f.shapefile && dot != std::string_view::npos && name.substr(0, dot) == f.stem &&
            is_shapefile_part(name.substr(dot + 1)))
            return true;
    }
    return false;
}

bool source_watcher::read_events() const {
    bool relevant = false;
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
        ssize_t const n = ::read(inotify_.fd, buffer, sizeof buffer);
        if (n <= 0) return relevant;  // EAGAIN: all read
        for (char const* p = buffer; p < buffer + n;) {
            auto const* e = reinterpret_cast<inotify_event const*>(p);
            std::string_view const name = e->len ? std::string_view(e->name) : std::string_view();  // (NUL-padded)
            relevant = concerns_the_files(e->wd, name, e->mask) || relevant;
            p += sizeof(inotify_event) + e->len;
        }
    }
}

void source_watcher::run() {
    using clock = std::chrono::steady_clock;
    std::optional<clock::time_point> due;  // when on_change is to run: `settle` after the last change
    for (;;) {
        int timeout = -1;
        if (due) {
            auto const left = std::chrono::ceil<std::chrono::milliseconds>(*due - clock::now()).count();
            timeout = static_cast<int>(std::clamp<decltype(left)>(left, 0, INT_MAX));
        }
        std::array<pollfd, 2> fds{{{wake_.fd, POLLIN, 0}, {inotify_.fd, POLLIN, 0}}};
        // (Beside EINTR, poll fails only for bad arguments or no kernel memory.)
        if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) return;
        if (fds[0].revents) return;  // the destructor
        if (fds[1].revents && read_events()) due = clock::now() + settle_;
        if (due && clock::now() >= *due) {
            due.reset();
            watch_all(false);
            on_change_();
        }
    }
}

}  // namespace server
