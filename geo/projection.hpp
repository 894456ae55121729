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

// How a CRS's coordinates are ordered where they are written. authority:
// as the CRS's definition says (EPSG:4326 is latitude, longitude), what OGC
// API - Features Part 2 asks of answers in a `crs`. east_north: longitude
// or easting first whatever the definition, as GIS files (GeoPackage,
// shapefile) hold them.
enum class axis_order { authority, east_north };

// Between WGS 84 longitude/latitude (CRS84, how the loaded data is kept)
// and another CRS. Not safe to share between threads (PROJ's objects keep
// state): take one per thread with crs_transform_for.
class crs_transform {
public:
    // Throws projection_error when PROJ cannot build the transformation.
    crs_transform(std::string const& target_crs, axis_order order);
    ~crs_transform();
    crs_transform(crs_transform&&) noexcept;
    crs_transform& operator=(crs_transform&&) noexcept;

    // Longitude/latitude to the target, in place; false when a point falls
    // outside what the target can hold (PROJ gives no finite answer).
    bool forward(std::span<point> points) const;
    // The target's coordinates to longitude/latitude, in place; false as above.
    bool inverse(std::span<point> points) const;
    // Every point of a geometry to the target; false as above.
    bool forward(geometry& g) const;

    // Whether the target's units are degrees (else metres).
    bool geographic() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// This thread's transform to `target_crs` (made on first use, kept for the
// thread's life). Throws projection_error as crs_transform does.
crs_transform const& crs_transform_for(std::string const& target_crs, axis_order order);

}  // namespace geo
