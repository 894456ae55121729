// What every handler shares: JSON answers, the time, content negotiation.

#include "geo/dates.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <cmath>

namespace server {

std::string request_context::url(std::string_view path, query_list const& q) const {
    return base + std::string(path) + query_string(q);
}

double round2(double v) {
    return std::round(v * 100) / 100;
}

response json_response(nlohmann::json const& doc, std::string content_type) {
    response r;
    r.content_type = std::move(content_type);
    r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.cacheable = true;
    return r;
}

response csv_response(std::string body, std::string const& file_stem) {
    response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(body);
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + file_stem + ".csv\"");
    return r;
}

bool speaks_language(route_kind kind) {
    switch (kind) {
        case route_kind::collections:
        case route_kind::collection:
        case route_kind::provinces:
        case route_kind::province: return true;
        default: return false;
    }
}

std::string role_text(geo::collection const& c, std::string const& role, geo::feature const& f) {
    int const i = c.field_index(role);
    return i < 0 ? std::string() : geo::text_of(f.properties[static_cast<std::size_t>(i)]);
}

std::string now_iso() { return geo::utc_now_iso(); }

bool wants_json(request_view const& req, query_list const& q) {
    for (auto const& [k, v] : q)
        if (k == "f") return v != "html";
    std::string_view const a = req.accept;
    auto const html = a.find("text/html");
    auto const js = a.find("json");
    if (js != std::string_view::npos && (html == std::string_view::npos || js < html)) return true;
    return html == std::string_view::npos && !a.empty() && a.find("*/*") == std::string_view::npos;
}


}  // namespace server
