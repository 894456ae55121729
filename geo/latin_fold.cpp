#include "geo/latin_fold.hpp"

#include "geo/unicode_normal.hpp"
#include "geo/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace geo {

namespace {

// The Latin letters beyond ASCII (Latin-1, Latin Extended-A and -B, and
// Vietnamese's Latin Extended Additional): each one's lower case and its
// letter without accents, from Unicode (scripts/latin_fold_table.py).
struct latin_letter {
    char32_t code, lower;
    char plain;  // '\0': none (Æ, Ð, Þ)
};
constexpr latin_letter latin_letters[] = {
#include "geo/latin_fold_table.inc"
};

latin_letter const* latin_letter_of(char32_t cp) {
    auto const it = std::lower_bound(std::begin(latin_letters), std::end(latin_letters), cp,
                                     [](latin_letter const& l, char32_t c) { return l.code < c; });
    return it != std::end(latin_letters) && it->code == cp ? it : nullptr;
}

// Each character of s through `each` (ASCII bytes as they are, a 2- or
// 3-byte Latin letter as its code point), or copied when `each` returns false.
template <typename Each>
std::string map_latin(std::string_view s, Each&& each) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t n = 1;
        char32_t cp = c;
        if (c >= 0xC3 && c <= 0xC9 && i + 1 < s.size()) {  // U+00C0..U+027F
            n = 2;
            cp = static_cast<char32_t>(((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F));
        } else if (c == 0xE1 && i + 2 < s.size() &&
                   (static_cast<unsigned char>(s[i + 1]) & 0xFC) == 0xB8) {  // U+1E00..U+1EFF
            n = 3;
            cp = static_cast<char32_t>(0x1000 | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                                       (static_cast<unsigned char>(s[i + 2]) & 0x3F));
        }
        if (c >= 0x80 && n == 1) {  // another script's character (Khmer...): as it is, whole
            n = std::min(s.size() - i, c < 0xE0 ? std::size_t{2} : c < 0xF0 ? std::size_t{3} : std::size_t{4});
            out.append(s.data() + i, n);
        } else if (!each(out, cp)) {
            out.append(s.data() + i, n);
        }
        i += n;
    }
    return out;
}

}  // namespace

std::string fold_case(std::string_view s) {
    std::string const normal = is_ascii(s) ? std::string() : normalize_text(s);
    return map_latin(normal.empty() ? s : std::string_view(normal), [](std::string& out, char32_t cp) {
        if (cp >= 'A' && cp <= 'Z') {
            out += static_cast<char>(cp + 32);
            return true;
        }
        if (cp < 0x80) return false;
        auto const* l = latin_letter_of(cp);
        if (!l || l->lower == cp) return false;
        append_utf8(out, static_cast<std::uint32_t>(l->lower));
        return true;
    });
}

std::string fold_accents(std::string_view s) {
    if (is_ascii(s)) return std::string(s);  // no accent to fold
    std::string folded = map_latin(normalize_text(s), [](std::string& out, char32_t cp) {
        if (cp < 0x80) return false;
        auto const* l = latin_letter_of(cp);
        if (!l || !l->plain) return false;
        out += l->plain;
        return true;
    });
    // Accents NFC could not compose with their letter (combining marks,
    // U+0300..U+036F: CC 80 .. CD AF in UTF-8) go too.
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size(); ++i) {
        auto const c = static_cast<unsigned char>(folded[i]);
        auto const d = i + 1 < folded.size() ? static_cast<unsigned char>(folded[i + 1]) : 0;
        if ((c == 0xCC && d >= 0x80 && d <= 0xBF) || (c == 0xCD && d >= 0x80 && d <= 0xAF)) {
            ++i;
            continue;
        }
        out += folded[i];
    }
    return out;
}

}  // namespace geo
