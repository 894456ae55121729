// Accept-Encoding as RFC 9110 section 12.5.3 reads it: codings in any case
// and spacing, q=0 refuses, * stands for any coding not named (so a named
// gzip decides, wherever it stands).
#include "server/compression.hpp"

#include <gtest/gtest.h>

namespace {

TEST(accepts_gzip, reads_the_codings_a_client_lists) {
    // What browsers, curl --compressed and wrk (none) send.
    for (char const* yes : {"gzip", "GZIP", "gzip, deflate", "gzip, deflate, br", "gzip, deflate, br, zstd", "deflate, gzip;q=0.5",
                            " gzip ;q=0.001", "*", "br, *;q=0.1", "gzip;q=1.0", "gzip; Q = 1", "gzip;level=9", "*;q=0, gzip",
                            "br;q=0, gzip"})
        EXPECT_TRUE(server::accepts_gzip(yes)) << yes;
    for (char const* no : {"", "identity", "br", "x-gzip", "gzipx", "gzip;q=0", "gzip; q=0.000", "*;q=0", "deflate, br;q=0.5", ",",
                           "*, gzip;q=0", "gzip;q=0, *"})
        EXPECT_FALSE(server::accepts_gzip(no)) << no;
}

TEST(compressible, text_and_json_types_but_not_tiles_or_archives) {
    for (char const* yes : {"application/json", "application/geo+json", "text/html; charset=utf-8", "text/csv; charset=utf-8",
                            "application/javascript", "application/vnd.google-earth.kml+xml"})
        EXPECT_TRUE(server::compressible(yes)) << yes;
    for (char const* no : {"application/vnd.mapbox-vector-tile", "application/zip", "application/geopackage+sqlite3", "image/png", ""})
        EXPECT_FALSE(server::compressible(no)) << no;
}

}  // namespace
