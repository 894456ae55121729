#pragma once
// What cql2_parse.cpp (the text grammar), cql2_print.cpp (the canonical
// text) and cql2_json.cpp (cql2-json) share: the function names, the
// literal checks, the error they throw. Internal to geo/cql2_*.cpp.

#include "geo/cql2.hpp"
#include "geo/dates.hpp"
#include "geo/text_search.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <variant>

namespace geo::cql2::detail {

// What the parser and the JSON reader throw, caught at their entry points.
struct failure {
    std::string message;
    std::size_t offset;
};

inline std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

inline std::string lower(std::string_view s) { return ascii_lower(s); }

inline constexpr std::array<std::string_view, 8> spatial_functions = {"S_INTERSECTS", "S_DISJOINT", "S_WITHIN",  "S_CONTAINS",
                                                               "S_TOUCHES",    "S_OVERLAPS", "S_CROSSES", "S_EQUALS"};
inline constexpr std::array<std::string_view, 15> temporal_functions = {
    "T_AFTER",   "T_BEFORE",  "T_CONTAINS", "T_DISJOINT",     "T_DURING",   "T_EQUALS",  "T_FINISHEDBY", "T_FINISHES",
    "T_INTERSECTS", "T_MEETS", "T_METBY",   "T_OVERLAPPEDBY", "T_OVERLAPS", "T_STARTEDBY", "T_STARTS"};

template <typename Range>
bool contains(Range const& r, std::string_view s) {
    return std::find(std::begin(r), std::end(r), s) != std::end(r);
}

// "2010-06-30": a calendar date that exists.
inline bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return parse_date(s).has_value() && *parse_date(s) == s;
}

// "2010-06-30T10:00:00Z": RFC 3339 in UTC (an offset is refused), a
// fraction of a second allowed, the time a real one.
bool is_timestamp(std::string_view s);

// Shortest text that reads back as the same double.
std::string number_text(double v);

// The tree, or an error when it is higher than the recursion over it
// (compiling, testing, printing) should go: then its canonical text reads
// back within max_depth.
std::variant<node, error> bounded(node n, std::size_t offset);

}  // namespace geo::cql2::detail
