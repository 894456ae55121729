#include "commands.hpp"

#include "geo/loader.hpp"
#include "geo/summary.hpp"

#include <iostream>
#include <memory>

namespace cli {

namespace {
struct info_options {
    std::vector<std::string> sources;
    geo::load_options load;
    bool json = false;
};
}  // namespace

std::function<int()> add_info_command(CLI::App& app) {
    auto opts = std::make_shared<info_options>();
    auto* cmd = app.add_subcommand("info", "Load the sources and report what is in them (and what had to be repaired)");
    cmd->add_option("sources", opts->sources,
                    "A catalog (.json with \"collections\"), vector files (shapefile, GeoJSON, GeoPackage, ...) or "
                    "directories of them; default: the bundled synthetic sample")
        ->type_name("SOURCE");
    cmd->add_flag("--json", opts->json, "Print one JSON object on stdout instead of a text report");
    cmd->add_option("--provinces", opts->load.provinces_path,
                    "Province boundary layer: each feature's provinces come from its geometry (overrides the catalog's)")
        ->type_name("PATH");
    cmd->add_option("--crs", opts->load.crs,
                    "CRS of layers that declare none, and override for those that do (e.g. EPSG:32648 for UTM 48N, "
                    "EPSG:4326 for lon/lat)")
        ->type_name("EPSG:N");
    cmd->add_option("--encoding", opts->load.encoding,
                    "Text encoding of shapefiles whose .cpg is missing or wrong (e.g. CP1252, UTF-8)")
        ->type_name("NAME");
    cmd->add_option("--threads", opts->load.threads, "Loading threads (default: one per core)")->type_name("N");

    return [cmd, opts]() -> int {
        if (!cmd->parsed()) return -1;
        if (opts->sources.empty()) {
            opts->sources.push_back(CONCESSIONS_SAMPLE_DIR "/synthetic_concessions.shp");
            if (opts->load.provinces_path.empty()) opts->load.provinces_path = CONCESSIONS_SAMPLE_DIR "/synthetic_provinces.shp";
        }
        geo::snapshot const snap = geo::load(opts->sources, opts->load);
        for (auto const& f : snap.failures) std::cerr << "concessions: error: " << f.message << "\n";
        geo::print_problems(std::cerr, snap.collections);
        if (opts->json)
            std::cout << geo::summarize(snap).dump(2) << "\n";
        else
            geo::print_summary(std::cout, snap);
        return snap.failures.empty() ? exit_ok : exit_load_failed;
    };
}

}  // namespace cli
