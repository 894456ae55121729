#pragma once
// Fast fixed-point text for coordinates, the bulk of every GeoJSON answer.

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace geo {

namespace detail {
inline constexpr double decimal_scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
inline constexpr char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
inline constexpr unsigned long long decimal_unit[] = {1ull,      10ull,      100ull,      1000ull,      10000ull,
                                                      100000ull, 1000000ull, 10000000ull, 100000000ull, 1000000000ull};
}  // namespace detail

// v * 10^decimals rounded to the nearest integer, ties to even, exactly as
// std::to_chars rounds (the exact decimal value of v). The rounded product
// gives the floor n; whether v * 10^decimals lies above or below n + 0.5 is
// read from the product when it is clearly on one side, and otherwise from
// fma(v, 10^decimals, -(n + 0.5)), whose sign is exact (10^0..10^9 are exact
// doubles, and n + 0.5 too). For |v| < 1e6 and decimals 0..9.
inline long long scaled_round(double v, int decimals) {
    double const scale = detail::decimal_scale[decimals];
    double const product = v * scale;
    long long n = static_cast<long long>(product);  // toward zero
    if (product < static_cast<double>(n)) --n;      // the floor
    double const half = static_cast<double>(n) + 0.5;
    double above = product - half;  // exact: the two are within 1
    if (std::fabs(above) <= std::fabs(product) * 0x1p-51) above = std::fma(v, scale, -half);
    if (above > 0 || (above == 0 && (n & 1))) ++n;
    return n;
}

namespace detail {
// The four digits of each number below 10,000: "0000" to "9999".
inline constexpr auto four_digits = [] {
    std::array<char, 40000> t{};
    for (int i = 0; i < 10000; ++i) {
        t[4 * i] = static_cast<char>('0' + i / 1000);
        t[4 * i + 1] = static_cast<char>('0' + i / 100 % 10);
        t[4 * i + 2] = static_cast<char>('0' + i / 10 % 10);
        t[4 * i + 3] = static_cast<char>('0' + i % 10);
    }
    return t;
}();

// Writes `whole` without leading zeros; returns the end. Longitudes and
// latitudes (below 1,000) take the first branches.
inline char* write_whole(char* p, unsigned long long whole) {
    if (whole < 10) {
        *p = static_cast<char>('0' + whole);
        return p + 1;
    }
    if (whole < 100) {
        std::memcpy(p, two_digits + 2 * whole, 2);
        return p + 2;
    }
    if (whole < 1000) {
        *p = static_cast<char>('0' + whole / 100);
        std::memcpy(p + 1, two_digits + 2 * (whole % 100), 2);
        return p + 3;
    }
    char digits[24];
    int k = 0;
    do {
        digits[k++] = static_cast<char>('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (k) *p++ = digits[--k];
    return p;
}

// Writes the Decimals digits of frac (below 10^Decimals, leading zeros
// kept) four at a time from the right; returns the end. 32-bit arithmetic:
// frac is below 10^9.
template <int Decimals>
char* write_fraction(char* p, std::uint32_t frac) {
    int i = Decimals;
    for (; i >= 4; i -= 4) {
        std::memcpy(p + i - 4, four_digits.data() + 4 * (frac % 10000), 4);
        frac /= 10000;
    }
    for (; i >= 1; --i) {
        p[i - 1] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    return p + Decimals;
}
}  // namespace detail

// Writes n / 10^Decimals with trailing zeros trimmed ("104.5", "0", never
// "-0"); returns the end. p needs 24 chars. Decimals is a template
// argument so that the divisions are by constants. Coordinates are most of
// every GeoJSON answer: the digits come from tables, four at a time.
template <int Decimals>
char* write_scaled(char* p, long long n) {
    static_assert(Decimals >= 0 && Decimals <= 9);
    constexpr unsigned long long unit = detail::decimal_unit[Decimals];
    unsigned long long const u = n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
    if (n < 0) *p++ = '-';
    p = detail::write_whole(p, u / unit);
    unsigned long long const frac = u % unit;
    if (Decimals > 0 && frac) {
        *p++ = '.';
        p = detail::write_fraction<Decimals>(p, static_cast<std::uint32_t>(frac));
        while (p[-1] == '0') --p;  // frac is not 0: a digit stays
    }
    return p;
}

// Calls fn(std::integral_constant<int, D>{}) with D = decimals (0..9; 9
// beyond): code templated on the decimals, chosen at run time.
template <typename Fn>
decltype(auto) with_decimals(int decimals, Fn&& fn) {
    switch (decimals) {
        case 0:
            return fn(std::integral_constant<int, 0>{});
        case 1:
            return fn(std::integral_constant<int, 1>{});
        case 2:
            return fn(std::integral_constant<int, 2>{});
        case 3:
            return fn(std::integral_constant<int, 3>{});
        case 4:
            return fn(std::integral_constant<int, 4>{});
        case 5:
            return fn(std::integral_constant<int, 5>{});
        case 6:
            return fn(std::integral_constant<int, 6>{});
        case 7:
            return fn(std::integral_constant<int, 7>{});
        case 8:
            return fn(std::integral_constant<int, 8>{});
        default:
            return fn(std::integral_constant<int, 9>{});
    }
}

// write_scaled with the decimals (0..9) known only at run time.
inline char* write_scaled(char* p, long long n, int decimals) {
    return with_decimals(decimals, [&](auto d) { return write_scaled<decltype(d)::value>(p, n); });
}

// Writes v with at most `decimals` (0..9) decimals, trailing zeros trimmed,
// and returns the end; p needs 40 chars. While v scaled by its decimals
// stays below 1e15 (lon/lat with 9 decimals, metres with 2) the digits are
// those of std::to_chars(fixed, decimals), at a fraction of its cost;
// larger or non-finite values take std::to_chars' shortest form.
inline char* write_fixed(char* p, double v, int decimals) {
    if (decimals < 0 || decimals > 9 || !(std::fabs(v) * detail::decimal_scale[decimals] < 1e15))
        return std::to_chars(p, p + 40, v).ptr;
    return write_scaled(p, scaled_round(v, decimals), decimals);
}

}  // namespace geo
