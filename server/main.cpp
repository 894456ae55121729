// concessions: serve Cambodia's land concessions from the shapefiles you have.

#include "commands.hpp"

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"concessions " CONCESSIONS_VERSION
                 ": load concession layers (shapefile, GeoJSON, GeoPackage, ...) with GDAL, reproject them with PROJ, "
                 "place them in provinces and report or serve them.\n"
                 "Exit status: 0 on success, 1 when a source could not be loaded, 2 on a bad command line."};
    app.require_subcommand(1);
    // The top-level --help shows every subcommand's options too.
    app.set_help_flag();
    app.set_help_all_flag("-h,--help", "Print this help, with every subcommand's options, and exit");
    app.set_version_flag("--version", CONCESSIONS_VERSION);
    auto run_info = cli::add_info_command(app);
    auto run_serve = cli::add_serve_command(app);
    auto run_export = cli::add_export_command(app);
    try {
        app.parse(argc, argv);
    } catch (CLI::CallForHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForAllHelp const& e) {
        return app.exit(e);
    } catch (CLI::CallForVersion const& e) {
        return app.exit(e);
    } catch (CLI::ParseError const& e) {
        app.exit(e);
        return cli::exit_usage;
    }
    try {
        if (int rc = run_info(); rc >= 0) return rc;
        if (int rc = run_serve(); rc >= 0) return rc;
        if (int rc = run_export(); rc >= 0) return rc;
    } catch (std::exception const& e) {
        std::cerr << "concessions: error: " << e.what() << "\n";
        return cli::exit_load_failed;
    }
    return cli::exit_usage;
}
