// What every handler shares: JSON answers, the time, content negotiation.

#include "geo/dates.hpp"
#include "geo/projection.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

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

std::optional<response> check_crs(geo::collection const& c, std::string const& crs) {
    auto const codes = geo::crs_codes(c);
    if (std::find(codes.begin(), codes.end(), crs) == codes.end()) {
        std::string offered;
        for (auto const& code : codes) offered += (offered.empty() ? "" : ", ") + geo::crs_uri(code);
        return error_response(400, make_message(message_id::crs_unsupported, "crs", geo::crs_uri(crs), c.id, offered));
    }
    if (crs == geo::crs84_code) return std::nullopt;
    try {
        geo::crs_transform_for(crs, geo::axis_order::authority);
    } catch (geo::projection_error const& e) {
        return error_response(400, make_message(message_id::crs_failed, geo::crs_uri(crs), e.what()));
    }
    return std::nullopt;
}

void add_content_crs(response& r, feature_projection const& p) {
    r.headers.emplace_back("Content-Crs", "<" + geo::crs_uri(p.crs) + ">");
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

std::string error_description(response const& r) { return r.error ? r.error->in(language::en) : r.body; }

bool wants_json(request_view const& req, query_list const& q) {
    for (auto const& [k, v] : q)
        if (k == "f") return v != "html";
    // The page only for a client that asks for HTML before anything else
    // (a browser: "text/html,application/xhtml+xml,..."); JSON for the rest,
    // */* and no Accept at all among them (OWSLib, GDAL, curl). Among equal
    // q-values the first listed wins.
    double html = -1, other = -1;
    std::size_t html_at = 0, other_at = 0, at = 0;
    for (std::string_view rest = req.accept; !rest.empty(); ++at) {
        std::size_t const comma = rest.find(',');
        std::string_view range = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        double q = 1;
        if (auto const semi = range.find(';'); semi != std::string_view::npos) {
            std::string_view params = range.substr(semi);
            range = range.substr(0, semi);
            if (auto const qa = params.find("q="); qa != std::string_view::npos) q = std::atof(std::string(params.substr(qa + 2)).c_str());
        }
        while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
        while (!range.empty() && range.back() == ' ') range.remove_suffix(1);
        if (q <= 0) continue;
        bool const is_html = range == "text/html" || range == "application/xhtml+xml";
        double& best = is_html ? html : other;
        std::size_t& best_at = is_html ? html_at : other_at;
        if (q > best) best = q, best_at = at;
    }
    return !(html > other || (html == other && html >= 0 && html_at < other_at));
}


}  // namespace server
