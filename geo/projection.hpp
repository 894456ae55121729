#pragma once
// The one door to PROJ: transform coordinates from a source CRS to WGS 84
// longitude/latitude, always in lon/lat axis order whatever the CRS
// definitions say (proj_normalize_for_visualization).

#include "geo/geometry.hpp"

#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace geo {

struct projection_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class lonlat_transform {
public:
    // source_crs: anything PROJ accepts ("EPSG:32648", WKT, PROJJSON).
    // Throws projection_error when PROJ cannot build the transformation.
    explicit lonlat_transform(std::string const& source_crs);
    ~lonlat_transform();
    lonlat_transform(lonlat_transform&&) noexcept;
    lonlat_transform& operator=(lonlat_transform&&) noexcept;

    // In place. Throws projection_error if any point cannot be transformed.
    void transform(std::span<point> points) const;

    // The name PROJ gives the source CRS, e.g. "WGS 84 / UTM zone 48N".
    std::string const& source_name() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace geo
