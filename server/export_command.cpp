// `concessions export`: the tile pyramid `serve` would answer, cut once and
// written as a PMTiles or MBTiles archive or a folder of tiles, for object
// storage, CDNs and static hosts (docs/DEPLOYING.md). A tile holds one MVT
// layer per collection, each byte for byte the tile serve answers for that
// collection (concatenated MVT tiles are one tile with several layers), in
// the order the collections are listed.

#include "commands.hpp"

#include "geo/dataset.hpp"
#include "geo/feature_query.hpp"
#include "geo/parallel.hpp"
#include "geo/pmtiles.hpp"
#include "geo/summary.hpp"
#include "server/compression.hpp"
#include "server/export_site.hpp"
#include "server/handlers/handlers.hpp"
#include "server/prepared_store.hpp"
#include "server/request_params.hpp"
#include "server/router.hpp"
#include "server/tile_archive.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

namespace cli {

namespace {

namespace fs = std::filesystem;
using geo::tiles::tile_id;

struct export_options {
    std::vector<std::string> sources;  // the last one is the output
    geo::load_options load;
    geo::dataset_options dataset;
    std::string format;  // empty: from the output's extension
    std::vector<std::string> collections;
    unsigned min_zoom = 0, max_zoom = 14;
    std::size_t tile_max_kb = 500;
    std::string store_dir = geo::default_store_dir().string();
    // Filters, as items takes them.
    std::string filter, filter_lang, filter_crs, province, bbox, datetime, q, company, query;
    unsigned threads = 0;
    bool site = false, force = false, quiet = false;
};

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

struct interrupted_error : std::runtime_error {
    interrupted_error() : std::runtime_error("interrupted") {}
};

// One collection as the export cuts it: its tiles and the features its
// filters let through (null: all).
struct layer {
    geo::collection const* c;
    geo::tile_index const* tiles;
    std::vector<std::uint32_t> allowed;
    bool filtered = false;
};

// The items parameters the command line gave, as a query.
server::query_list filter_query(export_options const& o) {
    server::query_list q;
    if (!o.query.empty()) {
        auto parsed = server::parse_target("/?" + o.query);
        if (!parsed) throw std::invalid_argument("--query is not a query string: " + o.query);
        q = parsed->query;
    }
    std::pair<char const*, std::string const*> const named[] = {
        {"filter", &o.filter}, {"filter-lang", &o.filter_lang}, {"filter-crs", &o.filter_crs}, {"province", &o.province},
        {"bbox", &o.bbox},     {"datetime", &o.datetime},       {"q", &o.q},                   {"company", &o.company}};
    for (auto const& [k, v] : named)
        if (!v->empty()) q.emplace_back(k, *v);
    return q;
}

std::vector<layer> chosen_layers(geo::dataset const& data, export_options const& o) {
    std::vector<layer> out;
    auto const query = filter_query(o);
    auto add = [&](geo::collection const& c) {
        auto checked = server::check_query(server::parse_items_params(query, data.queryables(c)), data, c);
        if (auto* e = std::get_if<server::response>(&checked))
            throw std::invalid_argument("collection " + c.id + ": " + server::error_description(*e));
        auto const& filters = std::get<server::checked_query<server::items_params>>(checked).filters;
        layer l{&c, &data.tiles(c), {}, !filters.empty()};
        if (l.filtered) l.allowed = geo::select(c, filters.query);
        out.push_back(std::move(l));
    };
    if (o.collections.empty()) {
        for (auto const& c : data.collections()) add(c);
        return out;
    }
    for (auto const& id : o.collections) {
        geo::collection const* c = data.find(id);
        if (!c) throw std::invalid_argument("no collection '" + id + "' (there are: " + server::known_collections(data) + ")");
        add(*c);
    }
    return out;
}

// The tiles of zoom z whose buffered square meets `extent` (lon/lat).
std::vector<tile_id> tiles_covering(geo::box const& extent, unsigned z, double buffer_fraction) {
    double const n = std::ldexp(1.0, static_cast<int>(z));
    geo::point const nw = geo::tiles::to_unit({extent.min_x, extent.max_y});
    geo::point const se = geo::tiles::to_unit({extent.max_x, extent.min_y});
    auto clamp = [&](double v) { return static_cast<unsigned>(std::clamp(std::floor(v), 0.0, n - 1)); };
    std::vector<tile_id> out;
    for (unsigned x = clamp(nw.x * n - buffer_fraction); x <= clamp(se.x * n + buffer_fraction); ++x)
        for (unsigned y = clamp(nw.y * n - buffer_fraction); y <= clamp(se.y * n + buffer_fraction); ++y) out.push_back({z, x, y});
    return out;
}

std::string megabytes(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

std::string duration(double seconds) {
    auto const s = static_cast<long>(std::lround(seconds));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

// Progress on a terminal, redrawn in place; silent elsewhere.
class progress {
public:
    explicit progress(bool on) : on_(on && isatty(STDERR_FILENO)) {}
    // done: tiles cut so far; left: an estimate of those still to cut.
    void show(unsigned z, std::uint64_t done, std::uint64_t left, std::uint64_t stored, std::uint64_t bytes, bool last = false) {
        if (!on_) return;
        auto const now = clock::now();
        if (!last && now - shown_ < std::chrono::milliseconds(250)) return;
        shown_ = now;
        double const elapsed = std::chrono::duration<double>(now - start_).count();
        double const rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
        std::fprintf(stderr, "\r\033[Kzoom %u: %llu tiles cut, %llu stored, %.0f tiles/s, %s, %s%s", z,
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(stored), rate, megabytes(bytes).c_str(),
                     last ? ("took " + duration(elapsed)).c_str()
                          : (rate > 0 ? "about " + duration(static_cast<double>(left) / rate) + " left" : std::string()).c_str(),
                     last ? "\n" : "");
    }

private:
    using clock = std::chrono::steady_clock;
    bool on_;
    clock::time_point start_ = clock::now(), shown_{};
};

struct cut_tile {
    tile_id t;
    std::uint64_t id = 0;
    std::string mvt, gzipped;
    bool descend = false;  // something met the tile: its children may hold features
};

// Cuts one tile: each layer's MVT where it holds features, concatenated.
void cut(cut_tile& out, std::vector<layer> const& layers, bool compress) {
    out.mvt.clear();
    out.descend = false;
    for (auto const& l : layers) {
        geo::tile_result r = l.tiles->mvt(out.t, l.filtered ? &l.allowed : nullptr);
        // Features too small to draw here, or left out for size, may show
        // in the children even when this tile has none.
        out.descend = out.descend || r.features > 0 || r.dropped > 0 || r.omitted > 0;
        if (r.features > 0) out.mvt += r.body;
    }
    out.gzipped = compress && !out.mvt.empty() ? server::gzip(out.mvt, 9) : std::string();
}

struct export_totals {
    std::uint64_t cut = 0, stored = 0;
};

export_totals cut_pyramid(std::vector<layer> const& layers, export_options const& o, geo::box const& extent,
                          server::tile_sink& sink, bool compress) {
    auto const& topt = layers.front().tiles->options();
    double const buffer_fraction = static_cast<double>(topt.buffer) / topt.extent;
    std::vector<tile_id> level = tiles_covering(extent, o.min_zoom, buffer_fraction);
    progress shown(!o.quiet);
    export_totals totals;
    std::size_t const batch = 256;
    std::vector<cut_tile> cut_tiles(batch);
    for (unsigned z = o.min_zoom; z <= o.max_zoom && !level.empty(); ++z) {
        std::vector<std::pair<std::uint64_t, tile_id>> ordered;
        ordered.reserve(level.size());
        for (auto const& t : level) ordered.emplace_back(geo::pmtiles::tile_id(t), t);
        std::sort(ordered.begin(), ordered.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
        std::vector<tile_id> next;
        for (std::size_t start = 0; start < ordered.size(); start += batch) {
            if (interrupted) throw interrupted_error();
            std::size_t const n = std::min(batch, ordered.size() - start);
            std::atomic<std::size_t> next_index{0};
            // Each thread takes the next tile of the batch: tiles differ a lot in cost.
            geo::parallel_ranges(n, o.threads, 2, [&](std::size_t, std::size_t) {
                for (std::size_t i; (i = next_index++) < n;) {
                    cut_tiles[i].id = ordered[start + i].first;
                    cut_tiles[i].t = ordered[start + i].second;
                    cut(cut_tiles[i], layers, compress);
                }
            });
            for (std::size_t i = 0; i < n; ++i) {
                auto const& ct = cut_tiles[i];
                ++totals.cut;
                if (!ct.mvt.empty()) {
                    sink.add(ct.t, ct.id, ct.mvt, ct.gzipped);
                    ++totals.stored;
                }
                if (ct.descend && z < o.max_zoom)
                    for (unsigned dy = 0; dy < 2; ++dy)
                        for (unsigned dx = 0; dx < 2; ++dx) next.push_back({z + 1, 2 * ct.t.x + dx, 2 * ct.t.y + dy});
            }
            // Left: this zoom's remaining tiles and, below it, four children
            // of each tile met so far (an upper bound; empty sea and the
            // country's edges make it shrink as the zoom goes on).
            std::uint64_t left = ordered.size() - start - n;
            for (unsigned k = z + 1, f = 4; k <= o.max_zoom; ++k, f *= 4) left += next.size() * f;
            shown.show(z, totals.cut, left, totals.stored, sink.bytes());
        }
        level = std::move(next);
    }
    shown.show(o.max_zoom, totals.cut, 0, totals.stored, sink.bytes(), true);
    return totals;
}

server::archive_format format_of(export_options const& o, fs::path const& output) {
    std::string f = o.format;
    if (f.empty()) {
        auto const ext = output.extension().string();
        f = ext == ".pmtiles" ? "pmtiles" : ext == ".mbtiles" ? "mbtiles" : "dir";
    }
    if (f == "pmtiles") return server::archive_format::pmtiles;
    if (f == "mbtiles") return server::archive_format::mbtiles;
    return server::archive_format::dir;
}

server::archive_info info_of(geo::dataset const& data, std::vector<layer> const& layers, export_options const& o,
                             geo::box const& extent) {
    server::archive_info info;
    info.version = data.version();
    info.min_zoom = o.min_zoom;
    info.max_zoom = o.max_zoom;
    std::vector<std::string> titles, credits;
    nlohmann::json const fields = server::tile_fields();
    for (auto const& l : layers) {
        titles.push_back(l.c->title);
        auto const& p = l.c->provenance;
        std::string credit = p.attribution.empty() ? l.c->title : p.attribution;
        if (!p.license.empty() && !p.license.starts_with("not stated")) credit += " (" + p.license + ")";
        if (std::find(credits.begin(), credits.end(), credit) == credits.end()) credits.push_back(credit);
        info.vector_layers.push_back({{"id", l.c->id},
                                      {"description", l.c->title},
                                      {"fields", fields},
                                      {"minzoom", o.min_zoom},
                                      {"maxzoom", o.max_zoom}});
    }
    auto join = [](std::vector<std::string> const& v, char const* sep) {
        std::string out;
        for (auto const& s : v) out += (out.empty() ? "" : sep) + s;
        return out;
    };
    info.name = layers.size() == 1 ? layers.front().c->title : !data.title().empty() ? data.title() : "Concessions";
    info.description = join(titles, "; ") + ", clipped and simplified per zoom (concessions export, data version " + data.version() + ")";
    info.attribution = join(credits, "; ");
    if (extent.valid()) {
        info.bounds[0] = extent.min_x, info.bounds[1] = extent.min_y, info.bounds[2] = extent.max_x, info.bounds[3] = extent.max_y;
        info.center[0] = (extent.min_x + extent.max_x) / 2, info.center[1] = (extent.min_y + extent.max_y) / 2;
        info.center[2] = std::clamp(7u, o.min_zoom, o.max_zoom);
    }
    return info;
}

}  // namespace

std::function<int()> add_export_command(CLI::App& app) {
    auto o = std::make_shared<export_options>();
    auto* cmd = app.add_subcommand(
        "export",
        "Cut the tile pyramid serve would answer, once, into a PMTiles or MBTiles archive or a folder of z/x/y.mvt tiles "
        "(with --site: a complete static map)");
    cmd->add_option("sources", o->sources, "The sources, as for serve, then the output (.pmtiles, .mbtiles or a folder)")
        ->type_name("SOURCE... OUTPUT")
        ->required();
    cmd->add_option("--format", o->format, "pmtiles, mbtiles or dir (default: from the output's extension; a folder otherwise)")
        ->check(CLI::IsMember({"pmtiles", "mbtiles", "dir"}))
        ->type_name("FORMAT");
    cmd->add_option("--minzoom", o->min_zoom, "Lowest zoom written")->capture_default_str()->check(CLI::Range(0, 24));
    cmd->add_option("--maxzoom", o->max_zoom, "Highest zoom written")->capture_default_str()->check(CLI::Range(0, 24));
    cmd->add_option("--collections", o->collections, "Collection ids, one layer each in this order (default: all)")
        ->delimiter(',')
        ->allow_extra_args(false)  // the sources follow
        ->type_name("ID,...");
    cmd->add_option("--filter", o->filter, "A CQL2 filter, as items takes it")->type_name("CQL2");
    cmd->add_option("--filter-lang", o->filter_lang, "cql2-text (default) or cql2-json")->type_name("LANG");
    cmd->add_option("--filter-crs", o->filter_crs, "The CRS of the filter's geometries")->type_name("CRS");
    cmd->add_option("--province", o->province, "Only features in this province (any spelling or code)")->type_name("NAME");
    cmd->add_option("--bbox", o->bbox, "Only features meeting this box: west,south,east,north")->type_name("BOX");
    cmd->add_option("--datetime", o->datetime, "Only features whose contract date is in this instant or interval")->type_name("TIME");
    cmd->add_option("--q", o->q, "Only features whose text holds these words")->type_name("WORDS");
    cmd->add_option("--company", o->company, "Only this company's features")->type_name("NAME");
    cmd->add_option("--query", o->query, "Any other items parameters, as a URL query: 'as_of=2015-01-01&overlaps=protected-areas'")
        ->type_name("QUERY");
    cmd->add_flag("--site", o->site,
                  "Write a complete static map into the output folder: the map page (MapLibre GL with the pmtiles "
                  "protocol), concessions.pmtiles and each collection's GeoJSON download");
    cmd->add_flag("--force", o->force, "Replace an existing output");
    cmd->add_flag("--quiet", o->quiet, "No progress on the terminal");
    cmd->add_option("--threads", o->threads, "Cutting threads (default: one per core)")->type_name("N");
    cmd->add_option("--provinces", o->load.provinces_path, "Province boundary layer (overrides the catalog's)")->type_name("PATH");
    cmd->add_option("--crs", o->load.crs, "CRS for layers that declare none (e.g. EPSG:32648)")->type_name("EPSG:N");
    cmd->add_option("--encoding", o->load.encoding, "Text encoding of shapefiles whose .cpg is missing or wrong")->type_name("NAME");
    cmd->add_option("--store-dir", o->store_dir, "The prepared store, as serve keeps it ('none': load the sources)")
        ->capture_default_str()
        ->type_name("DIR");
    cmd->add_option("--tile-max-kb", o->tile_max_kb, "Largest tile, in KiB, as for serve")->capture_default_str();
    cmd->add_option("--tile-buffer", o->dataset.tiles.buffer, "Tile units drawn beyond each tile edge, as for serve")->capture_default_str();
    cmd->add_option("--tile-tolerance", o->dataset.tiles.tolerance, "Simplification tolerance, as for serve")->capture_default_str();

    return [cmd, o]() -> int {
        if (!cmd->parsed()) return -1;
        if (o->sources.size() < 2) {
            std::cerr << "concessions export: give the sources, then the output\n";
            return exit_usage;
        }
        if (o->min_zoom > o->max_zoom) {
            std::cerr << "concessions export: --minzoom " << o->min_zoom << " is above --maxzoom " << o->max_zoom << "\n";
            return exit_usage;
        }
        fs::path const output = o->sources.back();
        o->sources.pop_back();
        auto const format = o->site ? server::archive_format::pmtiles : format_of(*o, output);
        if (o->site && !o->format.empty() && o->format != "pmtiles") {
            std::cerr << "concessions export: --site writes a PMTiles archive; --format " << o->format << " does not go with it\n";
            return exit_usage;
        }
        // Serve's options shape the tiles; the same ones find serve's store.
        o->dataset.tiles.max_tile_bytes = o->tile_max_kb << 10;
        o->dataset.tiles.max_zoom = std::max(o->dataset.tiles.max_zoom, o->max_zoom);
        std::unique_ptr<server::tile_sink> sink;
        fs::path archive = output;
        try {
            if (o->site) {
                server::prepare_site_folder(output, o->force);
                archive = output / "concessions.pmtiles";
            }
            sink = server::make_tile_sink(format, archive, o->force || o->site);
        } catch (std::exception const& e) {
            std::cerr << "concessions export: " << e.what() << "\n";
            return exit_usage;
        }
        std::signal(SIGINT, on_interrupt);
        std::signal(SIGTERM, on_interrupt);
        server::prepared_store store(o->store_dir == "none" ? fs::path() : fs::path(o->store_dir), o->sources, o->load, o->dataset);
        auto const data = store.load();
        for (auto const& f : data->failures()) std::cerr << "concessions: error: " << f.message << "\n";
        if (data->collections().empty()) {
            std::cerr << "concessions export: nothing to export: no source could be loaded\n";
            return exit_load_failed;
        }
        std::vector<layer> layers;
        try {
            layers = chosen_layers(*data, *o);
        } catch (std::invalid_argument const& e) {
            std::cerr << "concessions export: " << e.what() << "\n";
            return exit_usage;
        }
        // What the archive covers: the features it may hold.
        geo::box extent;
        for (auto const& l : layers) {
            if (!l.filtered) extent.expand(l.c->extent);
            for (auto i : l.allowed) extent.expand(l.c->features[i].bbox);
        }
        try {
            auto const start = std::chrono::steady_clock::now();
            export_totals const totals = cut_pyramid(layers, *o, extent, *sink, format != server::archive_format::dir);
            if (totals.stored == 0) throw std::runtime_error("no feature is in any tile (do the filters match nothing?)");
            auto const info = info_of(*data, layers, *o, extent);
            sink->finish(info);
            if (o->site) server::write_site(output, data, info, filter_query(*o), o->collections);
            double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (!o->quiet)
                std::cout << "concessions export: " << totals.stored << " tiles (" << sink->duplicates()
                          << " of them repeats, stored once) of " << totals.cut << " cut, z" << o->min_zoom << "-" << o->max_zoom
                          << ", " << megabytes(sink->bytes()) << " of tiles, in " << duration(seconds) << ": " << output.string()
                          << "\n";
        } catch (interrupted_error const&) {
            std::cerr << "\nconcessions export: interrupted; nothing was written at " << output.string() << "\n";
            return 130;
        } catch (std::exception const& e) {  // a full disk, no tile to write: said, and nothing left behind
            std::cerr << "\nconcessions export: " << e.what() << "; nothing was written at " << output.string() << "\n";
            return exit_load_failed;
        }
        if (!data->failures().empty()) return exit_load_failed;
        return exit_ok;
    };
}

}  // namespace cli
