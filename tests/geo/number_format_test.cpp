#include "geo/feature_writer.hpp"
#include "geo/number_format.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

namespace {
// The reference: the standard library's correctly rounded fixed form, with
// trailing zeros (and a bare point) trimmed and "-0" written "0".
std::string reference(double v, int decimals) {
    char buf[64];
    auto const r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    char* end = r.ptr;
    char* dot = std::find(buf, end, '.');
    if (dot != end) {
        while (end > dot + 1 && end[-1] == '0') --end;
        if (end == dot + 1) end = dot;
    }
    std::string s(buf, end);
    return s == "-0" ? "0" : s;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    return std::string(buf, geo::write_fixed(buf, v, decimals));
}
}  // namespace

TEST(write_fixed, agrees_with_to_chars_on_a_million_lon_lat_values) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lon(-180, 180);
    std::uniform_int_distribution<int> decimals(0, 9);
    int differ = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        double const v = lon(rng);
        int const d = decimals(rng);
        if (fixed(v, d) != reference(v, d) && ++differ <= 5) ADD_FAILURE() << v << " at " << d << " decimals";
    }
    EXPECT_EQ(differ, 0);
}

// Values next to a rounding tie at their precision, and the doubles either
// side of them: where rounding the product first could decide wrongly.
TEST(write_fixed, agrees_with_to_chars_next_to_ties) {
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<long long> whole(-180'000'000'000LL, 180'000'000'000LL);
    std::uniform_int_distribution<int> decimals(0, 9);
    int differ = 0;
    for (int i = 0; i < 200'000; ++i) {
        int const d = decimals(rng);
        double const unit = std::pow(10.0, d);
        double const tie = (static_cast<double>(whole(rng) % static_cast<long long>(180 * unit)) + 0.5) / unit;
        for (double v : {std::nextafter(tie, -1e9), tie, std::nextafter(tie, 1e9)})
            if (fixed(v, d) != reference(v, d) && ++differ <= 5) ADD_FAILURE() << std::hexfloat << v << " at " << d << " decimals";
    }
    EXPECT_EQ(differ, 0);
}

TEST(write_fixed, edge_values) {
    EXPECT_EQ(fixed(0.0, 9), "0");
    EXPECT_EQ(fixed(-0.0, 9), "0");
    EXPECT_EQ(fixed(-4e-10, 9), "0");
    EXPECT_EQ(fixed(6e-10, 9), "0.000000001");
    EXPECT_EQ(fixed(-6e-10, 9), "-0.000000001");
    EXPECT_EQ(fixed(104.5, 9), "104.5");
    EXPECT_EQ(fixed(-104.25, 3), "-104.25");
    EXPECT_EQ(fixed(12.0, 6), "12");
    EXPECT_EQ(fixed(0.99999999996, 9), "1");
    EXPECT_EQ(fixed(-179.9999999996, 9), "-180");
    EXPECT_EQ(fixed(11.123456789, 4), "11.1235");
    // A product that rounds onto .5 is not a tie; true ties go to even.
    EXPECT_EQ(fixed(85.673987157499994, 9), "85.673987157");
    EXPECT_EQ(fixed(0.5, 0), "0");
    EXPECT_EQ(fixed(1.5, 0), "2");
    EXPECT_EQ(fixed(-2.5, 0), "-2");
    EXPECT_EQ(fixed(104.125, 2), "104.12");
    EXPECT_EQ(fixed(104.375, 2), "104.38");
    // Outside the fast range: the shortest form, still a JSON number.
    EXPECT_EQ(fixed(2.5e7, 9), "2.5e+07");
    EXPECT_EQ(fixed(1e300, 9), "1e+300");
}

TEST(append_points, pairs_in_brackets) {
    std::string out;
    geo::append_points(out, {{104.5, 11.25}, {-0.0, 1e-12}}, 9);
    EXPECT_EQ(out, "[[104.5,11.25],[0,0]]");
    out.clear();
    geo::append_points(out, {}, 6);
    EXPECT_EQ(out, "[]");
}
