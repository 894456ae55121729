// What every handler shares: JSON answers, the time, content negotiation.

#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <ctime>

namespace server {

std::string request_context::url(std::string_view path, query_list const& q) const {
    return base + std::string(path) + query_string(q);
}

response json_response(nlohmann::json const& doc, std::string content_type) {
    response r;
    r.content_type = std::move(content_type);
    r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.cacheable = true;
    return r;
}

std::string now_iso() {
    std::time_t const t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool wants_json(request_view const& req, query_list const& q) {
    for (auto const& [k, v] : q)
        if (k == "f") return v != "html";
    std::string_view const a = req.accept;
    auto const html = a.find("text/html");
    auto const js = a.find("json");
    if (js != std::string_view::npos && (html == std::string_view::npos || js < html)) return true;
    return html == std::string_view::npos && !a.empty() && a.find("*/*") == std::string_view::npos;
}

std::variant<filter_set, response> filters_of(feature_filters const& parsed, geo::dataset const& data) {
    return resolve_filters(parsed, data.provinces());
}

}  // namespace server
