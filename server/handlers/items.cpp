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
    std::vector<geo::sort_key> sort;
    for (auto const& k : p.sortby) sort.push_back({k.field, k.descending});
    std::vector<std::uint32_t> selection = geo::select(c, fs.query, sort);

    auto const& format = info(p.format);
    if (p.format == output_format::html) return error_response(406, make_message(message_id::html_items));
    if (p.download || format.gdal)
        return download(ctx, c, std::move(selection), format, c.id + fs.file_suffix, p.projection);
    thread_local std::string whole;  // a feature before the projection cuts it

    std::size_t const total = selection.size();
    std::size_t const begin = std::min(p.offset, total);
    std::size_t const end = std::min(total, begin + p.limit);
    std::string const path = "/collections/" + c.id + "/items";
    if (p.format == output_format::csv) {
        response r;
        r.content_type = std::string(format.media_type);
        r.cacheable = true;
        r.body = geo::csv_header(c);
        if (p.projection.whole()) {
            for (std::size_t i = begin; i < end; ++i)
                geo::append_csv_row(r.body, c, c.features[selection[i]], data.provinces());
            return r;
        }
        std::string const header = r.body.substr(0, r.body.size() - 2);
        auto const columns = csv_columns(header, p.projection);
        r.body.clear();
        append_projected_csv_row(r.body, header, columns);
        for (std::size_t i = begin; i < end; ++i) {
            whole.clear();
            geo::append_csv_row(whole, c, c.features[selection[i]], data.provinces());
            append_projected_csv_row(r.body, std::string_view(whole).substr(0, whole.size() - 2), columns);
        }
        return r;
    }
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    std::string& out = r.body;
    out = R"({"type":"FeatureCollection","numberMatched":)" + std::to_string(total) + R"(,"numberReturned":)" +
          std::to_string(end - begin) + R"(,"timeStamp":")" + now_iso() + R"(","links":[)";
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
        if (p.projection.whole()) {
            data.append_feature(out, c, selection[i]);
        } else {
            whole.clear();
            data.append_feature(whole, c, selection[i]);
            append_projected_feature(out, whole, p.projection);
        }
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
    std::string const self = ctx.url("/collections/" + c.id + "/items/" + id_text);
    response r;
    r.content_type = std::string(geojson_type);
    r.cacheable = true;
    data.append_feature(r.body, c, *position);
    r.body.pop_back();  // add links inside the feature object
    r.body += R"(,"links":)" +
              nlohmann::json::array({link(self, "self", std::string(geojson_type)),
                                     link(ctx.url("/collections/" + c.id), "collection", "application/json")})
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
              "}";
    return r;
}

}  // namespace server
