// /provinces and /provinces/{p}: boundaries with, per collection, the
// count and hectares inside; /collections/{c}/stats: the same sums for any
// filter, grouped.
//
// ?zoom=z simplifies the boundaries for drawing at that zoom (under half a
// pixel, coordinates rounded to match): the page's country view needs
// ~30 KB of them, not the 866 KB of every surveyed vertex (issue 18, part 3).

#include "geo/feature_writer.hpp"
#include "geo/overlaps.hpp"
#include "geo/province_names.hpp"
#include "geo/simplify.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"
#include "server/param_text.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <variant>

namespace server {

using json = nlohmann::json;

namespace {

constexpr auto geojson_type = geojson_media_type;

constexpr int max_boundary_zoom = 24;

// How the boundaries are drawn: every vertex (no zoom), or simplified for a zoom.
struct boundary_detail {
    double tolerance = 0;  // degrees; 0: unsimplified
    int decimals = 9;
};

// ?zoom=z (0..24): simplified for that zoom; absent: every vertex.
std::variant<boundary_detail, response> parse_boundary_detail(query_list const& query) {
    boundary_detail detail;
    for (auto const& [key, value] : query) {
        if (key != "zoom") continue;
        int zoom = -1;
        auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), zoom);
        if (ec != std::errc{} || end != value.data() + value.size() || zoom < 0 || zoom > max_boundary_zoom)
            return error_response(400, make_message(message_id::boundary_zoom, std::to_string(max_boundary_zoom), quote_text(value)));
        detail.tolerance = geo::tolerance_at_zoom(zoom);
        detail.decimals = geo::decimals_for(detail.tolerance);
    }
    return detail;
}

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
                             std::uint32_t index, boundary_detail const& detail, language lang) {
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
    if (detail.tolerance > 0)
        geo::append_geometry_json(out, geo::simplified(p.geom, detail.tolerance), detail.decimals);
    else
        geo::append_geometry_json(out, p.geom);
    out += R"(,"properties":)" + props.dump(-1, ' ', false, json::error_handler_t::replace) + "}";
}

}  // namespace

response provinces(request_context const& ctx) {
    auto const& data = ctx.dataset();
    auto const detail = parse_boundary_detail(ctx.t.query);
    if (auto const* e = std::get_if<response>(&detail)) return *e;
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    r.body = R"({"type":"FeatureCollection","source":)";
    geo::append_json_string(r.body, data.provinces().source());
    r.body += R"(,"links":)" +
              json::array({link(ctx.url("/provinces", ctx.t.query), "self", std::string(geojson_type))}).dump(-1, ' ', false, json::error_handler_t::replace) +
              R"(,"features":[)";
    auto const& all = data.provinces().provinces();
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        if (i) r.body += ',';
        append_province_feature(r.body, all[i], data.collections(), i, std::get<boundary_detail>(detail), ctx.lang);
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
    auto const detail = parse_boundary_detail(ctx.t.query);
    if (auto const* e = std::get_if<response>(&detail)) return *e;
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    append_province_feature(r.body, data.provinces().provinces()[*p], data.collections(), *p, std::get<boundary_detail>(detail), ctx.lang);
    return r;
}

namespace {

// stats?group=overlap: per feature of the collections c is measured against,
// how many of the selected concessions lie in it and their hectares inside
// it, land counted once; and per such collection, the hectares inside any.
response overlap_stats(request_context const& ctx, geo::collection const& c,
                       std::vector<std::uint32_t> const& selection) {
    if (c.overlaps_with.empty())
        return error_response(400, make_message(message_id::overlap_group_unmeasured, quote_text(c.id)));
    auto const summary = geo::summarize_overlaps(c, selection, ctx.dataset().collections());
    double area = 0;
    for (auto i : selection) area += c.features[i].area_ha;
    json groups = json::array();
    for (auto const& g : summary.groups) {
        auto const& t = c.overlap_targets[g.target];
        groups.push_back(
            {{"key", t.name.empty() ? t.collection + " " + std::to_string(t.id) : t.name},
             {"collection", t.collection},
             {"id", t.id},
             {"count", g.features.size()},
             {"area_ha", round2(g.area_ha)},
             {"share_of_it", g.target_area_ha > 0 ? std::round(g.area_ha / g.target_area_ha * 1e4) / 1e4 : 0.0}});
    }
    json inside = json::object();
    for (auto const& [id, ha] : summary.inside_ha) inside[id] = round2(ha);
    json doc = {
        {"collection", c.id},
        {"group", "overlap"},
        {"numberMatched", selection.size()},
        {"area_ha", round2(area)},
        {"inside_ha", inside},
        {"sources", overlap_sources(c, ctx.dataset())},
        {"groups", groups},
        {"links",
         json::array({link(ctx.url("/collections/" + c.id + "/stats", ctx.t.query), "self", "application/json")})}};
    return json_response(doc);
}

}  // namespace

response stats(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto checked = check_query(parse_stats_params(ctx.t.query, data.queryables(c)), data, c);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    auto const& [p, filters] = std::get<checked_query<stats_params>>(checked);
    auto const selection = geo::select(c, filters.query);
    if (p.group == "overlap") return overlap_stats(ctx, c, selection);
    geo::stats_group group = geo::stats_group::province;
    if (p.group == "company") group = geo::stats_group::company;
    if (p.group == "purpose") group = geo::stats_group::purpose;
    if (p.group == "nationality") group = geo::stats_group::nationality;
    if (p.group == "year") group = geo::stats_group::year;
    if (p.group == "purpose_class") group = geo::stats_group::purpose_class;
    double area = 0, declared = 0;
    for (auto i : selection) {
        area += c.features[i].area_ha;
        declared += geo::declared_ha(c, c.features[i]).value_or(0);
    }
    json groups = json::array();
    for (auto const& g : geo::statistics(c, selection, group, data.provinces(), &data.companies())) {
        groups.push_back({{"key", g.key}, {"count", g.count}, {"area_ha", round2(g.area_ha)}, {"declared_ha", round2(g.declared_ha)}});
        if (!g.slug.empty()) {  // a company: its profile
            groups.back()["slug"] = g.slug;
            groups.back()["links"] = json::array(
                {link(ctx.url("/companies/" + percent_encode(g.slug)), "related", "application/json", "Company profile")});
        }
    }
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
