#include "geo/geos_overlay.hpp"

#include "geo/area.hpp"

#include <geos_c.h>
#include <algorithm>

#include <cmath>
#include <unordered_map>

namespace geo {

namespace {
constexpr double cell_deg = 0.1;  // about 11 km: pieces of at most a few hundred vertices
constexpr double block_deg = 1.0;
constexpr std::int64_t cells_per_block = 10;

std::int64_t cell_of(double v, double size) { return static_cast<std::int64_t>(std::floor(v / size)); }
box cell_box(std::int64_t ix, std::int64_t iy, double size) {
    return {static_cast<double>(ix) * size, static_cast<double>(iy) * size, static_cast<double>(ix + 1) * size,
            static_cast<double>(iy + 1) * size};
}
std::uint64_t cell_key(std::int64_t ix, std::int64_t iy) {
    return (static_cast<std::uint64_t>(ix + (1 << 20)) << 32) | static_cast<std::uint64_t>(iy + (1 << 20));
}

// Calls fn(ix, iy) for each grid cell of the given size meeting `b`.
template <typename Fn>
void for_each_cell(box const& b, double size, Fn&& fn) {
    for (std::int64_t ix = cell_of(b.min_x, size); ix <= cell_of(b.max_x, size); ++ix)
        for (std::int64_t iy = cell_of(b.min_y, size); iy <= cell_of(b.max_y, size); ++iy) fn(ix, iy);
}

void quiet(char const*, void*) {}

struct handle_deleter {
    void operator()(GEOSContextHandle_t h) const { GEOS_finish_r(h); }
};
using handle_ptr = std::unique_ptr<std::remove_pointer_t<GEOSContextHandle_t>, handle_deleter>;

GEOSGeometry* make_ring(GEOSContextHandle_t h, ring const& r) {
    auto* seq = GEOSCoordSeq_copyFromBuffer_r(h, &r[0].x, r.size(), 0, 0);
    return GEOSGeom_createLinearRing_r(h, seq);
}

// Polygons, points and lines of our geometry as one GEOS geometry (owned by
// the caller), or nullptr when nothing is left.
GEOSGeometry* to_geos(GEOSContextHandle_t h, geometry const& g) {
    std::vector<GEOSGeometry*> parts;
    for (auto const& p : g.polygons) {
        if (p.rings.empty() || p.rings[0].size() < 4) continue;
        GEOSGeometry* shell = make_ring(h, p.rings[0]);
        std::vector<GEOSGeometry*> holes;
        for (std::size_t i = 1; i < p.rings.size(); ++i)
            if (p.rings[i].size() >= 4) holes.push_back(make_ring(h, p.rings[i]));
        parts.push_back(GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size())));
    }
    for (auto const& pt : g.points) parts.push_back(GEOSGeom_createPointFromXY_r(h, pt.x, pt.y));
    for (auto const& l : g.lines) {
        if (l.size() < 2) continue;
        parts.push_back(GEOSGeom_createLineString_r(h, GEOSCoordSeq_copyFromBuffer_r(h, &l[0].x, l.size(), 0, 0)));
    }
    if (parts.empty()) return nullptr;
    if (parts.size() == 1) return parts[0];
    int const type = g.polygons.empty() ? GEOS_GEOMETRYCOLLECTION : GEOS_MULTIPOLYGON;
    return GEOSGeom_createCollection_r(h, g.lines.empty() && g.points.empty() ? type : GEOS_GEOMETRYCOLLECTION,
                                       parts.data(), static_cast<unsigned>(parts.size()));
}
double ring_area(GEOSContextHandle_t h, GEOSGeometry const* ring_geom) {
    auto const* seq = GEOSGeom_getCoordSeq_r(h, ring_geom);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    ring r(n);
    if (n) GEOSCoordSeq_copyToBuffer_r(h, seq, &r[0].x, 0, 0);
    return ring_area_m2(r);
}

// Square metres on the ellipsoid of a GEOS polygon, multipolygon or collection.
double area_of(GEOSContextHandle_t h, GEOSGeometry const* g) {
    double total = 0;
    int const type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        total += ring_area(h, GEOSGetExteriorRing_r(h, g));
        int const holes = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < holes; ++i) total -= ring_area(h, GEOSGetInteriorRingN_r(h, g, i));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int const n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) total += area_of(h, GEOSGetGeometryN_r(h, g, i));
    }
    return total;
}

// The union of the polygons of `parts` (each repaired when GEOS finds it
// invalid), owned by the caller; an empty collection when there are none,
// nullptr when GEOS fails.
GEOSGeometry* union_of(GEOSContextHandle_t h, std::vector<geometry const*> const& parts) {
    std::vector<GEOSGeometry*> polygons;
    for (auto const* g : parts) {
        geometry only;
        only.polygons = g->polygons;
        GEOSGeometry* p = to_geos(h, only);
        if (!p) continue;
        if (GEOSisValid_r(h, p) != 1) {
            GEOSGeometry* valid = GEOSMakeValid_r(h, p);
            GEOSGeom_destroy_r(h, p);
            p = valid;
        }
        if (p) polygons.push_back(p);
    }
    GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, polygons.data(),
                                                    static_cast<unsigned>(polygons.size()));
    GEOSGeometry* merged = GEOSUnaryUnion_r(h, all);
    GEOSGeom_destroy_r(h, all);
    return merged;
}

}  // namespace

double shared_area_m2(std::vector<geometry const*> const& a, std::vector<geometry const*> const& b) {
    handle_ptr handle{GEOS_init_r()};
    GEOSContextHandle_t const h = handle.get();
    GEOSContext_setNoticeMessageHandler_r(h, quiet, nullptr);
    GEOSContext_setErrorMessageHandler_r(h, quiet, nullptr);
    GEOSGeometry* ua = union_of(h, a);
    GEOSGeometry* ub = ua ? union_of(h, b) : nullptr;
    double area = -1;
    if (ua && ub) {
        GEOSGeometry* both = GEOSIntersection_r(h, ua, ub);
        if (both) area = area_of(h, both);
        if (both) GEOSGeom_destroy_r(h, both);
    }
    if (ua) GEOSGeom_destroy_r(h, ua);
    if (ub) GEOSGeom_destroy_r(h, ub);
    return area;
}

struct region_overlay::impl {
    handle_ptr handle{GEOS_init_r()};
    GEOSContextHandle_t h() const { return handle.get(); }
    bool partition = true;

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
            bool whole_cell;  // the province covers the cell: no intersection needed
        };
        std::unordered_map<std::uint64_t, piece> pieces;  // by grid cell
    };
    std::vector<region> regions;

    geom_ptr own(GEOSGeometry* g) const { return geom_ptr(g, geom_deleter{h()}); }

    geom_ptr to_geos(geometry const& g) const { return own(geo::to_geos(h(), g)); }

    double area_of(GEOSGeometry const* g) const { return geo::area_of(h(), g); }

    double intersection_area(GEOSGeometry const* a, GEOSGeometry const* b) const {
        GEOSGeometry* inter = GEOSIntersection_r(h(), a, b);
        if (!inter) return -1;  // topology failure: the caller retries on repaired input
        double const area = area_of(inter);
        GEOSGeom_destroy_r(h(), inter);
        return area;
    }
};

region_overlay::region_overlay(std::vector<geometry const*> const& regions, bool partition)
    : impl_(std::make_unique<impl>()) {
    auto& m = *impl_;
    m.partition = partition;
    GEOSContext_setNoticeMessageHandler_r(m.h(), quiet, nullptr);
    GEOSContext_setErrorMessageHandler_r(m.h(), quiet, nullptr);
    for (auto const* g : regions) {
        impl::region r{m.own(nullptr), impl::prepared_ptr(nullptr, {m.h()}), bounds(*g), {}};
        // Boundaries were validated (and repaired) when they were read.
        r.whole = m.to_geos(*g);
        if (r.whole) {
            r.prepared.reset(GEOSPrepare_r(m.h(), r.whole.get()));
            // Blocks of 10x10 cells first, then cells within each block's
            // piece: two linear passes instead of one per cell.
            for_each_cell(r.bbox, block_deg, [&](std::int64_t bx, std::int64_t by) {
                box const block = cell_box(bx, by, block_deg);
                auto part = m.own(GEOSClipByRect_r(m.h(), r.whole.get(), block.min_x, block.min_y, block.max_x, block.max_y));
                if (!part || GEOSisEmpty_r(m.h(), part.get())) return;
                for (std::int64_t ix = bx * cells_per_block; ix < (bx + 1) * cells_per_block; ++ix) {
                    for (std::int64_t iy = by * cells_per_block; iy < (by + 1) * cells_per_block; ++iy) {
                        box const cell = cell_box(ix, iy, cell_deg);
                        auto piece = m.own(GEOSClipByRect_r(m.h(), part.get(), cell.min_x, cell.min_y, cell.max_x, cell.max_y));
                        if (!piece || GEOSisEmpty_r(m.h(), piece.get())) continue;
                        double area = 0;
                        GEOSArea_r(m.h(), piece.get(), &area);
                        bool const whole = area >= (cell.max_x - cell.min_x) * (cell.max_y - cell.min_y) * (1 - 1e-9);
                        r.pieces.emplace(cell_key(ix, iy), impl::region::piece{std::move(piece), whole});
                    }
                }
            });
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
    bool const polygonal = !feature.polygons.empty();
    // Regions that hold the whole feature: with a partition, the only one.
    std::vector<std::uint32_t> whole;
    auto const holds = [&](std::uint32_t i) { return std::find(whole.begin(), whole.end(), i) != whole.end(); };
    if (polygonal) {
        // Wholly inside the cells a region covers entirely: no GEOS needed.
        for (std::uint32_t i = 0; i < m.regions.size(); ++i) {
            auto const& r = m.regions[i];
            if (!r.bbox.intersects(fb)) continue;
            bool inside = true;
            for_each_cell(fb, cell_deg, [&](std::int64_t ix, std::int64_t iy) {
                if (!inside) return;
                auto const it = r.pieces.find(cell_key(ix, iy));
                inside = it != r.pieces.end() && it->second.whole_cell;
            });
            if (!inside) continue;
            if (m.partition) return {{i, area_m2(feature)}};
            out.push_back({i, area_m2(feature)});
            whole.push_back(i);
        }
    }
    auto g = m.to_geos(feature);
    if (!g) return out;
    std::vector<std::uint32_t> partial;
    for (std::uint32_t i = 0; i < m.regions.size(); ++i) {
        auto const& r = m.regions[i];
        if (!r.prepared || !r.bbox.intersects(fb) || holds(i)) continue;
        if (!polygonal) {
            if (GEOSPreparedIntersects_r(m.h(), r.prepared.get(), g.get()) == 1) out.push_back({i, 0});
        } else if (GEOSPreparedContains_r(m.h(), r.prepared.get(), g.get()) == 1) {
            if (m.partition) return {{i, area_m2(feature)}};  // the common case: wholly inside one province
            out.push_back({i, area_m2(feature)});
        } else if (GEOSPreparedIntersects_r(m.h(), r.prepared.get(), g.get()) == 1) {
            partial.push_back(i);
        }
    }
    if (partial.empty()) return out;

    // Cut the feature along the same grid as the provinces, so that each
    // intersection is between two small pieces.
    std::vector<double> totals(partial.size(), 0.0);
    bool repaired = false;
    bool const one_cell = cell_of(fb.min_x, cell_deg) == cell_of(fb.max_x, cell_deg) &&
                          cell_of(fb.min_y, cell_deg) == cell_of(fb.max_y, cell_deg);
    for_each_cell(fb, cell_deg, [&](std::int64_t ix, std::int64_t iy) {
        if (!g) return;
        box const cell = cell_box(ix, iy, cell_deg);
        std::uint64_t const key = cell_key(ix, iy);
        impl::geom_ptr clipped = one_cell ? m.own(nullptr)
                                          : m.own(GEOSClipByRect_r(m.h(), g.get(), cell.min_x, cell.min_y, cell.max_x, cell.max_y));
        GEOSGeometry const* fpiece = one_cell ? g.get() : clipped.get();
        if (!fpiece || GEOSisEmpty_r(m.h(), fpiece)) return;
        for (std::size_t k = 0; k < partial.size(); ++k) {
            auto const& pieces = m.regions[partial[k]].pieces;
            auto const it = pieces.find(key);
            if (it == pieces.end()) continue;
            if (it->second.whole_cell) {
                totals[k] += m.area_of(fpiece);
                continue;
            }
            double a = m.intersection_area(it->second.geom.get(), fpiece);
            if (a < 0 && !repaired) {
                // Reprojection can make a valid ring touch itself; repair once and retry.
                g = m.own(GEOSMakeValid_r(m.h(), g.get()));
                repaired = true;
                if (!g) return;
                clipped = one_cell ? m.own(nullptr)
                                   : m.own(GEOSClipByRect_r(m.h(), g.get(), cell.min_x, cell.min_y, cell.max_x, cell.max_y));
                fpiece = one_cell ? g.get() : clipped.get();
                a = fpiece ? m.intersection_area(it->second.geom.get(), fpiece) : -1;
            }
            if (a > 0) totals[k] += a;
        }
    });
    for (std::size_t k = 0; k < partial.size(); ++k)
        if (totals[k] > 0) out.push_back({partial[k], totals[k]});
    return out;
}

std::optional<std::string> invalid_reason(geometry const& g) {
    handle_ptr handle{GEOS_init_r()};
    GEOSContextHandle_t const h = handle.get();
    GEOSContext_setNoticeMessageHandler_r(h, quiet, nullptr);
    GEOSContext_setErrorMessageHandler_r(h, quiet, nullptr);
    GEOSGeometry* geos = to_geos(h, g);
    if (!geos) return "no ring of at least 4 points";
    std::optional<std::string> out;
    if (GEOSisValid_r(h, geos) != 1) {
        char* reason = GEOSisValidReason_r(h, geos);
        out = reason ? reason : "invalid";
        GEOSFree_r(h, reason);
    }
    GEOSGeom_destroy_r(h, geos);
    return out;
}

struct area_matcher::impl {
    handle_ptr handle{GEOS_init_r()};
    GEOSGeometry* area = nullptr;
    GEOSPreparedGeometry const* prepared = nullptr;
    GEOSContextHandle_t h() const { return handle.get(); }
    ~impl() {
        if (prepared) GEOSPreparedGeom_destroy_r(h(), prepared);
        if (area) GEOSGeom_destroy_r(h(), area);
    }
};

area_matcher::area_matcher(geometry const& area) : impl_(std::make_unique<impl>()) {
    auto& m = *impl_;
    GEOSContext_setNoticeMessageHandler_r(m.h(), quiet, nullptr);
    GEOSContext_setErrorMessageHandler_r(m.h(), quiet, nullptr);
    m.area = to_geos(m.h(), area);
    if (m.area) m.prepared = GEOSPrepare_r(m.h(), m.area);
}

area_matcher::~area_matcher() = default;

bool area_matcher::relates(geometry const& feature, spatial_relation r) const {
    auto const& m = *impl_;
    if (!m.prepared || feature.empty()) return r == spatial_relation::disjoint;
    auto const ask = [&](GEOSGeometry const* g) -> char {
        switch (r) {
            case spatial_relation::intersects:
            case spatial_relation::disjoint: return GEOSPreparedIntersects_r(m.h(), m.prepared, g);
            case spatial_relation::within: return GEOSPreparedContains_r(m.h(), m.prepared, g);
            case spatial_relation::contains: return GEOSPreparedWithin_r(m.h(), m.prepared, g);
            case spatial_relation::touches: return GEOSPreparedTouches_r(m.h(), m.prepared, g);
            case spatial_relation::overlaps: return GEOSPreparedOverlaps_r(m.h(), m.prepared, g);
            case spatial_relation::crosses: return GEOSPreparedCrosses_r(m.h(), m.prepared, g);
            case spatial_relation::equals: return GEOSEquals_r(m.h(), m.area, g);
        }
        return 2;
    };
    GEOSGeometry* g = to_geos(m.h(), feature);
    if (!g) return r == spatial_relation::disjoint;
    char result = ask(g);
    if (result == 2) {
        // An invalid source polygon can make the prepared test fail: repair
        // it once and ask again rather than drop the feature silently.
        GEOSGeometry* repaired = GEOSMakeValid_r(m.h(), g);
        if (repaired) {
            result = ask(repaired);
            GEOSGeom_destroy_r(m.h(), repaired);
        }
    }
    GEOSGeom_destroy_r(m.h(), g);
    return r == spatial_relation::disjoint ? result == 0 : result == 1;
}

}  // namespace geo
