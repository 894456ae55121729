#include "server/request_params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace server {

namespace {

// OGC API - Features - Part 1 (OGC 17-069r4) section 7.15 defines limit,
// bbox and datetime; the rest are this API's own. Every parameter, in the
// order the "accepted:" part of an error message names them, and which
// routes take it: the filters (filter_parameters) go to every route that
// selects features, so no route lists them by hand.
struct parameter {
    std::string_view name;
    bool items = false, stats = false;  // beside the filters
};
constexpr std::array<parameter, 6> own_parameters = {{
    {"group", false, true},
    {"f", true, true},
    {"limit", true, false},
    {"offset", true, false},
    {"sortby", true, false},
    {"download", true, false},
}};
constexpr std::array<std::string_view, 5> stats_groups = {"province", "company", "purpose", "nationality", "year"};

// A route's keys, in the order its error messages have always named them:
// its first own key (f or group), bbox, the paging keys, the other filters,
// then the rest of its own keys.
std::vector<std::string_view> accepted_keys(bool parameter::*route) {
    std::vector<std::string_view> keys;
    for (auto const& p : own_parameters) {
        if (!(p.*route)) continue;
        keys.push_back(p.name);
        if (keys.size() == 1) keys.push_back(filter_parameters.front());
        if (p.name == "offset" || (keys.size() == 2 && route == &parameter::stats))
            keys.insert(keys.end(), filter_parameters.begin() + 1, filter_parameters.end());
    }
    return keys;
}

template <typename Range>
bool contains(Range const& range, std::string_view name) {
    return std::find(std::begin(range), std::end(range), name) != std::end(range);
}

template <typename Range>
std::string join(Range const& range) {
    std::string out;
    for (auto const& item : range) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

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

param_error error(std::string description) { return param_error{std::move(description)}; }

// Moves a parsed value into `into`, or passes the error on.
template <typename T, typename Into>
std::optional<param_error> assign(std::variant<T, param_error> parsed, Into& into) {
    if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
    into = std::move(std::get<T>(parsed));
    return std::nullopt;
}

// Decimal digits only: no sign, exponent, hex prefix or spaces. Saturates at
// SIZE_MAX rather than overflowing, so "offset=99999999999999999999999" is
// simply past the end.
std::optional<std::size_t> parse_count(std::string_view text) {
    if (text.empty()) return std::nullopt;
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    std::size_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        auto const digit = static_cast<std::size_t>(c - '0');
        value = value > (max - digit) / 10 ? max : value * 10 + digit;
    }
    return value;
}

std::variant<std::size_t, param_error> parse_limit(std::string_view text) {
    auto const n = parse_count(text);
    if ((n && *n < 1) || (text.starts_with('-') && parse_count(text.substr(1))))
        return error("limit must be at least 1, got " + quote_text(text));
    if (!n)
        return error("limit must be a whole number from 1 to " + std::to_string(max_limit) +
                     " (larger values are clamped), got " + quote_text(text));
    return std::min(*n, max_limit);
}

std::variant<std::size_t, param_error> parse_offset(std::string_view text) {
    if (auto const n = parse_count(text)) return *n;
    return error("offset must be a whole number, 0 or more, got " + quote_text(text));
}

std::variant<output_format, param_error> parse_format(std::string_view text) {
    if (auto const* f = find_format(text)) return f->format;
    std::vector<std::string_view> names;
    for (auto const& f : output_formats()) {
        if (!f.alias.empty()) names.push_back(f.alias);
        names.push_back(f.name);
    }
    return error("f must be one of " + join(names) + ", got " + quote_text(text));
}

std::variant<bool, param_error> parse_download(std::string_view text) {
    for (std::string_view yes : {"1", "true", "yes"})
        if (iequals(text, yes)) return true;
    for (std::string_view no : {"0", "false", "no"})
        if (iequals(text, no)) return false;
    return error("download must be 1, true, yes, 0, false or no, got " + quote_text(text));
}

std::variant<std::string, param_error> parse_group(std::string_view text) {
    for (std::string_view group : stats_groups)
        if (iequals(text, group)) return std::string(group);
    return error("group must be one of " + join(stats_groups) + ", got " + quote_text(text));
}

// The filters items, tiles and stats share: bbox, province, q, datetime and
// queryable properties.
std::optional<param_error> take_filter(std::string const& key, std::string const& value, bool is_property,
                                       feature_filters& filters) {
    if (is_property) {
        filters.properties.emplace_back(key, value);
    } else if (key == "bbox") {
        return assign(parse_bbox(value), filters.bbox);
    } else if (key == "province") {
        filters.province = value;
    } else if (key == "q") {
        filters.q = value;
    } else if (key == "datetime") {
        auto parsed = parse_datetime(value);
        if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
        auto& [from, to] = std::get<0>(parsed);
        filters.date_from = std::move(from);
        filters.date_to = std::move(to);
    }
    return std::nullopt;
}

// Walks the query once, refusing unknown keys, repeated keys and fixed keys
// with an empty value, and hands every other pair to
// take(key, value, is_property). A fixed key wins over a queryable of the
// same name. Returns the first error.
template <typename Take>
std::optional<param_error> walk_query(query_list const& query, std::vector<std::string_view> const& fixed,
                                      std::vector<std::string> const& queryables, Take take) {
    std::vector<std::string_view> seen;
    for (auto const& [key, value] : query) {
        bool const is_fixed = contains(fixed, key);
        bool const is_property = !is_fixed && contains(queryables, key);
        if (!is_fixed && !is_property) {
            std::vector<std::string_view> accepted(fixed.begin(), fixed.end());
            for (auto const& name : queryables)
                if (!contains(fixed, name)) accepted.push_back(name);
            return error("unknown parameter " + quote_text(key) + "; accepted: " + join(accepted));
        }
        if (contains(seen, key)) return error("parameter " + quote_text(key) + " given more than once");
        seen.push_back(key);
        if (is_fixed && value.empty()) return error("parameter " + quote_text(key) + " needs a value");
        if (auto e = take(key, value, is_property)) return e;
    }
    return std::nullopt;
}

bool valid_date(int year, int month, int day) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool const leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1) return false;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

// Reads `count` digits at `pos` as a number, -1 when they are not all digits.
int digits_at(std::string_view s, std::size_t pos, std::size_t count) {
    if (pos + count > s.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

// RFC 3339 section 5.6 partial-time and time-offset: "10:00:00Z",
// "10:00:00.5+07:00". A '+' sent unescaped arrives as a space, so a space
// is read as '+'.
bool valid_time(std::string_view t) {
    int const hour = digits_at(t, 0, 2), minute = digits_at(t, 3, 2), second = digits_at(t, 6, 2);
    if (t.size() < 8 || t[2] != ':' || t[5] != ':' || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 60)  // 60: a leap second
        return false;
    t.remove_prefix(8);
    if (t.starts_with('.')) {
        std::size_t digits = 1;
        while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
        if (digits == 1) return false;
        t.remove_prefix(digits);
    }
    if (t == "Z" || t == "z") return true;
    int const offset_hour = digits_at(t, 1, 2), offset_minute = digits_at(t, 4, 2);
    return t.size() == 6 && (t[0] == '+' || t[0] == '-' || t[0] == ' ') && t[3] == ':' && offset_hour >= 0 &&
           offset_hour <= 23 && offset_minute >= 0 && offset_minute <= 59;
}

// An RFC 3339 full-date or date-time; only the date is kept, since contract
// dates have no time of day.
std::optional<std::string> parse_instant(std::string_view text) {
    int const year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || year < 0 || !valid_date(year, month, day))
        return std::nullopt;
    std::string_view const rest = text.substr(10);
    if (!rest.empty() && !((rest[0] == 'T' || rest[0] == 't') && valid_time(rest.substr(1)))) return std::nullopt;
    return std::string(text.substr(0, 10));
}

constexpr std::string_view datetime_forms =
    "a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or an interval start/end "
    "with '..' for an open end";

}  // namespace

std::variant<std::array<double, 4>, param_error> parse_bbox(std::string_view text) {
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0;;) {
        std::size_t const comma = text.find(',', start);
        tokens.push_back(trim_spaces(text.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    // OGC 17-069r4 section 7.15.3: 4 numbers, or 6 with heights.
    if (tokens.size() != 4 && tokens.size() != 6)
        return error("bbox needs 4 numbers: minLon,minLat,maxLon,maxLat (got " + std::to_string(tokens.size()) + ")");
    bool const with_heights = tokens.size() == 6;
    constexpr std::array<std::string_view, 4> flat_names = {"minLon", "minLat", "maxLon", "maxLat"};
    constexpr std::array<std::string_view, 6> names_3d = {"minLon", "minLat", "minHeight",
                                                          "maxLon", "maxLat", "maxHeight"};
    std::array<double, 6> numbers{};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::string_view const token = tokens[i];
        std::string_view const name = with_heights ? names_3d[i] : flat_names[i];
        auto const [end, ec] = std::from_chars(token.data(), token.data() + token.size(), numbers[i]);
        if (token.empty() || ec != std::errc{} || end != token.data() + token.size() || !std::isfinite(numbers[i]))
            return error("bbox " + std::string(name) + " " + quote_text(token) + " is not a finite number");
    }
    // A flat map ignores the heights of a 3-D box.
    using four_indices = std::array<std::size_t, 4>;
    four_indices const at = with_heights ? four_indices{0, 1, 3, 4} : four_indices{0, 1, 2, 3};
    std::array<double, 4> box{};
    for (std::size_t i = 0; i < 4; ++i) {
        box[i] = numbers[at[i]];
        double const bound = i % 2 == 0 ? 180.0 : 90.0;
        if (box[i] < -bound || box[i] > bound)
            return error("bbox " + std::string(flat_names[i]) + " " + quote_text(tokens[at[i]]) + " is outside -" +
                         std::to_string(static_cast<int>(bound)) + ".." + std::to_string(static_cast<int>(bound)));
    }
    // No antimeridian-crossing boxes: Cambodia is nowhere near it, so min > max
    // is a mistake, not a wrap.
    if (box[0] > box[2])
        return error("bbox minLon " + quote_text(tokens[at[0]]) + " is greater than maxLon " + quote_text(tokens[at[2]]));
    if (box[1] > box[3])
        return error("bbox minLat " + quote_text(tokens[at[1]]) + " is greater than maxLat " + quote_text(tokens[at[3]]));
    return box;
}

std::variant<std::pair<std::optional<std::string>, std::optional<std::string>>, param_error> parse_datetime(
    std::string_view text) {
    // OGC 17-069r4 section 7.15.4.
    std::size_t const slash = text.find('/');
    if (slash == std::string_view::npos) {
        auto instant = parse_instant(text);
        if (!instant) return error("datetime " + quote_text(text) + " is not " + std::string(datetime_forms));
        return std::pair{instant, instant};
    }
    if (text.find('/', slash + 1) != std::string_view::npos)
        return error("datetime " + quote_text(text) + " has more than one '/'; expected " + std::string(datetime_forms));

    std::array<std::optional<std::string>, 2> ends;
    std::array<std::string_view, 2> const texts = {text.substr(0, slash), text.substr(slash + 1)};
    for (std::size_t i = 0; i < 2; ++i) {
        if (texts[i].empty() || texts[i] == "..") continue;  // open
        ends[i] = parse_instant(texts[i]);
        if (!ends[i])
            return error(std::string("datetime ") + (i == 0 ? "start " : "end ") + quote_text(texts[i]) +
                         " is not a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or '..'");
    }
    // "YYYY-MM-DD" compares as text in calendar order.
    if (ends[0] && ends[1] && *ends[0] > *ends[1])
        return error("datetime interval starts (" + *ends[0] + ") after it ends (" + *ends[1] + ")");
    return std::pair{std::move(ends[0]), std::move(ends[1])};
}

std::variant<std::vector<sort_key>, param_error> parse_sortby(std::string_view text,
                                                              std::vector<std::string> const& queryables) {
    std::vector<sort_key> keys;
    for (std::size_t start = 0;;) {
        std::size_t const comma = text.find(',', start);
        // A '+' sent unescaped arrives as a space: " name" is "+name".
        std::string_view field = trim_spaces(text.substr(start, comma - start));
        bool descending = false;
        if (field.starts_with('+') || field.starts_with('-')) {
            descending = field.front() == '-';
            field.remove_prefix(1);
        }
        if (field.empty()) return error("sortby has an empty key; expected e.g. sortby=-area_ha,name");
        if (!contains(queryables, field))
            return error("sortby field " + quote_text(field) + " is not queryable; queryables: " +
                         (queryables.empty() ? std::string("(none)") : join(queryables)));
        if (std::any_of(keys.begin(), keys.end(), [&](sort_key const& k) { return k.field == field; }))
            return error("sortby field " + quote_text(field) + " given more than once");
        keys.push_back(sort_key{std::string(field), descending});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return keys;
}

std::variant<items_params, param_error> parse_items_params(query_list const& query,
                                                           std::vector<std::string> const& queryables) {
    items_params params;
    auto const failed = walk_query(
        query, accepted_keys(&parameter::items), queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key)) return take_filter(key, value, is_property, params.filters);
            if (key == "f") return assign(parse_format(value), params.format);
            if (key == "limit") return assign(parse_limit(value), params.limit);
            if (key == "offset") return assign(parse_offset(value), params.offset);
            if (key == "sortby") return assign(parse_sortby(value, queryables), params.sortby);
            if (key == "download") return assign(parse_download(value), params.download);
            return std::nullopt;
        });
    if (failed) return *failed;
    return params;
}

std::variant<stats_params, param_error> parse_stats_params(query_list const& query,
                                                           std::vector<std::string> const& queryables) {
    stats_params params;
    auto const failed = walk_query(
        query, accepted_keys(&parameter::stats), queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key)) return take_filter(key, value, is_property, params.filters);
            if (key == "group") return assign(parse_group(value), params.group);
            if (key == "f" && !iequals(value, "json")) return error("f must be json for stats, got " + quote_text(value));
            return std::nullopt;
        });
    if (failed) return *failed;
    return params;
}

}  // namespace server
