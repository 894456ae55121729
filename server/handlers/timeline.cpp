// /collections/{c}/timeline: the selected concessions through time (issue
// 15). Per year, how many were granted, cancelled and ended, and how many
// were in force at the year's end, each with computed and declared
// hectares; the same filters as items (as_of among them). JSON or, with
// f=csv, one row per year for a spreadsheet. Each answer says where its
// numbers come from: the hectares, the date fields, the data version.

#include "geo/timeline.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <cstdio>

namespace server {

using json = nlohmann::json;

namespace {

json hectares_json(geo::hectares const& h) {
    return {{"count", h.count}, {"area_ha", round2(h.area_ha)}, {"declared_ha", round2(h.declared_ha)}};
}

// Where each number comes from, in words a report can quote.
json sources_json(geo::collection const& c, std::string const& version) {
    std::string const declared = c.roles.area_ha.empty() ? "none (the layer has no hectares field)"
                                                         : "the source's " + c.roles.area_ha + " field";
    return {{"area_ha", "computed from the geometry, on the WGS 84 ellipsoid"},
            {"declared_ha", declared},
            {"granted", c.roles.contract_date.empty() ? "none (no contract date field)" : c.roles.contract_date},
            {"ended", geo::end_source(c).empty() ? "none (no end date or duration field)" : geo::end_source(c)},
            {"cancelled", c.roles.cancelled.empty() ? "none (no cancellation field)"
                                                    : "the earliest date " + c.roles.cancelled + " names"},
            {"in_force", "granted on or before 31 December, not ended or cancelled by then (as_of=YYYY-12-31)"},
            {"layer", c.layer_name},
            {"data_version", version}};
}

void append_csv_hectares(std::string& out, geo::hectares const& h) {
    char buf[96];
    std::snprintf(buf, sizeof buf, ",%zu,%.2f,%.2f", h.count, round2(h.area_ha), round2(h.declared_ha));
    out += buf;
}

}  // namespace

response timeline(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto checked = check_query(parse_table_params(ctx.t.query, data.queryables(c)), data, c);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    auto const& [p, filters] = std::get<checked_query<table_params>>(checked);
    geo::timeline const t = geo::make_timeline(c, geo::select(c, filters.query));

    if (p.csv) {
        std::string out = "year";
        for (char const* what : {"granted", "cancelled", "ended", "in_force"})
            for (char const* column : {"_count", "_ha", "_declared_ha"}) out.append(",").append(what).append(column);
        out += "\r\n";
        for (auto const& y : t.years) {
            out += std::to_string(y.year);
            for (auto const* h : {&y.granted, &y.cancelled, &y.ended, &y.in_force}) append_csv_hectares(out, *h);
            out += "\r\n";
        }
        return csv_response(std::move(out), c.id + "-timeline" + filters.file_suffix);
    }
    json years = json::array();
    for (auto const& y : t.years)
        years.push_back({{"year", y.year},
                         {"granted", hectares_json(y.granted)},
                         {"cancelled", hectares_json(y.cancelled)},
                         {"ended", hectares_json(y.ended)},
                         {"in_force", hectares_json(y.in_force)}});
    std::string const self = "/collections/" + c.id + "/timeline";
    json doc = {{"collection", c.id},
                {"title", c.title},
                {"years", years},
                {"undated", hectares_json(t.undated)},
                {"sources", sources_json(c, data.version())},
                {"links", json::array({link(ctx.url(self, ctx.t.query), "self", "application/json"),
                                       link(ctx.url(self, with_param(ctx.t.query, "f", "csv")), "alternate", "text/csv",
                                            "This timeline as CSV")})}};
    return json_response(doc);
}

}  // namespace server
