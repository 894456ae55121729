#pragma once
// The one filter model: the filter parameters every route that selects
// features takes (items, tiles, stats, downloads), parsed from the query,
// then resolved against a dataset into the geo::feature_query they all run,
// with a canonical key for caches and a suffix for download file names.
// Adding a filter is a change here and in geo/feature_query (see
// docs/DEVELOPING.md).

#include "geo/cql2.hpp"
#include "geo/crs.hpp"
#include "geo/dataset.hpp"
#include "geo/feature_query.hpp"
#include "geo/provinces.hpp"
#include "server/http_types.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace server {

// The filter parameters, besides every queryable property as <name>=value.
// "intersects" (a WKT polygon, geo/drawn_area): OGC API Features Part 1 has
// no polygon filter; the name is CQL2's S_INTERSECTS, which issue 13's
// filter= will express with the same field of geo::feature_query.
inline constexpr std::array<std::string_view, 12> filter_parameters = {
    "bbox",     "province", "q",      "datetime",    "intersects", "as_of",
    "overlaps", "company",  "filter", "filter-lang", "filter-crs", "bbox-crs"};

// A query parameter that cannot be read: the message the client gets with a 400.
struct param_error {
    message text;             // the description's template and values (server/messages.hpp)
    std::string description;  // text in English
};
template <class... Values>
param_error make_param_error(message_id id, Values&&... values) {
    message m = make_message(id, std::forward<Values>(values)...);
    std::string english = m.in(language::en);
    return param_error{std::move(m), std::move(english)};
}

// The filters as given, each value checked.
struct feature_filters {
    std::optional<std::array<double, 4>> bbox;  // min lon, min lat, max lon, max lat
    // bbox= as given, read by finish_filters in the CRS bbox-crs= names
    // (OGC API - Features Part 2; CRS84 by default).
    std::optional<std::string> bbox_text;
    std::string bbox_crs{geo::crs84_code};
    // A box in a CRS whose rectangles are not longitude/latitude ones (UTM):
    // the box as a polygon in lon/lat, edges followed closely; `bbox` is
    // then its envelope. Applied as S_INTERSECTS with it (resolve_filters).
    std::shared_ptr<geo::geometry const> bbox_area;
    std::optional<std::string> province;        // any spelling or code; resolved by resolve_filters
    std::optional<std::string> q;               // free text
    std::vector<std::pair<std::string, std::string>> properties;  // queryable name -> value
    std::optional<std::string> date_from;  // "YYYY-MM-DD", inclusive; nullopt: open
    std::optional<std::string> date_to;    // "YYYY-MM-DD", inclusive; nullopt: open
    std::shared_ptr<geo::geometry const> area;  // intersects=: checked polygons in lon/lat
    std::optional<std::string> as_of;           // "YYYY-MM-DD": in force that day (geo::in_force)
    // overlaps=protected-areas[:Beng Per]: the features that overlap any
    // feature of that collection, or one named so (its id, or words of its
    // name as q= reads them). Checked against the collection by check_overlaps.
    std::optional<geo::overlap_filter> overlaps;
    // company=angkor-sugar: one company's records (geo::company_index), by
    // its slug or any spelling of its name; resolved by resolve_filters.
    std::optional<std::string> company;
    // filter= (OGC API - Features Part 3): CQL2, as text or (filter-lang=
    // cql2-json) JSON, parsed when both are known; checked against each
    // collection by check_filters_for.
    std::optional<std::string> filter_text;
    bool filter_json = false;
    std::string filter_crs{geo::crs84_code};  // filter-crs=: the CRS of its spatial literals
    std::shared_ptr<geo::cql2::node const> filter;
};

// Reads one filter parameter (key in filter_parameters, or a queryable
// property when is_property) into filters.
std::optional<param_error> parse_filter(std::string const& key, std::string const& value, bool is_property,
                                        feature_filters& filters);

// What can only be read once every parameter has been: bbox= in the CRS
// bbox-crs= names, and the CQL2 filter=, in the language filter-lang names.
// Called after the last parse_filter.
std::optional<param_error> finish_filters(feature_filters& filters);

// The pieces, exposed for their own tests.
std::variant<std::array<double, 4>, param_error> parse_bbox(std::string_view text);
// bbox= in another CRS (a code of geo::offered_crs or a storage CRS), its
// numbers in that CRS's axis order: the lon/lat envelope and, where the
// box is not a lon/lat rectangle, the box as a lon/lat polygon.
// The URIs of geo::offered_crs, for messages.
std::string offered_crs_uris();
struct crs_box {
    std::array<double, 4> envelope;
    std::shared_ptr<geo::geometry const> area;  // null when the envelope is exact
};
std::variant<crs_box, param_error> parse_bbox_in(std::string_view text, std::string const& crs);
std::variant<std::pair<std::optional<std::string>, std::optional<std::string>>, param_error> parse_datetime(
    std::string_view text);

struct filter_set {
    geo::feature_query query;  // what geo::select runs
    // The filters in one canonical spelling ("province=#3&q=rubber"): empty
    // when nothing filters. Two requests whose filters select the same way
    // share it (province spellings resolve to one province), so caches key
    // on it and tiles skip selection when it is empty.
    std::string key;
    std::string file_suffix;  // for download file names: "-koh-kong"

    bool empty() const { return key.empty(); }
};

// The 400 for overlaps= naming a collection that c is not measured against
// (the catalog's "overlaps"), or a feature that collection does not have.
std::optional<response> check_overlaps(geo::collection const& c, feature_filters const& filters,
                                       geo::dataset const& data);
// The checks of the filters that depend on the collection: check_overlaps,
// a purpose_class= that names no class (a 400 listing them), and a CQL2
// filter= that does not fit its queryables or types.
std::optional<response> check_filters_for(geo::collection const& c, feature_filters const& filters,
                                          geo::dataset const& data);

// An unknown province is a 400 naming the closest names; an unknown
// company one naming those whose names hold its words.
std::variant<filter_set, response> resolve_filters(feature_filters const& parsed, geo::dataset const& data);

}  // namespace server
