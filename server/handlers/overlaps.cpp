// /collections/{c}/overlaps/{other}: the table a report on protected land
// needs (issue 15). For each feature of `other` (a protected area, say)
// that the selected concessions of c overlap: its own hectares, the
// hectares of the concessions inside it with land counted once where they
// overlap each other, and each concession with its company and hectares
// inside. The same filters as items. JSON, or with f=csv one row per
// (protected area, concession) pair for a spreadsheet.

#include "geo/overlaps.hpp"
#include "geo/feature_writer.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"
#include "server/param_text.hpp"

#include <cmath>
#include <cstdio>

namespace server {

using json = nlohmann::json;

namespace {

double share(double part, double whole) {
    return whole > 0 ? std::round(part / whole * 1e4) / 1e4 : 0.0;
}

// The hectares of feature i of c inside overlap target t.
double inside(geo::collection const& c, std::uint32_t i, std::uint32_t t) {
    for (auto const& o : c.features[i].overlaps)
        if (o.target == t) return o.area_ha;
    return 0;
}

// Hectares to the hundredth, shares to four places, as the JSON rounds them.
std::string number(double v, int places = 2) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", places, v);
    return buf;
}

response csv_table(geo::collection const& c, geo::overlap_summary const& s, std::string const& file_name) {
    std::string out =
        "collection,id,name,area_ha,concessions,concessions_inside_ha,share_of_it,"
        "concession_id,concession_name,company,concession_area_ha,inside_ha,share_of_concession\r\n";
    for (auto const& g : s.groups) {
        auto const& t = c.overlap_targets[g.target];
        for (auto const i : g.features) {
            auto const& f = c.features[i];
            double const ha = inside(c, i, g.target);
            geo::append_csv_field(out, t.collection);
            out += ',' + std::to_string(t.id) + ',';
            geo::append_csv_field(out, t.name);
            out += ',' + number(g.target_area_ha) + ',' + std::to_string(g.features.size()) + ',' + number(g.area_ha) +
                   ',' + number(share(g.area_ha, g.target_area_ha), 4) + ',' + std::to_string(f.id) + ',';
            geo::append_csv_field(out, geo::name_of(c, f));
            out += ',';
            geo::append_csv_field(out, role_text(c, c.roles.company, f));
            out += ',' + number(f.area_ha) + ',' + number(ha) + ',' + number(share(ha, f.area_ha), 4) + "\r\n";
        }
    }
    return csv_response(std::move(out), file_name);
}

}  // namespace

nlohmann::json overlap_sources(geo::collection const& c, geo::dataset const& data, std::string_view only) {
    json layers = {{c.id, c.layer_name}};
    for (auto const& id : c.overlaps_with)
        if (auto const* o = data.find(id); o && (only.empty() || id == only)) layers[id] = o->layer_name;
    return {{"area_ha", "computed from the geometry, on the WGS 84 ellipsoid"},
            {"inside_ha",
             "the intersection with GEOS of the repaired geometries; a total counts land inside "
             "several of them, or under several concessions, once"},
            {"layers", layers},
            {"data_version", data.version()}};
}

response overlaps(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    std::string const& other = ctx.r.id;
    // The path names the other collection as overlaps= would: the same checks.
    feature_filters named;
    named.overlaps = geo::overlap_filter{other, ""};
    if (auto e = check_overlaps(c, named, data)) return std::move(*e);
    auto checked = check_query(parse_table_params(ctx.t.query, data.queryables(c)), data, c);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    auto const& [p, filters] = std::get<checked_query<table_params>>(checked);
    auto const selection = geo::select(c, filters.query);
    auto const summary = geo::summarize_overlaps(c, selection, data.collections(), other);
    if (p.csv) return csv_table(c, summary, c.id + "-in-" + other + filters.file_suffix);

    json areas = json::array();
    std::size_t concessions_inside = 0;
    for (auto const& g : summary.groups) {
        auto const& t = c.overlap_targets[g.target];
        json list = json::array();
        for (auto const i : g.features) {
            auto const& f = c.features[i];
            double const ha = inside(c, i, g.target);
            list.push_back({{"id", f.id},
                            {"name", geo::name_of(c, f)},
                            {"company", role_text(c, c.roles.company, f)},
                            {"area_ha", round2(f.area_ha)},
                            {"inside_ha", round2(ha)},
                            {"share_of_concession", share(ha, f.area_ha)}});
        }
        areas.push_back({{"id", t.id},
                         {"name", t.name},
                         {"area_ha", round2(g.target_area_ha)},
                         {"concessions", g.features.size()},
                         {"inside_ha", round2(g.area_ha)},
                         {"share_of_it", share(g.area_ha, g.target_area_ha)},
                         {"features", std::move(list)}});
    }
    for (auto const i : selection)
        for (auto const& o : c.features[i].overlaps)
            if (c.overlap_targets[o.target].collection == other) {
                ++concessions_inside;
                break;
            }
    double const total = summary.inside_ha.empty() ? 0.0 : summary.inside_ha.front().second;
    std::string const self = "/collections/" + c.id + "/overlaps/" + other;
    json doc = {{"collection", c.id},
                {"other", other},
                {"numberMatched", selection.size()},
                {"concessions_inside", concessions_inside},
                {"inside_ha", round2(total)},
                {"sources", overlap_sources(c, data, other)},
                {"areas", std::move(areas)},
                {"links", json::array({link(ctx.url(self, ctx.t.query), "self", "application/json"),
                                       link(ctx.url(self, with_param(ctx.t.query, "f", "csv")), "alternate", "text/csv",
                                            "This table as CSV")})}};
    return json_response(doc);
}

}  // namespace server
