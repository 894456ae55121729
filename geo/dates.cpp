#include "geo/dates.hpp"
#include "geo/text_search.hpp"

#include <ctime>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <vector>

namespace geo {

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_ymd(int y, int m, int d) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

int month_from_name(std::string_view s) {
    static constexpr std::array<std::string_view, 12> names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
    if (s.size() < 3) return 0;
    std::string lower;
    for (char c : s.substr(0, 3)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < names.size(); ++i)
        if (lower == names[i]) return static_cast<int>(i) + 1;
    return 0;
}

struct token {
    std::string_view text;
    bool numeric;
};

std::optional<std::string> format(int y, int m, int d) {
    if (!valid_ymd(y, m, d)) return std::nullopt;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return std::string(buf);
}

int to_int(std::string_view s) {
    int v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}
}  // namespace

std::optional<std::string> parse_date(std::string_view text) {
    // Split on the usual separators; anything else (':' of a time, letters
    // glued to digits) makes the text unreadable as a date.
    std::vector<token> parts;
    std::size_t i = 0;
    while (i < text.size()) {
        char const c = text[i];
        if (c == '/' || c == '-' || c == '.' || c == ' ') {
            ++i;
            continue;
        }
        std::size_t j = i;
        bool const digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
        while (j < text.size() && text[j] != '/' && text[j] != '-' && text[j] != '.' && text[j] != ' ') {
            bool const d = std::isdigit(static_cast<unsigned char>(text[j])) != 0;
            bool const a = std::isalpha(static_cast<unsigned char>(text[j])) != 0;
            if ((digit && !d) || (!digit && !a)) return std::nullopt;
            ++j;
        }
        parts.push_back({text.substr(i, j - i), digit});
        i = j;
    }
    // An optional leading word such as "Updated:" is not supported: keep strict.
    if (parts.size() != 3) return std::nullopt;
    auto const& a = parts[0];
    auto const& b = parts[1];
    auto const& c = parts[2];
    auto year = [](token const& t) {
        int v = to_int(t.text);
        if (t.text.size() == 2) v += v < 70 ? 2000 : 1900;
        return (t.text.size() == 2 || t.text.size() == 4) ? v : -1;
    };
    if (a.numeric && b.numeric && c.numeric) {
        if (a.text.size() == 4) return format(to_int(a.text), to_int(b.text), to_int(c.text));  // y/m/d
        if (a.text.size() <= 2 && b.text.size() <= 2) return format(year(c), to_int(b.text), to_int(a.text));  // d/m/y
        return std::nullopt;
    }
    if (a.numeric && !b.numeric && c.numeric && a.text.size() <= 2) {  // 19/Nov/2012, 10-Jan-13
        int const m = month_from_name(b.text);
        return m ? format(year(c), m, to_int(a.text)) : std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> earliest_date_in(std::string_view text) {
    auto const digit = [&](std::size_t i) {
        return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
    };
    auto const separator = [&](std::size_t i) {
        return i < text.size() && (text[i] == '.' || text[i] == '/' || text[i] == '-' || text[i] == '_');
    };
    // A run of 1 to `most` digits at i (not more), or 0.
    auto const run = [&](std::size_t i, std::size_t most) {
        std::size_t n = 0;
        while (digit(i + n)) ++n;
        return n <= most ? n : 0;
    };
    std::optional<std::string> earliest;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!digit(i) || (i > 0 && digit(i - 1))) continue;  // the start of a run of digits
        std::optional<std::string> found;
        if (std::size_t const a = run(i, 4); a == 4 && separator(i + 4)) {  // yyyy-mm-dd
            std::size_t const m = i + 5, mn = run(m, 2);
            if (mn && separator(m + mn)) {
                std::size_t const d = m + mn + 1, dn = run(d, 2);
                if (dn)
                    found = format(to_int(text.substr(i, 4)), to_int(text.substr(m, mn)), to_int(text.substr(d, dn)));
            }
        } else if (a >= 1 && a <= 2 && separator(i + a)) {  // d.m.yyyy
            std::size_t const m = i + a + 1, mn = run(m, 2);
            if (mn && separator(m + mn)) {
                std::size_t const y = m + mn + 1;
                if (run(y, 4) == 4)
                    found = format(to_int(text.substr(y, 4)), to_int(text.substr(m, mn)), to_int(text.substr(i, a)));
            }
        }
        if (found && (!earliest || *found < *earliest)) earliest = found;
    }
    return earliest;
}

std::optional<term> parse_term(std::string_view text, bool& unreadable) {
    unreadable = false;
    if (says_no_value(text)) return std::nullopt;
    term t;
    std::size_t i = 0;
    auto const skip_spaces = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    bool any = false;
    for (skip_spaces(); i < text.size(); skip_spaces()) {
        std::size_t j = i;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
        if (j == i || j - i > 4) return unreadable = true, std::nullopt;
        int const n = to_int(text.substr(i, j - i));
        i = j;
        skip_spaces();
        std::size_t k = i;
        while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
        std::string unit;
        for (char c : text.substr(i, k - i)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        i = k;
        if (unit.empty() || unit == "year" || unit == "years" || unit == "yr" || unit == "yrs") {
            t.years += n;
        } else if (unit == "month" || unit == "months") {
            t.months += n;
        } else {
            return unreadable = true, std::nullopt;
        }
        any = true;
        if (unit.empty()) break;  // a bare number is the whole term
    }
    skip_spaces();
    if (i < text.size()) return unreadable = true, std::nullopt;
    if (!any || (t.years == 0 && t.months == 0)) return std::nullopt;
    return t;
}

std::string add_term(std::string_view date, term t) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int const months = to_int(date.substr(0, 4)) * 12 + (to_int(date.substr(5, 2)) - 1) + t.years * 12 + t.months;
    int const y = months / 12, m = months % 12 + 1;
    int const last = days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap(y) ? 1 : 0);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, std::min(to_int(date.substr(8, 2)), last));
    return buf;
}

std::string utc_now_iso() {
    std::time_t const t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace geo
