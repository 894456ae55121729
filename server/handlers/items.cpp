// /collections/{c}/items (a page of matches, or every match as a
// download) and /collections/{c}/items/{id}.

#include "geo/feature_writer.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <charconv>

namespace server {

namespace {
constexpr auto geojson_type = geojson_media_type;
}

response items(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto checked = check_query(parse_items_params(ctx.t.query, data.queryables(c)), data, c);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    auto const& [p, fs] = std::get<checked_query<items_params>>(checked);
    if (auto e = check_crs(c, p.projection.crs)) return std::move(*e);
    std::vector<geo::sort_key> sort;
    for (auto const& k : p.sortby) sort.push_back({k.field, k.descending});
    std::vector<std::uint32_t> selection = geo::select(c, fs.query, sort);

    auto const& format = info(p.format);
    if (p.format == output_format::html) return error_response(406, make_message(message_id::html_items));
    if (p.download || format.gdal)
        return download(ctx, c, std::move(selection), format, c.id + fs.file_suffix, p.projection);

    std::size_t const total = selection.size();
    std::size_t const begin = std::min(p.offset, total);
    std::size_t const end = std::min(total, begin + p.limit);
    std::string const path = "/collections/" + c.id + "/items";
    if (p.format == output_format::csv) {
        response r;
        r.content_type = std::string(format.media_type);
        r.cacheable = true;
        add_content_crs(r, p.projection);
        std::string header = geo::csv_header(c);
        header.resize(header.size() - 2);
        std::vector<std::size_t> columns;
        if (p.projection.cut()) columns = csv_columns(header, p.projection);
        if (p.projection.cut())
            append_projected_csv_row(r.body, header, columns);
        else
            r.body = header + "\r\n";
        for (std::size_t i = begin; i < end; ++i) append_csv_row(r.body, data, c, selection[i], p.projection, columns);
        return r;
    }
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    add_content_crs(r, p.projection);
    std::string& out = r.body;
    // No timeStamp: OGC API - Features makes it optional (17-069r4,
    // /req/core/fc-timeStamp binds it only when present), and the time an
    // answer was made differs between replicas, and between a cached answer
    // and a fresh one, where the same request must give the same bytes
    // whichever replica answers (issue 14). The data version is in the ETag.
    out = R"({"type":"FeatureCollection","numberMatched":)" + std::to_string(total) + R"(,"numberReturned":)" +
          std::to_string(end - begin) + R"(,"links":[)";
    append_link(out, ctx.url(path, ctx.t.query), "self", geojson_type, "This page");
    out += ',';
    append_link(out, ctx.url(path, with_param(ctx.t.query, "f", "csv")), "alternate", "text/csv", "This page as CSV");
    out += ',';
    append_link(out, ctx.url("/collections/" + c.id), "collection", "application/json", c.title);
    if (end < total) {
        out += ',';
        append_link(out, ctx.url(path, with_param(ctx.t.query, "offset", std::to_string(end))), "next", geojson_type, "Next page");
    }
    if (begin > 0) {
        out += ',';
        append_link(out, ctx.url(path, with_param(ctx.t.query, "offset", std::to_string(begin > p.limit ? begin - p.limit : 0))),
                    "prev", geojson_type, "Previous page");
    }
    out += R"(],"features":[)";
    std::size_t bytes = out.size() + 2;  // one allocation for the page
    for (std::size_t i = begin; i < end; ++i) bytes += data.feature_bytes(c, selection[i]) + 1;
    out.reserve(bytes);
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) out += ',';
        append_feature(out, data, c, selection[i], p.projection);
    }
    out += "]}";
    return r;
}

response item(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    std::string const& id_text = ctx.r.id;
    std::int64_t id = 0;
    auto const [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    auto const position = ec == std::errc() && end == id_text.data() + id_text.size() ? data.position_of(c, id) : std::nullopt;
    if (!position) return error_response(404, make_message(message_id::no_feature, id_text, c.id));
    auto parsed = parse_item_params(ctx.t.query);
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto const& projection = std::get<feature_projection>(parsed);
    if (auto e = check_crs(c, projection.crs)) return std::move(*e);
    std::string const self = ctx.url("/collections/" + c.id + "/items/" + id_text);
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    add_content_crs(r, projection);
    append_feature(r.body, data, c, *position, projection);
    r.body.pop_back();  // add links inside the feature object
    r.body += R"(,"links":)" +
              nlohmann::json::array({link(self, "self", std::string(geojson_type)),
                                     link(ctx.url("/collections/" + c.id), "collection", "application/json")})
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
              "}";
    return r;
}

}  // namespace server
