// The router and the query parameters on one request target, as the
// handlers take it: parse_target, match_route, then the parameters of the
// route's kind (items and tiles, stats, the several-collection download).
//
// Properties: a decoded path starts with '/', holds no control character,
// backslash or dot segment; every decoded query pair survives a round trip
// through percent_encode; parameters that parse are within their bounds
// (bbox on the globe, limit within the maximum, a date range in order, a
// drawn area of finite coordinates within the globe).

#include "server/links.hpp"
#include "server/request_params.hpp"
#include "server/router.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

// The queryables of the ELC layer as the server lists them.
std::vector<std::string> const queryables = {"Name",     "Company", "Province", "Hectares", "Crop",
                                             "Contract", "Nation",  "area_ha",  "provinces"};

void check_filters(server::feature_filters const& f, std::string_view raw) {
    if (f.bbox) {
        auto const& b = *f.bbox;
        for (int i = 0; i < 4; ++i) fuzz::check(std::isfinite(b[i]), "a bbox number is not finite", raw);
        fuzz::check(b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90, "a bbox off the globe", raw);
    }
    if (f.date_from && f.date_to) fuzz::check(*f.date_from <= *f.date_to, "a date range out of order", raw);
    if (f.area) {
        auto area = *f.area;
        fuzz::check(!area.empty(), "an empty drawn area was accepted", raw);
        area.for_each_point([&](geo::point const& p) {
            fuzz::check(std::isfinite(p.x) && std::isfinite(p.y) && std::abs(p.x) <= 180 && std::abs(p.y) <= 90,
                        "a drawn area's point off the globe", raw);
        });
    }
    for (auto const& [name, value] : f.properties) {
        bool const known = std::find(queryables.begin(), queryables.end(), name) != queryables.end();
        fuzz::check(known, "a property filter on a name that is no queryable", raw);
    }
}

template <class Params>
void check_params(std::variant<Params, server::param_error> const& parsed, std::string_view raw) {
    if (auto const* e = std::get_if<server::param_error>(&parsed)) {
        fuzz::check(!e->description.empty(), "a parameter error without words", raw);
        return;
    }
    check_filters(std::get<Params>(parsed).filters, raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const raw(reinterpret_cast<char const*>(data), size);
    auto const t = server::parse_target(raw);
    if (!t) return 0;

    std::string_view const path = t->path;
    fuzz::check(path.starts_with('/'), "a path that does not start with '/'", raw);
    for (unsigned char c : path) {
        fuzz::check(c >= 0x20 && c != 0x7f, "a control character in a decoded path", raw);
        fuzz::check(c != '\\', "a backslash in a decoded path", raw);
    }
    fuzz::check(path.find("/../") == std::string_view::npos && !path.ends_with("/..") &&
                    path.find("/./") == std::string_view::npos && !path.ends_with("/."),
                "a dot segment in a decoded path", raw);

    for (auto const& [k, v] : t->query) {
        std::string const again = "/?" + server::percent_encode(k) + "=" + server::percent_encode(v);
        auto const back = server::parse_target(again);
        fuzz::check(back && back->query.size() == 1 && back->query[0].first == k && back->query[0].second == v,
                    "a query pair that does not survive percent_encode", raw);
    }

    auto const r = server::match_route(path);
    if (!r) return 0;
    switch (r->kind) {
        case server::route_kind::items:
        case server::route_kind::tile: {
            auto const parsed = server::parse_items_params(t->query, queryables);
            check_params(parsed, raw);
            if (auto const* p = std::get_if<server::items_params>(&parsed))
                fuzz::check(p->limit >= 1 && p->limit <= server::max_limit, "a limit out of range", raw);
            break;
        }
        case server::route_kind::stats:
            check_params(server::parse_stats_params(t->query, queryables), raw);
            break;
        case server::route_kind::download:
            check_params(server::parse_multi_download_params(t->query, queryables), raw);
            break;
        default:
            break;
    }
    return 0;
}
