// /healthz: liveness, the data being served, and what the last reload did;
// the same reload figures for /metrics.

#include "server/handlers/handlers.hpp"

#include <algorithm>

namespace server {

response healthz(request_context const& ctx, reload_status const& reload) {
    auto const& data = ctx.dataset();
    nlohmann::json doc = {{"status", "ok"},
                          {"version", data.version()},
                          {"collections", data.collections().size()},
                          {"features", data.feature_count()},
                          {"loaded_at", reload.loaded_at}};
    nlohmann::json last = {{"outcome", reload.outcome}, {"running", reload.running}, {"reloads", reload.reloads},
                           {"failures", reload.failures}};
    if (!reload.finished_at.empty()) {
        last["reason"] = reload.reason;
        last["message"] = reload.message;
        last["finished_at"] = reload.finished_at;
        last["seconds"] = reload.seconds;
    }
    doc["reload"] = last;
    response r = json_response(doc);
    r.cacheable = false;
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

std::string reload_metrics(reload_status const& reload, geo::dataset const& data) {
    std::string out;
    auto line = [&out](char const* name, char const* type, std::string const& value) {
        out.append("# TYPE ").append(name).append(" ").append(type).append("\n").append(name).append(" ").append(value).append("\n");
    };
    line("concessions_reloads_total", "counter", std::to_string(reload.reloads));
    line("concessions_reload_failures_total", "counter", std::to_string(reload.failures));
    line("concessions_reload_last_ok", "gauge", reload.outcome == "failed" ? "0" : "1");
    line("concessions_reload_last_seconds", "gauge", std::to_string(reload.seconds));
    line("concessions_reload_running", "gauge", reload.running ? "1" : "0");
    line("concessions_features", "gauge", std::to_string(data.feature_count()));
    out += "# TYPE concessions_data_version_info gauge\nconcessions_data_version_info{version=\"" + data.version() + "\"} 1\n";
    if (!reload.message.empty() && reload.outcome == "failed") {
        std::string message;  // a label value: no quotes, backslashes or newlines
        std::size_t cut = std::min<std::size_t>(reload.message.size(), 200);
        while (cut < reload.message.size() && (static_cast<unsigned char>(reload.message[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
        for (char ch : reload.message.substr(0, cut)) message += ch == '"' || ch == '\\' || ch == '\n' ? ' ' : ch;
        out += "# TYPE concessions_reload_last_failure_info gauge\nconcessions_reload_last_failure_info{message=\"" + message + "\"} 1\n";
    }
    return out;
}

}  // namespace server
