#include "server/param_text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace server {

namespace {
// RFC 3629 section 4: the lead byte fixes the length of a sequence and the
// range its second byte must fall in (which rules out overlongs, surrogates
// and anything above U+10FFFF); later bytes are 0x80..0xBF.
struct utf8_lead {
    unsigned char first, last;  // lead bytes
    std::size_t length;
    unsigned char low, high;  // second byte
};
constexpr std::array<utf8_lead, 8> utf8_leads = {{
    {0xC2, 0xDF, 2, 0x80, 0xBF},
    {0xE0, 0xE0, 3, 0xA0, 0xBF},
    {0xE1, 0xEC, 3, 0x80, 0xBF},
    {0xED, 0xED, 3, 0x80, 0x9F},
    {0xEE, 0xEF, 3, 0x80, 0xBF},
    {0xF0, 0xF0, 4, 0x90, 0xBF},
    {0xF1, 0xF3, 4, 0x80, 0xBF},
    {0xF4, 0xF4, 4, 0x80, 0x8F},
}};

// Length of the well-formed UTF-8 sequence at the start of `s` (not empty),
// 0 when there is none.
std::size_t utf8_sequence_length(std::string_view s) {
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    if (byte(0) < 0x80) return 1;
    for (auto const& lead : utf8_leads) {
        if (byte(0) < lead.first || byte(0) > lead.last) continue;
        if (s.size() < lead.length || byte(1) < lead.low || byte(1) > lead.high) return 0;
        for (std::size_t i = 2; i < lead.length; ++i)
            if ((byte(i) & 0xC0) != 0x80) return 0;
        return lead.length;
    }
    return 0;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// Client text echoed in an error message, quoted. The description ends up
// in a JSON body, and a JSON writer may refuse invalid UTF-8 (nlohmann's
// dump() throws), so bad bytes and control characters become U+FFFD; long
// text is cut so a 400 stays short.
std::string quote_text(std::string_view text) {
    constexpr std::size_t max_shown = 80;  // bytes
    std::string out = "'";
    while (!text.empty()) {
        if (out.size() > max_shown) {
            out += "...";
            break;
        }
        std::size_t const length = utf8_sequence_length(text);
        auto const c = static_cast<unsigned char>(text[0]);
        if (length == 0 || c < 0x20 || c == 0x7f) {
            out += "\xEF\xBF\xBD";
            text.remove_prefix(1);
        } else {
            out += text.substr(0, length);
            text.remove_prefix(length);
        }
    }
    return out + "'";
}
}  // namespace server
