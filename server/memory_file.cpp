#include "server/memory_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
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
}  // namespace

std::size_t memory_file::open_files() { return files; }
std::size_t memory_file::open_bytes() { return bytes; }

std::shared_ptr<memory_file const> memory_file::copy_of(std::string_view data) {
    if (files.fetch_add(1) >= limit()) {
        --files;
        return nullptr;
    }
    int const fd = ::memfd_create("concessions-cache", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        --files;
        return nullptr;
    }
    auto file = std::shared_ptr<memory_file const>(new memory_file(fd, data.size()));
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t const n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return nullptr;  // e.g. out of memory: the destructor closes it
        done += static_cast<std::size_t>(n);
    }
    // Sealed: neither this process nor anyone else can change the bytes
    // while the kernel may still be sending them.
    if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) return nullptr;
    return file;
}

memory_file::memory_file(int fd, std::size_t size) : fd_(fd), size_(size) { bytes += size; }

memory_file::~memory_file() {
    ::close(fd_);
    --files;
    bytes -= size_;
}

std::string memory_file::read() const {
    std::string out(size_, '\0');
    std::size_t done = 0;
    while (done < size_) {
        ssize_t const n = ::pread(fd_, out.data() + done, size_ - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot read back a cached answer from its memory file");
        done += static_cast<std::size_t>(n);
    }
    return out;
}

}  // namespace server
