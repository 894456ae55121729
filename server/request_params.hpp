#pragma once
// Query parameters of /collections/{c}/items (and of stats and tiles, which
// take the same filters), parsed and validated as pure functions. Every
// failure carries the message the client gets with a 400.

#include "server/filters.hpp"
#include "server/formats.hpp"
#include "server/projection.hpp"
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

struct sort_key {
    std::string field;
    bool descending = false;
};

struct items_params {
    feature_filters filters;
    std::size_t limit = default_limit;  // 1..max_limit; larger values are clamped
    std::size_t offset = 0;
    std::vector<sort_key> sortby;
    output_format format = output_format::geojson;
    bool download = false;
    feature_projection projection;  // skipGeometry, properties, crs
};

struct stats_params {
    feature_filters filters;
    std::string group = "province";  // province | company | purpose | nationality | year | purpose_class | overlap
};

// GET /collections/{c}/tiles/{z}/{x}/{y}.{mvt,geojson}: what items take (a
// map passes its filters unchanged; only the filters change a tile), and
// v=, the data version the tile's URL was made for (TileJSON's templates
// and the page write it): it selects nothing, it says whether the answer
// may be kept for good (see api::tile).
struct tile_params {
    items_params items;
    std::string version;  // v=; empty when not given
};

// GET /collections/{c}/timeline and /collections/{c}/overlaps/{other}: the
// filters, as JSON or CSV.
struct table_params {
    feature_filters filters;
    bool csv = false;
};

// GET /download: several collections under one filter, in one file.
struct multi_download_params {
    std::vector<std::string> collections;  // as listed, each once
    feature_filters filters;
    output_format format = output_format::gpkg;
    // Whether province= narrows the context layers too; by default they are
    // cut by bbox alone (see multi_download in handlers.hpp).
    bool context_province = false;
    std::string crs{geo::crs84_code};  // what the files are written in (crs=)
};

// GET /companies: which companies (q: words of their names, as q= reads
// them), in what order, as JSON or CSV. GET /companies/{slug} takes f alone.
struct companies_params {
    std::string q;
    std::vector<std::string> collections;  // only records in these; empty: every collection
    std::size_t limit = max_limit;  // every company unless asked
    std::size_t offset = 0;
    std::vector<sort_key> sortby;  // of company_sort_keys; none: most hectares first
    bool csv = false;
};
inline constexpr std::array<std::string_view, 5> company_sort_keys = {"name", "slug", "count", "area_ha", "declared_ha"};
std::variant<companies_params, param_error> parse_companies_params(query_list const& query);
// Whether the profile is wanted as CSV.
std::variant<bool, param_error> parse_company_params(query_list const& query);

// queryables: the property names a client may filter and sort on (the
// collection's source fields plus computed ones such as area_ha).
std::variant<items_params, param_error> parse_items_params(query_list const& query,
                                                           std::vector<std::string> const& queryables);
std::variant<tile_params, param_error> parse_tile_params(query_list const& query,
                                                         std::vector<std::string> const& queryables);
std::variant<stats_params, param_error> parse_stats_params(query_list const& query,
                                                           std::vector<std::string> const& queryables);
std::variant<table_params, param_error> parse_table_params(query_list const& query,
                                                           std::vector<std::string> const& queryables);
// queryables: those of every listed collection together (a property
// filter is checked against each collection by the handler, which knows
// their kinds).
std::variant<multi_download_params, param_error> parse_multi_download_params(query_list const& query,
                                                                             std::vector<std::string> const& queryables);

// GET /collections/{c}/items/{id}: crs= (other parameters are let be).
std::variant<feature_projection, param_error> parse_item_params(query_list const& query);

// The pieces, exposed for their own tests (the filters' own: filters.hpp).
// crs= as a code of geo::crs_code ("EPSG:32648"); whether the collection
// offers it is the handler's check (check_crs).
std::variant<std::string, param_error> parse_crs(std::string_view text);
// "elc,mining" -> {"elc", "mining"}; empty names and repeats are errors.
std::variant<std::vector<std::string>, param_error> parse_collection_list(std::string_view text);
std::variant<std::vector<sort_key>, param_error> parse_sortby(std::string_view text,
                                                             std::vector<std::string> const& queryables);

}  // namespace server
