#include "server/export_site.hpp"

#include "server/assets.hpp"  // first: handlers.hpp declares a function asset()
#include "server/api.hpp"
#include "server/handlers/handlers.hpp"
#include "server/live_dataset.hpp"
#include "server/metrics.hpp"
#include "server/links.hpp"

#include <fstream>
#include <stdexcept>

namespace server {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The page's files: embedded asset -> path in the site.
struct site_file {
    char const* asset;
    char const* path;
};
constexpr site_file site_files[] = {
    {"static/index.html", "index.html"},
    {"static/site.js", "site.js"},
    {"static/site.css", "site.css"},
    {"vendor/maplibre-gl/maplibre-gl.js", "vendor/maplibre-gl.js"},
    {"vendor/maplibre-gl/maplibre-gl.css", "vendor/maplibre-gl.css"},
    {"vendor/pmtiles/pmtiles.js", "vendor/pmtiles.js"},
};

void write_file(fs::path const& path, std::string_view bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// A GET answered in this process, as serve would answer it, written to `path`.
void save_answer(api& handlers, std::string const& target, fs::path const& path) {
    request_view request;
    request.method = "GET";
    request.target = target;
    request.accept = "*/*";
    request.host = "localhost";
    response r = handlers.handle(request);
    if (r.status != 200) throw std::runtime_error(target + " answered " + std::to_string(r.status) + ": " + error_description(r));
    fs::create_directories(path.parent_path());
    fs::path const partial = path.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (r.stream) {
            std::string piece;
            for (bool more = true; more;) {
                more = r.stream(piece);
                out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
                piece.clear();
            }
        } else {
            std::string const& body = r.shared_body ? *r.shared_body : r.body;
            out.write(body.data(), static_cast<std::streamsize>(body.size()));
        }
        if (!out.flush()) throw std::runtime_error("cannot write " + partial.string());
    }
    fs::rename(partial, path);
}

}  // namespace

void prepare_site_folder(fs::path const& folder, bool replace) {
    if (fs::exists(folder)) {
        if (!fs::is_directory(folder)) throw std::runtime_error(folder.string() + " is a file: --site writes a folder");
        if (!fs::is_empty(folder) && !replace)
            throw std::runtime_error("the folder " + folder.string() + " is not empty (--force writes the site into it)");
    } else {
        fs::path const parent = folder.parent_path().empty() ? fs::path(".") : folder.parent_path();
        if (!fs::is_directory(parent)) throw std::runtime_error("the folder " + parent.string() + " does not exist");
        fs::create_directory(folder);
    }
}

void write_site(fs::path const& folder, std::shared_ptr<geo::dataset const> data, archive_info const& info,
                query_list const& filters, std::vector<std::string> const& collections) {
    for (auto const& f : site_files) {
        auto a = find_asset(f.asset);
        if (!a) throw std::logic_error(std::string("the site's file ") + f.asset + " is not embedded (web/CMakeLists.txt)");
        write_file(folder / f.path, a->body);
    }
    live_dataset live(data, [data] { return data; });
    metrics counters;
    api handlers(live, api_options{}, counters);
    std::string query;
    for (auto const& [k, v] : filters) query += "&" + percent_encode(k) + "=" + percent_encode(v);
    json layers = json::array();
    for (auto const& c : data->collections()) {
        if (!collections.empty() && std::find(collections.begin(), collections.end(), c.id) == collections.end()) continue;
        std::string const download = "downloads/" + c.id + ".geojson";
        save_answer(handlers, "/collections/" + percent_encode(c.id) + "/items?f=geojson&download=1" + query, folder / download);
        layers.push_back({{"id", c.id},
                          {"title", c.title},
                          {"title_km", c.title_km},
                          {"kind", c.kind},
                          {"color", c.color},
                          {"download", download},
                          {"attribution", c.provenance.attribution},
                          {"license", c.provenance.license},
                          {"source_url", c.provenance.source_url},
                          {"as_of", c.provenance.as_of}});
    }
    json const site = {{"title", info.name},
                       {"description", info.description},
                       {"attribution", info.attribution},
                       {"version", info.version},
                       {"archive", "concessions.pmtiles"},
                       {"bounds", {info.bounds[0], info.bounds[1], info.bounds[2], info.bounds[3]}},
                       {"center", {info.center[0], info.center[1], info.center[2]}},
                       {"minzoom", info.min_zoom},
                       {"maxzoom", info.max_zoom},
                       {"filters", query.empty() ? "" : query.substr(1)},
                       {"layers", layers}};
    write_file(folder / "site.json", site.dump(2) + "\n");
}

}  // namespace server
