#pragma once
// A cached body kept in a file of its own, unnamed and open only here, so
// that the connection layer can send it with sendfile(2): the kernel passes
// the file's pages to the socket instead of copying the bytes out of the
// process, as nginx does for static files. Used for large cached answers.
//
// Where the files live (cache_file::use):
//   - by default an unnamed file (O_TMPFILE | O_EXCL: it can never be given
//     a name) in the temporary folder. Its pages sit in the kernel's page
//     cache as nginx's files do, and on a disk file system the page cache
//     holds them as large folios, which sendfile passes on many pages at a
//     time (measured: ~8 us less server CPU per 300 KB tile than from a
//     memfd, whose pages go one by one). The costs of a disk file: its bytes
//     take disk space that `du` does not show (up to --cache-mb plus
//     --tile-cache-mb), they are written back to disk in the background,
//     and if memory runs short the kernel drops the pages and sendfile
//     reads them back from disk on a serving thread. Gone when the last
//     reference closes, also after a crash.
//   - or an anonymous memfd ("memory"), sealed against change: nothing
//     touches the disk (though, like any memory, it may be swapped out).
// Each file holds a descriptor until it is dropped, so how many may exist at
// once is bounded (see copy_of).

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace server {

class cache_file {
public:
    static constexpr std::string_view memory = "memory";  // use(memory): memfds

    // Where new files go: a folder, or `memory` for memfds. Tries one file
    // there and throws a std::runtime_error saying why when it cannot be
    // made. Not thread-safe, as are disable() and where(): called before
    // serving starts.
    static void use(std::string const& where);
    // No files at all: large answers stay in the process.
    static void disable();
    // The folder used when none is given: $TMPDIR, else /tmp.
    static std::string default_folder();
    // What use() was given (a folder or `memory`), or "" after disable().
    static std::string const& where();

    // The bytes in a new file, or nullptr when none can be made (out of
    // descriptors, `limit` files already open, or disabled): the caller
    // keeps the bytes as they were. A file in a folder that cannot be made
    // or written (the folder went away, its disk is full) is made in memory;
    // past a file size limit (EFBIG) none is made. stderr says when either
    // begins, and when files are made where they were told again.
    static std::shared_ptr<cache_file const> copy_of(std::string_view bytes);

    // How many are open, and their bytes. At most a quarter of the
    // descriptor limit are, so that connections keep the rest.
    static std::size_t open_files();
    static std::size_t open_bytes();

    ~cache_file();
    cache_file(cache_file const&) = delete;
    cache_file& operator=(cache_file const&) = delete;

    int fd() const { return fd_; }
    std::size_t size() const { return size_; }
    std::string read() const;  // the bytes back, for what needs them in memory (gzip)

private:
    cache_file(int fd, std::size_t size);
    int fd_;
    std::size_t size_;
};

}  // namespace server
