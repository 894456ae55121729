#include "server/cache_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace server {

namespace {
// Read on first use, after `serve` has raised the soft limit to the hard one.
std::size_t limit() {
    static std::size_t const cap = [] {
        rlimit lim{};
        if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return std::size_t{4096};
        return static_cast<std::size_t>(lim.rlim_cur / 4);
    }();
    return cap;
}
std::atomic<std::size_t> files{0};
std::atomic<std::size_t> bytes{0};

std::string& place() {
    static std::string where = cache_file::default_folder();
    return where;
}

// A new empty file in the folder (unnamed from the start), or a memfd; -1
// with errno set when it cannot be made.
int make_file(std::string_view where) {
    if (where == cache_file::memory) return ::memfd_create("concessions-cache", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    return ::open(std::string(where).c_str(), O_TMPFILE | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
}

bool write_all(int fd, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t const n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // out of memory or space
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// A descriptor holding data, or -1 with errno set. A memfd is sealed:
// neither this process nor anyone else can change the bytes while the kernel
// may still be sending them. A file in a folder has no name, so only this
// process, which never writes it again, can.
int filled_file(std::string_view where, std::string_view data) {
    int const fd = make_file(where);
    if (fd < 0) return -1;
    if (write_all(fd, data) &&
        (where != cache_file::memory || ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0))
        return fd;
    int const e = errno;
    ::close(fd);
    errno = e;
    return -1;
}

// Where the last new file went, so that stderr says when that changes
// (a disk that fills, a folder removed, and then freed or made again)
// rather than at every answer.
enum class went { as_told, to_memory, nowhere };
std::atomic<went> last_went{went::as_told};

void say(went now, std::string const& where, int error) {
    if (last_went.exchange(now) == now) return;
    if (now == went::as_told)
        std::cerr << "concessions: cached answers are kept "
                  << (where == cache_file::memory ? "in memory files" : "in " + where) << " again" << std::endl;
    else if (now == went::to_memory)
        std::cerr << "concessions: warning: cannot keep cached answers in " << where << " (" << std::strerror(error)
                  << "); keeping them in memory files until it can again" << std::endl;
    else
        std::cerr << "concessions: warning: cannot keep cached answers in files (" << std::strerror(error)
                  << (error == EFBIG ? ": the file size limit, ulimit -f" : "") << "); they stay in the process"
                  << std::endl;
}
}  // namespace

std::string cache_file::default_folder() {
    char const* tmp = std::getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

std::string const& cache_file::where() { return place(); }

void cache_file::use(std::string const& where) {
    int const fd = make_file(where);
    if (fd < 0) {
        int const e = errno;
        if (where == memory) throw std::runtime_error(std::string("cannot make in-memory files (memfd_create): ") + std::strerror(e));
        throw std::runtime_error("cannot keep cached answers in " + where + " (an unnamed O_TMPFILE file there: " + std::strerror(e) +
                                 (e == EOPNOTSUPP ? ", the file system does not support it" : "") + "); name another folder or 'memory'");
    }
    ::close(fd);
    place() = where;
}

void cache_file::disable() { place().clear(); }

std::size_t cache_file::open_files() { return files; }
std::size_t cache_file::open_bytes() { return bytes; }

std::shared_ptr<cache_file const> cache_file::copy_of(std::string_view data) {
    std::string const& where = place();
    if (where.empty()) return nullptr;
    if (files.fetch_add(1) >= limit()) {
        --files;
        return nullptr;
    }
    int fd = filled_file(where, data);
    int error = fd < 0 ? errno : 0;
    auto const out_of_descriptors = [&error] { return error == EMFILE || error == ENFILE; };
    // RLIMIT_FSIZE bounds a memfd as it does a file (EFBIG from both): no
    // use trying one then.
    if (fd < 0 && where != memory && !out_of_descriptors() && error != EFBIG) {
        fd = filled_file(memory, data);
        if (fd >= 0)
            say(went::to_memory, where, error);
        else
            error = errno;
    } else if (fd >= 0) {
        say(went::as_told, where, 0);
    }
    if (fd < 0) {
        --files;
        if (!out_of_descriptors()) say(went::nowhere, where, error);  // out of descriptors: the server says so
        return nullptr;
    }
    return std::shared_ptr<cache_file const>(new cache_file(fd, data.size()));
}

cache_file::cache_file(int fd, std::size_t size) : fd_(fd), size_(size) { bytes += size; }

cache_file::~cache_file() {
    ::close(fd_);
    --files;
    bytes -= size_;
}

std::string cache_file::read() const {
    std::string out(size_, '\0');
    std::size_t done = 0;
    while (done < size_) {
        ssize_t const n = ::pread(fd_, out.data() + done, size_ - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot read back a cached answer from its file");
        done += static_cast<std::size_t>(n);
    }
    return out;
}

}  // namespace server
