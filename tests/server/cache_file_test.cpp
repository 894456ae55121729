// Cache files on their own: the bytes come back as they went in, a file in a
// folder has no name there (nothing is left behind, nothing else can open
// it), an in-memory file is sealed against writes, and a folder that cannot
// hold them is refused with a message naming it.
#include "server/cache_file.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

// Restores the default place after each test (the setting is process-wide).
class cache_file : public ::testing::Test {
protected:
    void TearDown() override {
        try {
            server::cache_file::use(server::cache_file::default_folder());
        } catch (std::exception const& e) {  // a $TMPDIR without O_TMPFILE: memory, as `serve` would
            server::cache_file::use(std::string(server::cache_file::memory));
        }
    }
};

std::string some_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 2654435761u) >> 13);
    return s;
}

std::string link_of(int fd) {
    std::error_code ec;
    return fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
}

TEST_F(cache_file, a_file_in_a_folder_gives_its_bytes_back_and_leaves_no_name_there) {
    test::scratch_dir dir;
    server::cache_file::use(dir.path().string());
    EXPECT_EQ(server::cache_file::where(), dir.path().string());
    std::string const bytes = some_bytes(300'000);
    std::size_t const files_before = server::cache_file::open_files();
    {
        auto const file = server::cache_file::copy_of(bytes);
        ASSERT_NE(file, nullptr);
        EXPECT_EQ(file->size(), bytes.size());
        EXPECT_EQ(file->read(), bytes);
        EXPECT_EQ(server::cache_file::open_files(), files_before + 1);
        EXPECT_TRUE(fs::is_empty(dir.path())) << "the cache file has a name in its folder";
        std::string const target = link_of(file->fd());
        EXPECT_EQ(target.rfind(dir.path().string(), 0), 0u) << target << " is not in the folder asked for";
        EXPECT_NE(target.find("(deleted)"), std::string::npos) << target << " has a name";
    }
    EXPECT_EQ(server::cache_file::open_files(), files_before) << "dropping the file did not close it";
}

TEST_F(cache_file, an_in_memory_file_gives_its_bytes_back_and_cannot_be_written) {
    server::cache_file::use(std::string(server::cache_file::memory));
    std::string const bytes = some_bytes(100'000);
    auto const file = server::cache_file::copy_of(bytes);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->read(), bytes);
    EXPECT_EQ(link_of(file->fd()).rfind("/memfd:", 0), 0u) << link_of(file->fd());
    int const seals = ::fcntl(file->fd(), F_GET_SEALS);
    EXPECT_TRUE(seals & F_SEAL_WRITE) << "seals " << seals;
    EXPECT_LT(::pwrite(file->fd(), "x", 1, 0), 0) << "a sealed file took a write";
}

TEST_F(cache_file, a_folder_that_cannot_hold_them_is_refused_by_name) {
    test::scratch_dir dir;
    std::string const missing = (dir.path() / "no such folder").string();
    server::cache_file::use(dir.path().string());
    try {
        server::cache_file::use(missing);
        FAIL() << "a missing folder was accepted";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
    EXPECT_EQ(server::cache_file::where(), dir.path().string()) << "a refused folder replaced the one in use";
}

}  // namespace
