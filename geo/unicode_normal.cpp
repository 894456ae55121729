#include "geo/unicode_normal.hpp"

#include "geo/utf8.hpp"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace geo {

namespace {

// Code points of valid UTF-8 (the caller checked it).
std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t const n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

bool khmer(char32_t c) { return c >= 0x1780 && c <= 0x17FF; }
bool khmer_base(char32_t c) { return c >= 0x1780 && c <= 0x17B3; }  // consonants and independent vowels
constexpr char32_t coeng = 0x17D2, ro = 0x179A;

// The place of a mark after its base; 0: not a mark (a new cluster starts).
int mark_rank(char32_t c, char32_t next) {
    if (c == 0x17CC) return 1;                               // ROBAT
    if (c == coeng) return next == ro ? 3 : 2;               // a subscript (with the consonant after it)
    if (c == 0x17C9 || c == 0x17CA) return 4;                // register shifters
    if (c >= 0x17B6 && c <= 0x17C5) return 5;                // dependent vowels
    if (c == 0x17C6 || c == 0x17CB || (c >= 0x17CD && c <= 0x17D1) || c == 0x17D3 || c == 0x17DD) return 6;  // signs above
    if (c == 0x17C7 || c == 0x17C8) return 7;                // final signs
    return 0;
}

bool zero_width(char32_t c) { return c >= 0x200B && c <= 0x200D; }

}  // namespace

std::string khmer_normal(std::string_view utf8) {
    if (is_ascii(utf8) || !is_valid_utf8(utf8)) return std::string(utf8);
    std::vector<char32_t> in = code_points(utf8);
    if (std::none_of(in.begin(), in.end(), khmer)) return std::string(utf8);

    // Spellings first: deprecated vowels, invisible ones, zero widths beside Khmer.
    std::vector<char32_t> cps;
    cps.reserve(in.size() + 4);
    for (std::size_t i = 0; i < in.size(); ++i) {
        char32_t const c = in[i];
        if (c == 0x17B4 || c == 0x17B5) continue;
        if (zero_width(c) && ((i > 0 && khmer(in[i - 1])) || (i + 1 < in.size() && khmer(in[i + 1])))) continue;
        if (c == 0x17A3) {
            cps.push_back(0x17A2);
        } else if (c == 0x17A4) {
            cps.push_back(0x17A2);
            cps.push_back(0x17B6);
        } else {
            cps.push_back(c);
        }
    }

    // Each base's marks in rank order: a subscript moves with its consonant.
    struct unit {
        int rank;
        std::size_t from, size;
    };
    std::vector<char32_t> out;
    out.reserve(cps.size());
    std::vector<unit> marks;
    for (std::size_t i = 0; i < cps.size();) {
        out.push_back(cps[i]);
        if (!khmer_base(cps[i++])) continue;
        marks.clear();
        while (i < cps.size()) {
            char32_t const next = i + 1 < cps.size() ? cps[i + 1] : 0;
            int const rank = mark_rank(cps[i], next);
            if (rank == 0) break;
            std::size_t const size = cps[i] == coeng && next != 0 && khmer_base(next) ? 2 : 1;
            marks.push_back({rank, i, size});
            i += size;
        }
        std::stable_sort(marks.begin(), marks.end(), [](unit const& a, unit const& b) { return a.rank < b.rank; });
        for (auto const& m : marks) out.insert(out.end(), cps.begin() + static_cast<std::ptrdiff_t>(m.from),
                                               cps.begin() + static_cast<std::ptrdiff_t>(m.from + m.size));
    }

    // Split vowels as one.
    std::string text;
    text.reserve(utf8.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == 0x17C1 && i + 1 < out.size() && (out[i + 1] == 0x17B8 || out[i + 1] == 0x17B6)) {
            append_utf8(text, out[i + 1] == 0x17B8 ? 0x17BE : 0x17C4);
            ++i;
            continue;
        }
        append_utf8(text, static_cast<std::uint32_t>(out[i]));
    }
    return text;
}

std::string normalize_text(std::string_view utf8) {
    if (is_ascii(utf8) || !is_valid_utf8(utf8)) return std::string(utf8);
    UErrorCode status = U_ZERO_ERROR;
    UNormalizer2 const* nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return khmer_normal(utf8);
    // UTF-8 -> UTF-16 -> NFC -> UTF-8 (ICU's C API normalises UTF-16).
    std::vector<UChar> wide(utf8.size() + 1);
    int32_t wide_length = 0;
    u_strFromUTF8(wide.data(), static_cast<int32_t>(wide.size()), &wide_length, utf8.data(), static_cast<int32_t>(utf8.size()), &status);
    if (U_FAILURE(status)) return khmer_normal(utf8);
    std::vector<UChar> composed(static_cast<std::size_t>(wide_length) * 3 + 4);
    int32_t const composed_length = unorm2_normalize(nfc, wide.data(), wide_length, composed.data(),
                                                     static_cast<int32_t>(composed.size()), &status);
    if (U_FAILURE(status)) return khmer_normal(utf8);
    std::string back(static_cast<std::size_t>(composed_length) * 3 + 4, '\0');
    int32_t back_length = 0;
    u_strToUTF8(back.data(), static_cast<int32_t>(back.size()), &back_length, composed.data(), composed_length, &status);
    if (U_FAILURE(status)) return khmer_normal(utf8);
    back.resize(static_cast<std::size_t>(back_length));
    return khmer_normal(back);
}

}  // namespace geo
