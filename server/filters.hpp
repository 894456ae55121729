#pragma once
// The one filter model: the parsed filter parameters (request_params.hpp)
// resolved against a dataset into the geo::feature_query that items, tiles,
// stats and downloads all run, with a canonical key for caches and a
// suffix for download file names. Adding a filter: see docs/DEVELOPERS.md.

#include "geo/feature_query.hpp"
#include "geo/provinces.hpp"
#include "server/http_types.hpp"
#include "server/request_params.hpp"

#include <string>
#include <variant>

namespace server {

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

// An unknown province is a 400 naming the closest names.
std::variant<filter_set, response> resolve_filters(feature_filters const& parsed, geo::province_index const& provinces);

}  // namespace server
