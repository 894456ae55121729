#pragma once
// A body kept in an anonymous in-memory file (memfd), sealed against change,
// so that the connection layer can send it with sendfile(2): the kernel
// passes the file's pages to the socket instead of copying the bytes from
// the process, as nginx does for static files. Used for large cached
// answers; each one holds a descriptor until it is dropped, so how many may
// exist at once is bounded (see copy_of).

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace server {

class memory_file {
public:
    // The bytes in a new sealed memory file, or nullptr when none can be
    // made (no memfd support, out of descriptors, or `limit` files are
    // already open): the caller keeps the bytes as they were.
    static std::shared_ptr<memory_file const> copy_of(std::string_view bytes);

    // How many are open, and their bytes. At most a quarter of the
    // descriptor limit are, so that connections keep the rest.
    static std::size_t open_files();
    static std::size_t open_bytes();

    ~memory_file();
    memory_file(memory_file const&) = delete;
    memory_file& operator=(memory_file const&) = delete;

    int fd() const { return fd_; }
    std::size_t size() const { return size_; }
    std::string read() const;  // the bytes back, for what needs them in memory (gzip)

private:
    memory_file(int fd, std::size_t size);
    int fd_;
    std::size_t size_;
};

}  // namespace server
