#pragma once
// The one door to GEOS: how much of a feature lies in each of a set of
// regions (the provinces). Each region is cut into grid pieces once so that
// a concession is intersected with a few small pieces rather than a whole
// province boundary of tens of thousands of vertices. Also a drawn area's
// checks and its exact intersection test (geo/drawn_area, feature_query).

#include "geo/geometry.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geo {

class region_overlay {
public:
    // GEOS prepared geometries are not thread-safe: build one per thread.
    // partition: the regions do not overlap each other (provinces), so a
    // feature inside one is in no other; otherwise (protected areas, which
    // overlap forests and each other) every region is measured.
    explicit region_overlay(std::vector<geometry const*> const& regions, bool partition = true);
    ~region_overlay();
    region_overlay(region_overlay const&) = delete;
    region_overlay& operator=(region_overlay const&) = delete;

    struct overlap {
        std::uint32_t region;
        double area_m2;  // for points: 0, the region contains the point
    };
    // Regions the feature overlaps with a positive area (polygons) or that
    // contain it (points and lines).
    std::vector<overlap> overlaps(geometry const& feature) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// The area in square metres, on the ellipsoid, where the union of the
// polygons of `a` meets the union of those of `b`: land counted once however
// the geometries on each side overlap each other (GEOS's unary union, each
// geometry repaired first when invalid). -1 when GEOS fails.
double shared_area_m2(std::vector<geometry const*> const& a, std::vector<geometry const*> const& b);

// Why a polygonal geometry is not valid in the OGC sense (GEOS's reason,
// e.g. "Self-intersection[104.5 12.3]"), or nullopt when it is.
std::optional<std::string> invalid_reason(geometry const& g);

// How a feature relates to an area (CQL2's spatial functions, OGC 06-103r4
// section 6.1.15): within means the feature lies within the area, contains
// that it holds the area.
enum class spatial_relation { intersects, disjoint, within, contains, touches, overlaps, crosses, equals };

// Whether features meet one area (edges, vertices, containment), exactly.
class area_matcher {
public:
    // Like region_overlay: one per thread (each select() makes its own).
    explicit area_matcher(geometry const& area);
    ~area_matcher();
    area_matcher(area_matcher const&) = delete;
    area_matcher& operator=(area_matcher const&) = delete;

    bool intersects(geometry const& feature) const { return relates(feature, spatial_relation::intersects); }
    // The area may be any geometry (a point, a line, polygons).
    bool relates(geometry const& feature, spatial_relation r) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace geo
