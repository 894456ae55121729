// Accept-Encoding as RFC 9110 section 12.5.3 reads it: codings in any case
// and spacing, q=0 refuses, * stands for any coding not named.
#include "server/compression.hpp"

#include <gtest/gtest.h>

namespace {

TEST(accepts_gzip, reads_the_codings_a_client_lists) {
    for (char const* yes : {"gzip", "GZIP", "gzip, deflate, br, zstd", "deflate, gzip;q=0.5", " gzip ;q=0.001", "*", "br, *;q=0.1",
                            "gzip;q=1.0", "gzip; Q = 1", "gzip;level=9"})
        EXPECT_TRUE(server::accepts_gzip(yes)) << yes;
    for (char const* no : {"", "identity", "br", "x-gzip", "gzipx", "gzip;q=0", "gzip; q=0.000", "*;q=0", "deflate, br;q=0.5", ","})
        EXPECT_FALSE(server::accepts_gzip(no)) << no;
}

}  // namespace
