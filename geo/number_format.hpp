#pragma once
// Fast fixed-point text for coordinates, the bulk of every GeoJSON answer.

#include <charconv>
#include <cmath>

namespace geo {

namespace detail {
inline constexpr double decimal_scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
inline constexpr unsigned long long decimal_unit[] = {1ull,      10ull,      100ull,      1000ull,      10000ull,
                                                      100000ull, 1000000ull, 10000000ull, 100000000ull, 1000000000ull};
}  // namespace detail

// v * 10^decimals rounded to the nearest integer, ties to even, exactly as
// std::to_chars rounds: the product is rounded once, and fma recovers
// v * scale - n exactly enough to correct a product that landed on .5.
// For |v| < 1e6 and decimals 0..9.
inline long long scaled_round(double v, int decimals) {
    double const scale = detail::decimal_scale[decimals];
    long long n = std::llround(v * scale);
    double const rest = std::fma(v, scale, -static_cast<double>(n));
    if (rest > 0.5 || (rest == 0.5 && (n & 1)))
        ++n;
    else if (rest < -0.5 || (rest == -0.5 && (n & 1)))
        --n;
    return n;
}

// Writes n / 10^decimals with trailing zeros trimmed ("104.5", "0", never
// "-0"); returns the end. p needs 24 chars.
inline char* write_scaled(char* p, long long n, int decimals) {
    if (n == 0) {
        *p++ = '0';
        return p;
    }
    unsigned long long const u = n < 0 ? static_cast<unsigned long long>(-n) : static_cast<unsigned long long>(n);
    if (n < 0) *p++ = '-';
    unsigned long long whole = u / detail::decimal_unit[decimals];
    unsigned long long frac = u % detail::decimal_unit[decimals];
    char digits[24];
    int k = 0;
    do {
        digits[k++] = static_cast<char>('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (k) *p++ = digits[--k];
    if (frac) {
        int width = decimals;
        while (frac % 10 == 0) {
            frac /= 10;
            --width;
        }
        *p++ = '.';
        for (int i = width - 1; i >= 0; --i) {
            p[i] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        p += width;
    }
    return p;
}

// Writes v with at most `decimals` (0..9) decimals, trailing zeros trimmed,
// and returns the end; p needs 40 chars. For |v| < 1e6 (lon/lat) the digits
// are those of std::to_chars(fixed, decimals), at a fraction of its cost;
// larger or non-finite values take std::to_chars' shortest form.
inline char* write_fixed(char* p, double v, int decimals) {
    if (!(std::fabs(v) < 1e6) || decimals < 0 || decimals > 9) return std::to_chars(p, p + 40, v).ptr;
    return write_scaled(p, scaled_round(v, decimals), decimals);
}

}  // namespace geo
