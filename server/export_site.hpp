#pragma once
// `concessions export --site`: a folder any static host serves as a
// complete map: the page of web/static (MapLibre GL reading the PMTiles
// archive through the pmtiles protocol, both from npm), site.json (what the
// page shows), concessions.pmtiles, and each collection's GeoJSON download
// exactly as serve answers /collections/{id}/items?f=geojson&download=1.

#include "geo/dataset.hpp"
#include "server/router.hpp"
#include "server/tile_archive.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace server {

// Makes the folder; an existing one must be empty, or `replace` is given
// (then only the files a site holds are replaced). Throws std::runtime_error.
void prepare_site_folder(std::filesystem::path const& folder, bool replace);

// Writes everything but the archive. filters: the items parameters the
// tiles were cut with (the downloads take them too); collections: their
// ids, empty for all.
void write_site(std::filesystem::path const& folder, std::shared_ptr<geo::dataset const> data, archive_info const& info,
                query_list const& filters, std::vector<std::string> const& collections);

}  // namespace server
