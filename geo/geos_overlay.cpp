#include "geo/geos_overlay.hpp"

#include "geo/area.hpp"

#include <geos_c.h>

#include <cmath>

namespace geo {

namespace {
constexpr double piece_size_deg = 0.25;  // about 27 km: pieces of a few hundred vertices

void quiet(char const*, void*) {}

struct handle_deleter {
    void operator()(GEOSContextHandle_t h) const { GEOS_finish_r(h); }
};
using handle_ptr = std::unique_ptr<std::remove_pointer_t<GEOSContextHandle_t>, handle_deleter>;
}  // namespace

struct region_overlay::impl {
    handle_ptr handle{GEOS_init_r()};
    GEOSContextHandle_t h() const { return handle.get(); }

    struct geom_deleter {
        GEOSContextHandle_t h;
        void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(h, g); }
    };
    struct prepared_deleter {
        GEOSContextHandle_t h;
        void operator()(GEOSPreparedGeometry const* g) const { GEOSPreparedGeom_destroy_r(h, g); }
    };
    using geom_ptr = std::unique_ptr<GEOSGeometry, geom_deleter>;
    using prepared_ptr = std::unique_ptr<GEOSPreparedGeometry const, prepared_deleter>;

    struct region {
        geom_ptr whole;
        prepared_ptr prepared;
        box bbox;
        struct piece {
            geom_ptr geom;
            box bbox;
        };
        std::vector<piece> pieces;
    };
    std::vector<region> regions;

    geom_ptr own(GEOSGeometry* g) const { return geom_ptr(g, geom_deleter{h()}); }

    GEOSGeometry* make_ring(ring const& r) const {
        auto* seq = GEOSCoordSeq_copyFromBuffer_r(h(), &r[0].x, r.size(), 0, 0);
        return GEOSGeom_createLinearRing_r(h(), seq);
    }

    // Polygons, points and lines of our geometry as one GEOS geometry.
    geom_ptr to_geos(geometry const& g) const {
        std::vector<GEOSGeometry*> parts;
        for (auto const& p : g.polygons) {
            if (p.rings.empty() || p.rings[0].size() < 4) continue;
            GEOSGeometry* shell = make_ring(p.rings[0]);
            std::vector<GEOSGeometry*> holes;
            for (std::size_t i = 1; i < p.rings.size(); ++i)
                if (p.rings[i].size() >= 4) holes.push_back(make_ring(p.rings[i]));
            parts.push_back(GEOSGeom_createPolygon_r(h(), shell, holes.data(), static_cast<unsigned>(holes.size())));
        }
        for (auto const& pt : g.points) parts.push_back(GEOSGeom_createPointFromXY_r(h(), pt.x, pt.y));
        for (auto const& l : g.lines) {
            if (l.size() < 2) continue;
            parts.push_back(GEOSGeom_createLineString_r(h(), GEOSCoordSeq_copyFromBuffer_r(h(), &l[0].x, l.size(), 0, 0)));
        }
        if (parts.empty()) return own(nullptr);
        if (parts.size() == 1) return own(parts[0]);
        int const type = g.polygons.empty() ? GEOS_GEOMETRYCOLLECTION : GEOS_MULTIPOLYGON;
        return own(GEOSGeom_createCollection_r(h(), g.lines.empty() && g.points.empty() ? type : GEOS_GEOMETRYCOLLECTION,
                                               parts.data(), static_cast<unsigned>(parts.size())));
    }

    geom_ptr valid(geom_ptr g) const {
        if (g && GEOSisValid_r(h(), g.get()) != 1) return own(GEOSMakeValid_r(h(), g.get()));
        return g;
    }

    void add_ring_area(GEOSGeometry const* ring_geom, double sign, double& total) const {
        auto const* seq = GEOSGeom_getCoordSeq_r(h(), ring_geom);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h(), seq, &n);
        ring r(n);
        if (n) GEOSCoordSeq_copyToBuffer_r(h(), seq, &r[0].x, 0, 0);
        total += sign * ring_area_m2(r);
    }

    double area_of(GEOSGeometry const* g) const {
        double total = 0;
        int const type = GEOSGeomTypeId_r(h(), g);
        if (type == GEOS_POLYGON) {
            add_ring_area(GEOSGetExteriorRing_r(h(), g), 1, total);
            int const holes = GEOSGetNumInteriorRings_r(h(), g);
            for (int i = 0; i < holes; ++i) add_ring_area(GEOSGetInteriorRingN_r(h(), g, i), -1, total);
        } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
            int const n = GEOSGetNumGeometries_r(h(), g);
            for (int i = 0; i < n; ++i) total += area_of(GEOSGetGeometryN_r(h(), g, i));
        }
        return total;
    }

    double intersection_area(GEOSGeometry const* a, GEOSGeometry const* b) const {
        GEOSGeometry* inter = GEOSIntersection_r(h(), a, b);
        if (!inter) return -1;  // topology failure: the caller retries on repaired input
        double const area = area_of(inter);
        GEOSGeom_destroy_r(h(), inter);
        return area;
    }
};

region_overlay::region_overlay(std::vector<geometry const*> const& regions) : impl_(std::make_unique<impl>()) {
    auto& m = *impl_;
    GEOSContext_setNoticeMessageHandler_r(m.h(), quiet, nullptr);
    GEOSContext_setErrorMessageHandler_r(m.h(), quiet, nullptr);
    for (auto const* g : regions) {
        impl::region r{m.own(nullptr), impl::prepared_ptr(nullptr, {m.h()}), bounds(*g), {}};
        r.whole = m.valid(m.to_geos(*g));
        if (r.whole) {
            r.prepared.reset(GEOSPrepare_r(m.h(), r.whole.get()));
            double const x0 = std::floor(r.bbox.min_x / piece_size_deg) * piece_size_deg;
            double const y0 = std::floor(r.bbox.min_y / piece_size_deg) * piece_size_deg;
            for (double x = x0; x < r.bbox.max_x; x += piece_size_deg) {
                for (double y = y0; y < r.bbox.max_y; y += piece_size_deg) {
                    auto piece = m.own(GEOSClipByRect_r(m.h(), r.whole.get(), x, y, x + piece_size_deg, y + piece_size_deg));
                    if (!piece || GEOSisEmpty_r(m.h(), piece.get())) continue;
                    piece = m.valid(std::move(piece));
                    r.pieces.push_back({std::move(piece), box{x, y, x + piece_size_deg, y + piece_size_deg}});
                }
            }
        }
        m.regions.push_back(std::move(r));
    }
}

region_overlay::~region_overlay() = default;

std::vector<region_overlay::overlap> region_overlay::overlaps(geometry const& feature) const {
    auto const& m = *impl_;
    std::vector<overlap> out;
    box const fb = bounds(feature);
    if (!fb.valid()) return out;
    auto g = m.to_geos(feature);
    if (!g) return out;
    bool const polygonal = !feature.polygons.empty();
    bool repaired = false;
    for (std::uint32_t i = 0; i < m.regions.size(); ++i) {
        auto const& r = m.regions[i];
        if (!r.prepared || !r.bbox.intersects(fb)) continue;
        if (!polygonal) {
            if (GEOSPreparedIntersects_r(m.h(), r.prepared.get(), g.get()) == 1) out.push_back({i, 0});
            continue;
        }
        if (GEOSPreparedContains_r(m.h(), r.prepared.get(), g.get()) == 1) {
            out.push_back({i, area_m2(feature)});
            continue;
        }
        if (GEOSPreparedIntersects_r(m.h(), r.prepared.get(), g.get()) != 1) continue;
        double total = 0;
        for (auto const& piece : r.pieces) {
            if (!piece.bbox.intersects(fb)) continue;
            double a = m.intersection_area(piece.geom.get(), g.get());
            if (a < 0 && !repaired) {
                // Reprojection can make a valid ring touch itself; repair once and retry.
                g = m.own(GEOSMakeValid_r(m.h(), g.get()));
                repaired = true;
                a = g ? m.intersection_area(piece.geom.get(), g.get()) : -1;
            }
            if (a > 0) total += a;
            if (!g) return out;
        }
        if (total > 0) out.push_back({i, total});
    }
    return out;
}

}  // namespace geo
