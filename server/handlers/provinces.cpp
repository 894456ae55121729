// /provinces and /provinces/{p}: boundaries with, per collection, the
// count and hectares inside; /collections/{c}/stats: the same sums for any
// filter, grouped.

#include "geo/feature_writer.hpp"
#include "geo/province_names.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <cmath>

namespace server {

using json = nlohmann::json;

namespace {

constexpr auto geojson_type = geojson_media_type;

double round2(double v) { return std::round(v * 100) / 100; }

// The Khmer name of a province the gazetteer knows (by code, else by name).
json khmer_name(geo::province const& p) {
    auto known = geo::find_in_gazetteer(p.code);
    if (!known) known = geo::find_in_gazetteer(p.name);
    if (!known) return nullptr;
    return std::string(geo::gazetteer()[*known].khmer);
}

// name stays the English display name whatever the language (clients key
// on it; province= takes it); name_km is always there; title is the name
// in the request's language, for display.
void append_province_feature(std::string& out, geo::province const& p, std::vector<geo::collection> const& collections,
                             std::uint32_t index, language lang) {
    json const km = khmer_name(p);
    json props = {{"name", p.name},
                  {"name_km", km},
                  {"title", lang == language::km && km.is_string() ? km : json(p.name)},
                  {"code", p.code},
                  {"source_name", p.source_name},
                  {"area_ha", std::round(p.area_ha)}};
    json per = json::object();
    for (auto const& c : collections) {
        std::size_t count = 0;
        double ha = 0;
        for (auto const& f : c.features)
            for (auto const& s : f.provinces)
                if (s.province == index) {
                    ++count;
                    ha += f.area_ha * (std::isnan(s.share) ? 1.0 / static_cast<double>(f.provinces.size()) : s.share);
                }
        per[c.id] = {{"count", count}, {"area_ha", round2(ha)}};
    }
    props["collections"] = per;
    out += R"({"type":"Feature","id":)";
    geo::append_json_string(out, p.code);
    out += R"(,"geometry":)";
    geo::append_geometry_json(out, p.geom);
    out += R"(,"properties":)" + props.dump(-1, ' ', false, json::error_handler_t::replace) + "}";
}

}  // namespace

response provinces(request_context const& ctx) {
    auto const& data = ctx.dataset();
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    r.body = R"({"type":"FeatureCollection","source":)";
    geo::append_json_string(r.body, data.provinces().source());
    r.body += R"(,"links":)" +
              json::array({link(ctx.url("/provinces"), "self", std::string(geojson_type))}).dump(-1, ' ', false, json::error_handler_t::replace) +
              R"(,"features":[)";
    auto const& all = data.provinces().provinces();
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        if (i) r.body += ',';
        append_province_feature(r.body, all[i], data.collections(), i, ctx.lang);
    }
    r.body += "]}";
    return r;
}

response province(request_context const& ctx) {
    auto const& data = ctx.dataset();
    std::string const& name = ctx.r.id;
    auto const p = data.provinces().find(name);
    if (!p) {
        std::string closest;
        for (auto const& n : data.provinces().closest(name)) closest += (closest.empty() ? "" : ", ") + n;
        return error_response(404, make_message(message_id::no_province, name, closest));
    }
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    append_province_feature(r.body, data.provinces().provinces()[*p], data.collections(), *p, ctx.lang);
    return r;
}

response stats(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto checked = check_query(parse_stats_params(ctx.t.query, data.queryables(c)), data);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    auto const& [p, filters] = std::get<checked_query<stats_params>>(checked);
    auto const selection = geo::select(c, filters.query);
    geo::stats_group group = geo::stats_group::province;
    if (p.group == "company") group = geo::stats_group::company;
    if (p.group == "purpose") group = geo::stats_group::purpose;
    if (p.group == "nationality") group = geo::stats_group::nationality;
    if (p.group == "year") group = geo::stats_group::year;
    double area = 0, declared = 0;
    for (auto i : selection) {
        area += c.features[i].area_ha;
        declared += geo::declared_ha(c, c.features[i]).value_or(0);
    }
    json groups = json::array();
    for (auto const& g : geo::statistics(c, selection, group, data.provinces()))
        groups.push_back({{"key", g.key}, {"count", g.count}, {"area_ha", round2(g.area_ha)}, {"declared_ha", round2(g.declared_ha)}});
    json doc = {{"collection", c.id},
                {"group", p.group},
                {"numberMatched", selection.size()},
                {"area_ha", round2(area)},
                {"declared_ha", round2(declared)},
                {"groups", groups},
                {"links", json::array({link(ctx.url("/collections/" + c.id + "/stats", ctx.t.query), "self", "application/json")})}};
    return json_response(doc);
}

}  // namespace server
