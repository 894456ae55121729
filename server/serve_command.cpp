#include "commands.hpp"

#include "geo/dataset.hpp"
#include "geo/summary.hpp"
#include "server/api.hpp"
#include "server/cache_file.hpp"
#include "server/http_server.hpp"
#include "server/live_dataset.hpp"
#include "server/prepared_store.hpp"
#include "server/watched_sources.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace cli {

namespace {
struct serve_options {
    std::vector<std::string> sources;
    geo::load_options load;
    server::server_options http;
    server::api_options api;
    geo::dataset_options dataset;
    std::size_t cache_mb = 256;
    std::size_t tile_cache_mb = 256;
    std::size_t feature_text_mb = 64;
    std::size_t tile_max_kb = 500;
    std::string cache_dir;  // empty: cache_file::default_folder()
    std::string store_dir = geo::default_store_dir().string();  // "none": no store
    double read_timeout_s = 15, write_timeout_s = 60;
    bool quiet = false;
    bool watch = true;            // reload when a source file changes
    unsigned watch_settle_ms = 1000;
    unsigned poll_seconds = 30;   // database sources: how often to ask for their version
};

std::string cache_files_described() {
    std::string const& where = server::cache_file::where();
    if (where.empty()) return "in the process (no cache files can be made)";
    if (where == server::cache_file::memory) return "in memory files";
    return "in unnamed files in " + where;
}

// Thousands of keep-alive connections need as many descriptors.
void raise_open_file_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}
}  // namespace

std::function<int()> add_serve_command(CLI::App& app) {
    auto o = std::make_shared<serve_options>();
    auto* cmd = app.add_subcommand("serve", "Load the sources and serve them over HTTP (OGC API - Features, downloads, the map page)");
    cmd->add_option("sources", o->sources, "A catalog, vector files or directories, as for info; default: the bundled synthetic sample")
        ->type_name("SOURCE");
    cmd->add_option("--bind", o->http.bind, "Address to listen on")->capture_default_str()->type_name("ADDR");
    cmd->add_option("--port", o->http.port, "Port to listen on (0: any free port)")->capture_default_str()->type_name("N");
    cmd->add_option("--threads", o->http.threads, "Serving threads (default: one per core)")->type_name("N");
    cmd->add_option("--provinces", o->load.provinces_path, "Province boundary layer (overrides the catalog's)")->type_name("PATH");
    cmd->add_option("--crs", o->load.crs, "CRS for layers that declare none (e.g. EPSG:32648)")->type_name("EPSG:N");
    cmd->add_option("--encoding", o->load.encoding, "Text encoding of shapefiles whose .cpg is missing or wrong")->type_name("NAME");
    cmd->add_option("--max-header-bytes", o->http.header_limit, "Largest request line and headers (431 beyond)")->capture_default_str();
    cmd->add_option("--max-body-bytes", o->http.body_limit, "Largest request body (413 beyond)")->capture_default_str();
    cmd->add_option("--max-url-bytes", o->http.url_limit, "Longest request target (414 beyond)")->capture_default_str();
    cmd->add_option("--max-connections", o->http.max_connections, "Connections open at once (503 beyond)")->capture_default_str();
    cmd->add_option("--read-timeout", o->read_timeout_s, "Seconds to receive a whole request, or to wait on an idle keep-alive connection")
        ->capture_default_str();
    cmd->add_option("--write-timeout", o->write_timeout_s, "Seconds a client may take to accept each write")->capture_default_str();
    cmd->add_option("--cors-origin", o->http.cors_origin, "Access-Control-Allow-Origin (empty: no CORS headers)")->capture_default_str();
    cmd->add_option("--cache-mb", o->cache_mb, "Memory for cached responses, in MiB")->capture_default_str();
    cmd->add_option("--tile-cache-mb", o->tile_cache_mb, "Memory for rendered tiles, in MiB (0 disables the tile cache)")
        ->capture_default_str();
    cmd->add_option("--cache-dir", o->cache_dir,
                    "Where cached answers of 64 KiB or more are kept, as unnamed files sent with sendfile (default: $TMPDIR "
                    "or /tmp; they take up to --cache-mb plus --tile-cache-mb of its disk, unseen by du); 'memory': in "
                    "anonymous memory files, never on disk")
        ->type_name("DIR");
    cmd->add_option("--store-dir", o->store_dir,
                    "Where the prepared store of the loaded data is kept, so that the next start on unchanged sources "
                    "reads it back instead of loading them ('none': load every time)")
        ->capture_default_str()
        ->type_name("DIR");
    cmd->add_option("--feature-text-mb", o->feature_text_mb,
                    "Keep every feature as GeoJSON text when they all fit in this many MiB (the real ODC catalog takes "
                    "12); beyond it only their properties are kept as text and coordinates are written per request "
                    "(0: always)")
        ->capture_default_str();
    cmd->add_option("--tile-max-kb", o->tile_max_kb, "Largest tile, in KiB: beyond it the smallest features are left out")
        ->capture_default_str();
    cmd->add_option("--tile-min-zoom", o->dataset.tiles.min_zoom, "Lowest zoom served")->capture_default_str();
    cmd->add_option("--tile-max-zoom", o->dataset.tiles.max_zoom, "Highest zoom served (at most 24)")->capture_default_str()->check(CLI::Range(0, 24));
    cmd->add_option("--tile-buffer", o->dataset.tiles.buffer, "Tile units drawn beyond each tile edge (of 4096)")->capture_default_str();
    cmd->add_option("--tile-tolerance", o->dataset.tiles.tolerance, "Simplification tolerance in tile units (of 4096)")->capture_default_str();
    cmd->add_option("--basemap-url", o->api.basemaps.osm.url, "The map page's street map: an XYZ tile URL template")
        ->capture_default_str()->type_name("URL");
    cmd->add_option("--basemap-attribution", o->api.basemaps.osm.attribution, "Its credit line (HTML)")->type_name("TEXT");
    cmd->add_option("--imagery-url", o->api.basemaps.imagery.url, "The map page's satellite imagery: an XYZ tile URL template")
        ->capture_default_str()->type_name("URL");
    cmd->add_option("--imagery-attribution", o->api.basemaps.imagery.attribution, "Its credit line (HTML)")->type_name("TEXT");
    cmd->add_option("--public-url", o->api.public_url, "Base URL for links (default: from the Host header)")->type_name("URL");
    cmd->add_flag("--quiet", o->quiet, "Do not log each request");
    cmd->add_flag("--watch,!--no-watch", o->watch,
                  "Reload when a source file changes (on by default; SIGHUP always reloads)");
    cmd->add_option("--watch-settle-ms", o->watch_settle_ms,
                    "Wait this long after the last change to a source file before reloading (a copy under way is not read)")
        ->capture_default_str();
    cmd->add_option("--poll-seconds", o->poll_seconds,
                    "How often to ask a database source (PG:...) whether its data changed; 0: never")
        ->capture_default_str();

    return [cmd, o]() -> int {
        if (!cmd->parsed()) return -1;
        if (o->sources.empty()) {
            o->sources.push_back(CONCESSIONS_SAMPLE_DIR "/synthetic_concessions.shp");
            if (o->load.provinces_path.empty()) o->load.provinces_path = CONCESSIONS_SAMPLE_DIR "/synthetic_provinces.shp";
            o->api.sample_data = true;
        }
        // A SIGHUP while loading (minutes, for a large set) must not end the
        // process; once serving, it reloads.
        std::signal(SIGHUP, SIG_IGN);
        // A database that does not answer must not hold a load (nor, at
        // exit, the reload waiting on it) for ever: libpq's own timeout.
        setenv("PGCONNECT_TIMEOUT", "10", 0);
        // Checked before loading, which can take minutes.
        try {
            server::cache_file::use(o->cache_dir.empty() ? server::cache_file::default_folder() : o->cache_dir);
        } catch (std::exception const& e) {
            if (!o->cache_dir.empty()) {
                std::cerr << "concessions: error: " << e.what() << "\n";
                return exit_usage;
            }
            std::cerr << "concessions: warning: " << e.what() << "; keeping them in memory\n";
            try {
                server::cache_file::use(std::string(server::cache_file::memory));
            } catch (std::exception const& e2) {
                std::cerr << "concessions: warning: " << e2.what() << "; large cached answers stay in the process\n";
                server::cache_file::disable();
            }
        }
        // Past a file size limit (ulimit -f) the store's writer, which starts
        // before the server does, would be killed by SIGXFSZ: ignored, its
        // write fails with EFBIG and no store is kept.
        std::signal(SIGXFSZ, SIG_IGN);
        o->dataset.feature_text_bytes = o->feature_text_mb << 20;
        o->dataset.tiles.max_tile_bytes = o->tile_max_kb << 10;
        auto store = std::make_shared<server::prepared_store>(
            o->store_dir == "none" ? std::filesystem::path() : std::filesystem::path(o->store_dir), o->sources, o->load,
            o->dataset);
        auto load = [store] { return store->load(); };
        auto first = load();
        for (auto const& f : first->failures()) std::cerr << "concessions: error: " << f.message << "\n";
        geo::print_problems(std::cerr, first->collections());
        if (first->collections().empty()) {
            std::cerr << "concessions: nothing to serve: no source could be loaded\n";
            return exit_load_failed;
        }
        std::size_t const collections = first->collections().size(), features = first->feature_count();
        bool const some_failed = !first->failures().empty();
        o->http.read_timeout = std::chrono::milliseconds(static_cast<long>(o->read_timeout_s * 1000));
        o->http.write_timeout = std::chrono::milliseconds(static_cast<long>(o->write_timeout_s * 1000));
        o->http.log_requests = !o->quiet;
        o->api.cache_bytes = o->cache_mb << 20;
        o->api.tile_cache_bytes = o->tile_cache_mb << 20;
        raise_open_file_limit();

        server::metrics counters;
        server::live_dataset data(std::move(first), load);
        server::api handlers(data, o->api, counters);
        o->http.on_hangup = [&data] { data.request_reload("SIGHUP"); };
        std::unique_ptr<server::watched_sources> watcher;
        if (o->watch)
            watcher = std::make_unique<server::watched_sources>(
                data, [o] { return geo::watched_paths(o->sources, o->load); },
                [o] { return geo::current_version(o->sources, o->load); }, std::chrono::milliseconds(o->watch_settle_ms));
        bool const polled = o->poll_seconds > 0 && geo::has_database_sources(o->sources, o->load);
        if (polled)
            data.poll([o] { return geo::current_version(o->sources, o->load); }, std::chrono::seconds(o->poll_seconds));
        server::http_server http(o->http, [&handlers](server::request_view const& r) { return handlers.handle(r); }, counters);
        unsigned short port = 0;
        try {
            port = http.listen();
        } catch (std::exception const& e) {
            std::cerr << "concessions: error: " << e.what() << "\n";
            return exit_load_failed;
        }
        std::cout << "concessions: " << collections << " collections, " << features << " features"
                  << (some_failed ? " (some sources failed, see above)" : "") << "\n"
                  << "concessions: cached answers of 64 KiB or more kept " << cache_files_described() << "\n"
                  << "concessions: reloads on SIGHUP" << (watcher && watcher->watching() ? ", and when a source file changes" : "")
                  << (polled ? ", and when a database source changes (asked every " + std::to_string(o->poll_seconds) + " s)" : "")
                  << "\n"
                  << "concessions: serving on http://" << (o->http.bind == "0.0.0.0" ? "127.0.0.1" : o->http.bind) << ":"
                  << port << "/" << std::endl;
        http.run();
        if (data.reloading() || store->writing()) {
            // Every request is answered; a reload or a store being written
            // (a temporary file, removed later) would only hold up the exit.
            std::cout << "concessions: stopped (" << (data.reloading() ? "a reload" : "writing the store")
                      << " under way was left unfinished)" << std::endl;
            std::quick_exit(exit_ok);
        }
        std::cout << "concessions: stopped" << std::endl;
        return exit_ok;
    };
}

}  // namespace cli
