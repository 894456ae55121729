#pragma once
// Query parameters of /collections/{c}/items (and of stats and tiles, which
// take the same filters), parsed and validated as pure functions. Every
// failure carries the message the client gets with a 400.

#include "server/formats.hpp"
#include "server/router.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace server {

inline constexpr std::size_t default_limit = 10;
inline constexpr std::size_t max_limit = 10'000;

// The filters: items, tiles, stats and downloads all take them, and every
// queryable property as <name>=value besides. A new filter is added here,
// in take_filter (request_params.cpp) and in resolve_filters (filters.cpp).
inline constexpr std::array<std::string_view, 4> filter_parameters = {"bbox", "province", "q", "datetime"};

struct sort_key {
    std::string field;
    bool descending = false;
};

struct feature_filters {
    std::optional<std::array<double, 4>> bbox;  // min lon, min lat, max lon, max lat
    std::optional<std::string> province;        // any spelling or code; resolved by the handler
    std::optional<std::string> q;               // free text
    std::vector<std::pair<std::string, std::string>> properties;  // queryable name -> value
    std::optional<std::string> date_from;  // "YYYY-MM-DD", inclusive; nullopt: open
    std::optional<std::string> date_to;    // "YYYY-MM-DD", inclusive; nullopt: open
};

struct items_params {
    feature_filters filters;
    std::size_t limit = default_limit;  // 1..max_limit; larger values are clamped
    std::size_t offset = 0;
    std::vector<sort_key> sortby;
    output_format format = output_format::geojson;
    bool download = false;
};

struct stats_params {
    feature_filters filters;
    std::string group = "province";  // province | company | purpose | nationality | year
};

struct param_error {
    std::string description;
};

// queryables: the property names a client may filter and sort on (the
// collection's source fields plus computed ones such as area_ha).
std::variant<items_params, param_error> parse_items_params(query_list const& query,
                                                           std::vector<std::string> const& queryables);
std::variant<stats_params, param_error> parse_stats_params(query_list const& query,
                                                           std::vector<std::string> const& queryables);

// The pieces, exposed for their own tests.
std::variant<std::array<double, 4>, param_error> parse_bbox(std::string_view text);
std::variant<std::pair<std::optional<std::string>, std::optional<std::string>>, param_error> parse_datetime(
    std::string_view text);
std::variant<std::vector<sort_key>, param_error> parse_sortby(std::string_view text,
                                                             std::vector<std::string> const& queryables);

}  // namespace server
