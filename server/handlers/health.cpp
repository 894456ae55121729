// /healthz: liveness, the data being served, and what the last reload did;
// the same reload figures for /metrics.

#include "server/handlers/handlers.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

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

namespace {
// A "Vm...:   123 kB" line of /proc/self/status, in kB.
std::optional<std::uint64_t> proc_status_kb(std::string_view field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with(field)) return std::strtoull(line.c_str() + field.size(), nullptr, 10);
    return std::nullopt;
}
}  // namespace

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
    line("concessions_vertices", "gauge", std::to_string(data.vertex_count()));
    out += "# TYPE concessions_dataset_bytes gauge\n";
    for (auto const& part : data.memory())
        out += "concessions_dataset_bytes{structure=\"" + part.structure + "\"} " + std::to_string(part.bytes) + "\n";
    // The kernel's figures for the whole process, beside the program's own count.
    for (auto const& [name, field] :
         {std::pair{"concessions_resident_bytes", "VmRSS:"}, std::pair{"concessions_peak_resident_bytes", "VmHWM:"}})
        if (auto const kb = proc_status_kb(field)) line(name, "gauge", std::to_string(*kb * 1024));
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
