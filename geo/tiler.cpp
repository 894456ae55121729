#include "geo/tiler.hpp"

#include "geo/clip.hpp"
#include "geo/feature_query.hpp"
#include "geo/feature_writer.hpp"
#include "geo/number_format.hpp"
#include "geo/parallel.hpp"
#include "geo/simplify.hpp"

#include <protozero/pbf_writer.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

namespace geo {

namespace {

double sq_tolerance(tile_options const& o, unsigned z) {
    double const t = o.tolerance / (o.extent * std::ldexp(1.0, static_cast<int>(z)));
    return t * t;
}

unit_point pack(point u) {
    auto fixed = [](double v) {
        return static_cast<std::uint32_t>(std::clamp(std::llround(v * 0x1p32), 0ll, static_cast<long long>(std::numeric_limits<std::uint32_t>::max())));
    };
    return {fixed(u.x), fixed(u.y)};
}

point unpack(unit_point p) { return {p.x * 0x1p-32, p.y * 0x1p-32}; }

// Calls keep(i), in order, for each i in [begin, end) whose level is at most
// z. Levels are below 128, so for eight of them at once, (word | 0x80..80) -
// (z + 1) per byte leaves a byte's high bit set exactly when its level
// exceeds z, with no borrow between bytes.
template <class Keep>
void for_each_kept(std::uint8_t const* level, std::size_t begin, std::size_t end, unsigned z, Keep&& keep) {
    constexpr std::uint64_t high = 0x8080808080808080ull;
    std::uint64_t const bias = 0x0101010101010101ull * (z + 1);
    std::size_t i = begin;
    for (; i + 8 <= end; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, level + i, 8);
        std::uint64_t kept = ~((word | high) - bias) & high;
        while (kept) {
            keep(i + static_cast<std::size_t>(std::countr_zero(kept) >> 3));
            kept &= kept - 1;
        }
    }
    for (; i < end; ++i)
        if (level[i] <= z) keep(i);
}

double signed_area(std::vector<point> const& r) {
    double a = 0;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) a += (r[j].x - r[i].x) * (r[i].y + r[j].y);
    return a / 2;
}

}  // namespace

std::vector<std::string> const& tile_index::property_names() {
    // The id is not among them: it is the feature's own id (GeoJSON's "id"
    // member, MVT's id field), not repeated in every tile's properties.
    static std::vector<std::string> const names = {"name", "company", "purpose", "area_ha", "provinces", "contract_date"};
    return names;
}

tile_index::tile_index(collection const& c, province_index const& provinces, tile_options options)
    : c_(c), provinces_(provinces), options_(options) {
    display_json_.resize(c.features.size());
    unit_start_.resize(c.features.size() + 1, 0);
    ring_start_.resize(c.features.size() + 1, 0);
    for (std::size_t fi = 0; fi < c.features.size(); ++fi) {
        unit_start_[fi + 1] = unit_start_[fi] + c.features[fi].geom.vertex_count();
        std::size_t rings = 0;
        c.features[fi].geom.for_each_polygon(
            [&](std::span<std::uint32_t const> ring_sizes) { rings += ring_sizes.size(); });
        ring_start_[fi + 1] = ring_start_[fi] + rings;
    }
    ring_area_.resize(ring_start_.back());
    ring_length_.resize(ring_start_.back());
    units_.resize(unit_start_.back());
    level_.resize(unit_start_.back());
    if (options_.max_zoom > 100) throw std::invalid_argument("tile_options: max_zoom above 100");
    std::vector<double> thresholds(options_.max_zoom + 1);  // decreasing with zoom
    for (unsigned z = 0; z <= options_.max_zoom; ++z) thresholds[z] = sq_tolerance(options_, z);
    auto level_of = [&](float importance) {
        unsigned z = 0;
        while (z <= options_.max_zoom && !(importance > thresholds[z])) ++z;
        return static_cast<std::uint8_t>(z);
    };
    double const min_sq = sq_tolerance(options_, options_.max_zoom);
    auto role = [&](std::string const& field, feature const& f) -> std::string {
        int const i = c.field_index(field);
        return i >= 0 ? text_of(f.properties[static_cast<std::size_t>(i)]) : std::string();
    };
    auto work = [&](std::size_t begin, std::size_t end) {
        std::vector<point> unit;
        std::vector<float> imp;
        for (std::size_t fi = begin; fi < end; ++fi) {
            feature const& f = c.features[fi];
            geometry const g = f.geom.expand();
            imp.resize(g.vertex_count());
            std::size_t at = 0, ring = ring_start_[fi];
            unit_point* packed = units_.data() + unit_start_[fi];
            auto add = [&](std::vector<point> const& pts) {
                unit.resize(pts.size());
                for (std::size_t i = 0; i < pts.size(); ++i) {
                    packed[at + i] = pack(tiles::to_unit(pts[i]));
                    unit[i] = unpack(packed[at + i]);
                }
                importance_of(unit, imp.data() + at, min_sq);
                at += pts.size();
            };
            for (auto const& l : g.lines) add(l);
            for (auto const& p : g.polygons)
                for (auto const& r : p.rings) {
                    add(r);
                    double length = 0;
                    for (std::size_t i = 1; i < unit.size(); ++i) length += std::hypot(unit[i].x - unit[i - 1].x, unit[i].y - unit[i - 1].y);
                    ring_area_[ring] = static_cast<float>(std::abs(signed_area(unit)));
                    ring_length_[ring++] = static_cast<float>(length);
                }
            for (auto const& pt : g.points) {
                packed[at] = pack(tiles::to_unit(pt));
                imp[at++] = 1.0f;
            }
            std::uint8_t* level = level_.data() + unit_start_[fi];
            for (std::size_t i = 0; i < imp.size(); ++i) level[i] = level_of(imp[i]);

            std::string& js = display_json_[fi];
            js = R"({"name":)";
            append_json_string(js, role(c.roles.name, f));
            js += R"(,"company":)";
            append_json_string(js, role(c.roles.company, f));
            js += R"(,"purpose":)";
            append_json_string(js, role(c.roles.purpose, f));
            js += R"(,"area_ha":)";
            char buf[32];
            // Whole hectares: what a map shows (items/{id} has the area in full).
            auto const r = std::to_chars(buf, buf + sizeof buf, std::round(f.area_ha));
            js.append(buf, r.ptr);
            std::string names;
            for (auto const& s : f.provinces) names += (names.empty() ? "" : ", ") + provinces.provinces()[s.province].name;
            js += R"(,"provinces":)";
            append_json_string(js, names);
            js += R"(,"contract_date":)";
            if (f.contract_date)
                append_json_string(js, *f.contract_date);
            else
                js += "null";
            js += '}';
        }
    };
    std::size_t const n = c.features.size();
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        double const aa = c.features[a].area_ha, ab = c.features[b].area_ha;
        return aa != ab ? aa > ab : c.features[a].id < c.features[b].id;
    });
    rank_.resize(n);
    for (std::uint32_t r = 0; r < n; ++r) rank_[order[r]] = r;
    parallel_ranges(n, 0, 10'000, work);
}

std::size_t tile_index::vertex_bytes() const {
    return units_.capacity() * sizeof(unit_point) + level_.capacity();
}

std::size_t tile_index::other_bytes() const {
    std::size_t n = unit_start_.capacity() * sizeof(std::size_t) + ring_start_.capacity() * sizeof(std::size_t) +
                    (ring_area_.capacity() + ring_length_.capacity()) * sizeof(float) +
                    rank_.capacity() * sizeof(std::uint32_t) + display_json_.capacity() * sizeof(std::string);
    for (auto const& s : display_json_) n += heap_bytes(s);
    return n;
}

// What cutting a tile needs that does not depend on the feature.
struct tile_index::prepared_tile {
    std::vector<std::uint32_t> candidates;  // largest first
    tiles::tile_id t;
    box buffered_unit;    // the tile and its buffer, in Web Mercator units
    box buffered_lonlat;  // the same in lon/lat
    double sq_tol = 0, tol = 0;  // the simplification tolerance at t.z, squared and not
};

// Simplify for the zoom, project to unit coordinates and clip to the
// buffered tile. False when nothing of the feature is left.
//
// A high-zoom tile sees a small part of a large polygon, so reading every
// vertex of its rings would make the tile's cost that of the whole
// feature. Rings come cut into runs of edge_run edges with their bounding
// boxes (feature::edge_runs, in lon/lat, which Web Mercator keeps in order).
// A run that lies wholly beyond one side of the buffered tile is replaced by
// its first and last kept vertices: the chord between them lies beyond that
// side too (a half-plane is convex), so the ring's intersection with the
// tile, which is all that clipping keeps, does not change.
//
// The "smaller than a pixel" test reads the simplified ring's area, which a
// shortened ring no longer has; it is needed only for rings whose area
// simplification could bring below the threshold. Every vertex that
// simplification removes lies within the tolerance of the chord that
// replaces it, so the area moves by at most 2 x length x tolerance plus a
// tolerance squared per vertex; rings clear of that margin are shortened,
// the others read whole as before.
bool tile_index::cut(std::uint32_t fi, prepared_tile const& pt, part& out, bool& dropped) const {
    feature const& f = c_.features[fi];
    unit_point const* units = units_.data() + unit_start_[fi];
    std::uint8_t const* levels = level_.data() + unit_start_[fi];
    unsigned const z = pt.t.z;
    double const sq_tol = pt.sq_tol, tol = pt.tol;
    box const& tile = pt.buffered_unit;
    box const& buffered_lonlat = pt.buffered_lonlat;
    // Beyond one side, with a margin for the rounding of projected vertices
    // (2^-32 of the world, 8e-8 degrees) and more: 1e-6 degrees, 11 cm.
    double const eps = 1e-6;
    auto beyond = [&](box const& b) {
        return b.max_x < buffered_lonlat.min_x - eps || b.min_x > buffered_lonlat.max_x + eps ||
               b.max_y < buffered_lonlat.min_y - eps || b.min_y > buffered_lonlat.max_y + eps;
    };
    std::size_t at = 0;
    thread_local std::vector<point> kept;  // reused: allocation was a tenth of a tile's cost
    auto simplified = [&](std::size_t n) -> std::vector<point> const& {
        kept.clear();
        for_each_kept(levels, at, at + n, z, [&](std::size_t i) { kept.push_back(unpack(units[i])); });
        at += n;
        return kept;
    };
    // The same, with runs beyond the tile shortened; run k owns vertices
    // (16k, 16k + 16], run 0 also vertex 0.
    auto shortened = [&](std::size_t n, box const* runs) -> std::vector<point> const& {
        kept.clear();
        std::uint8_t const* level = levels + at;
        unit_point const* u = units + at;
        for (std::size_t first = 0, k = 0; first + 1 < n; first += edge_run, ++k) {
            std::size_t const begin = first == 0 ? 0 : first + 1, end = std::min(first + edge_run, n - 1) + 1;
            if (beyond(runs[k])) {
                std::size_t lo = begin, hi = end;
                while (lo < end && level[lo] > z) ++lo;
                while (hi > lo && level[hi - 1] > z) --hi;
                if (lo < end) kept.push_back(unpack(u[lo]));
                if (hi - 1 > lo) kept.push_back(unpack(u[hi - 1]));
            } else {
                for_each_kept(level, begin, end, z, [&](std::size_t i) { kept.push_back(unpack(u[i])); });
            }
        }
        at += n;
        return kept;
    };
    out.type = f.geom.type();
    out.rings_or_lines.clear();
    out.polygon_starts.clear();
    out.points.clear();
    for (std::size_t const n : f.geom.line_sizes()) {
        auto const& s = simplified(n);
        for (auto& piece : clip_line(s, tile)) out.rings_or_lines.push_back(std::move(piece));
    }
    bool any_polygon = false;
    box const* runs = f.edge_runs.data();
    std::size_t ring = ring_start_[fi];
    f.geom.for_each_polygon([&](std::span<std::uint32_t const> ring_sizes) {
        bool exterior_kept = false;
        for (std::size_t ri = 0; ri < ring_sizes.size(); ++ri, ++ring) {
            std::size_t const n = ring_sizes[ri];
            box const* ring_runs = runs;
            runs += edge_runs_of(n);
            if (ri > 0 && !exterior_kept) {
                at += n;
                continue;
            }
            double const margin = 2.0 * ring_length_[ring] * tol + 4.0 * static_cast<double>(n) * sq_tol;
            bool const clear_of_threshold = !f.edge_runs.empty() && ring_area_[ring] - margin > 2 * sq_tol;
            auto const& s = clear_of_threshold ? shortened(n, ring_runs) : simplified(n);
            if (!clear_of_threshold && (s.size() < 4 || std::abs(signed_area(s)) < sq_tol)) {
                if (ri == 0) dropped = true;  // smaller than a pixel at this zoom
                continue;
            }
            auto clipped = clip_ring(s, tile);
            if (clipped.size() < 4) continue;
            if (ri == 0) {
                out.polygon_starts.push_back(out.rings_or_lines.size());
                exterior_kept = true;
                any_polygon = true;
            }
            out.rings_or_lines.push_back(std::move(clipped));
        }
    });
    if (any_polygon) dropped = false;
    for (std::size_t k = 0; k < f.geom.point_count(); ++k) {
        point const u = unpack(units[at + k]);
        if (u.x >= tile.min_x && u.x <= tile.max_x && u.y >= tile.min_y && u.y <= tile.max_y) out.points.push_back(u);
    }
    return !out.rings_or_lines.empty() || !out.points.empty();
}

tile_index::prepared_tile tile_index::prepare(tiles::tile_id t, std::vector<std::uint32_t> const* allowed) const {
    prepared_tile p;
    p.t = t;
    p.sq_tol = sq_tolerance(options_, t.z);
    p.tol = std::sqrt(p.sq_tol);
    box const tile = tiles::unit_bounds(t);
    double const pad = (tile.max_x - tile.min_x) * options_.buffer / options_.extent;
    p.buffered_unit = {tile.min_x - pad, tile.min_y - pad, tile.max_x + pad, tile.max_y + pad};
    point const nw = tiles::to_lonlat({p.buffered_unit.min_x, p.buffered_unit.min_y});
    point const se = tiles::to_lonlat({p.buffered_unit.max_x, p.buffered_unit.max_y});
    box const query{nw.x, se.y, se.x, nw.y};
    p.buffered_lonlat = query;
    // A tile holds the features that meet the tile itself (their geometry,
    // not just their bounding box); the buffer only extends what is drawn.
    box const exact = tiles::lonlat_bounds(t);
    auto inside = [&](box const& b) {
        return b.min_x >= exact.min_x && b.max_x <= exact.max_x && b.min_y >= exact.min_y && b.max_y <= exact.max_y;
    };
    for (auto it = c_.index.qbegin(bgi::intersects(to_index_box(query))); it != c_.index.qend(); ++it) {
        std::uint32_t const i = it->second;
        if (allowed && !std::binary_search(allowed->begin(), allowed->end(), i)) continue;
        box const b{it->first.min_corner().get<0>(), it->first.min_corner().get<1>(), it->first.max_corner().get<0>(),
                    it->first.max_corner().get<1>()};
        if (!inside(b) && !intersects(c_.features[i], exact)) continue;
        p.candidates.push_back(i);
    }
    // Largest first, so the byte bound leaves out the smallest. Ranks sit in
    // one small array: sorting by the features' own fields missed the cache
    // on every comparison (0.7 s for a zoom-5 tile of 200,000 polygons).
    std::sort(p.candidates.begin(), p.candidates.end(), [&](std::uint32_t a, std::uint32_t b) { return rank_[a] < rank_[b]; });
    return p;
}

namespace {
// Decimals that resolve a tile unit at zoom z: 6 at z14, 3 at z5.
int decimals_for(unsigned z, unsigned extent) {
    double const units_per_degree = std::ldexp(1.0, static_cast<int>(z)) * extent / 360.0;
    return std::clamp(static_cast<int>(std::ceil(std::log10(units_per_degree))), 1, 9);
}

// Writes unit points as a JSON array of lon/lat pairs rounded to the zoom's
// decimals, leaving out a point that rounds onto the one before; returns how
// many it wrote.
std::size_t write_lonlat(std::string& out, std::vector<point> const& unit, int decimals, tiles::latitude_series& latitude) {
    // Written into a buffer, then appended once: appending each pair was a
    // fifth of the cost of a tile.
    thread_local std::string text;
    if (std::size_t const need = unit.size() * 48 + 2; text.size() < need) text.resize(need);  // grown only: no zero-filling per ring
    char* q = text.data();
    long long last_x = 0, last_y = 0;
    std::size_t n = 0;
    *q++ = '[';
    for (auto const& u : unit) {
        long long const x = scaled_round(u.x * 360 - 180, decimals), y = scaled_round(latitude(u.y), decimals);
        if (n && x == last_x && y == last_y) continue;
        last_x = x;
        last_y = y;
        if (n++) *q++ = ',';
        *q++ = '[';
        q = write_scaled(q, x, decimals);
        *q++ = ',';
        q = write_scaled(q, y, decimals);
        *q++ = ']';
    }
    *q++ = ']';
    out.append(text.data(), q);
    return n;
}
}  // namespace

// Written straight into the body; a feature that does not fit the byte
// bound is cut off again, and the counts close the collection.
tile_result tile_index::geojson(tiles::tile_id t, std::vector<std::uint32_t> const* allowed) const {
    tile_result result;
    auto const prepared = prepare(t, allowed);
    int const decimals = decimals_for(t.z, options_.extent);
    tiles::latitude_series latitude;
    std::string& out = result.body;
    out = R"({"type":"FeatureCollection","features":[)";
    std::size_t const tail = 64;  // room for ],"omitted":N,"dropped":M}
    part p;
    for (std::size_t k = 0; k < prepared.candidates.size(); ++k) {
        std::uint32_t const i = prepared.candidates[k];
        bool dropped = false;
        if (!cut(i, prepared, p, dropped)) {
            ++result.dropped;  // it meets the tile but is below a pixel at this zoom
            continue;
        }
        std::size_t const mark = out.size();
        if (result.features) out += ',';
        out += R"({"type":"Feature","id":)";
        out += std::to_string(c_.features[i].id);
        out += R"(,"geometry":)";
        // The members (points, lines or polygons) go into a buffer, comma
        // separated, as their number decides the type: one is written as a
        // Point, LineString or Polygon, more as the Multi- form.
        thread_local std::string members;
        members.clear();
        std::size_t written = 0;
        char const* single = "Polygon";
        if (!p.points.empty()) {
            single = "Point";
            written = write_lonlat(members, p.points, decimals, latitude);
            members.pop_back();  // "[[x,y],[x,y]]" -> "[x,y],[x,y]"
            members.erase(0, 1);
        } else if (!p.polygon_starts.empty()) {
            for (std::size_t pi = 0; pi < p.polygon_starts.size(); ++pi) {
                std::size_t const begin = p.polygon_starts[pi];
                std::size_t const end = pi + 1 < p.polygon_starts.size() ? p.polygon_starts[pi + 1] : p.rings_or_lines.size();
                std::size_t const polygon_mark = members.size();
                members += written ? ",[" : "[";
                std::size_t rings = 0;
                for (std::size_t r = begin; r < end; ++r) {
                    std::size_t const ring_mark = members.size();
                    if (rings) members += ',';
                    if (write_lonlat(members, p.rings_or_lines[r], decimals, latitude) >= 4) {
                        ++rings;
                        continue;
                    }
                    members.resize(ring_mark);
                    if (r == begin) break;  // the exterior collapsed at this precision
                }
                if (!rings) {
                    members.resize(polygon_mark);
                    continue;
                }
                members += ']';
                ++written;
            }
        } else {
            single = "LineString";
            for (auto const& l : p.rings_or_lines) {
                std::size_t const line_mark = members.size();
                if (written) members += ',';
                if (write_lonlat(members, l, decimals, latitude) >= 2)
                    ++written;
                else
                    members.resize(line_mark);
            }
        }
        out += R"({"type":")";
        if (written > 1) out += "Multi";
        out += single;
        out += R"(","coordinates":)";
        if (written > 1) out += '[';
        out += members;
        if (written > 1) out += ']';
        out += '}';
        if (!written) {
            out.resize(mark);
            ++result.dropped;
            continue;
        }
        out += R"(,"properties":)";
        out += display_json_[i];
        out += '}';
        if (out.size() + tail > options_.max_tile_bytes) {
            out.resize(mark);
            result.omitted = prepared.candidates.size() - k;  // this and every smaller one
            break;
        }
        ++result.features;
    }
    // What was left out, when anything was (the X-Tile-* headers always say).
    out += ']';
    if (result.omitted) out += R"(,"omitted":)" + std::to_string(result.omitted);
    if (result.dropped) out += R"(,"dropped":)" + std::to_string(result.dropped);
    out += '}';
    return result;
}

namespace {
// Mapbox Vector Tile 2.1, https://github.com/mapbox/vector-tile-spec/tree/master/2.1
enum : protozero::pbf_tag_type { tile_layers = 3 };
enum : protozero::pbf_tag_type { layer_name = 1, layer_features = 2, layer_keys = 3, layer_values = 4, layer_extent = 5, layer_version = 15 };
enum : protozero::pbf_tag_type { feature_id = 1, feature_tags = 2, feature_type = 3, feature_geometry = 4 };
enum : protozero::pbf_tag_type { value_string = 1, value_double = 3, value_uint = 5 };
enum geom_type : std::uint32_t { mvt_point = 1, mvt_linestring = 2, mvt_polygon = 3 };

std::uint32_t command(std::uint32_t id, std::uint32_t count) { return (id & 7) | (count << 3); }
std::uint32_t zigzag(std::int32_t v) { return static_cast<std::uint32_t>((v << 1) ^ (v >> 31)); }

struct int_point {
    std::int32_t x, y;
    friend bool operator==(int_point const&, int_point const&) = default;
};

std::vector<int_point> to_tile_units(std::vector<point> const& unit, tiles::tile_id t, unsigned extent) {
    double const n = std::ldexp(1.0, static_cast<int>(t.z));
    std::vector<int_point> out;
    out.reserve(unit.size());
    for (auto const& u : unit) {
        int_point const p{static_cast<std::int32_t>(std::lround((u.x * n - t.x) * extent)),
                          static_cast<std::int32_t>(std::lround((u.y * n - t.y) * extent))};
        if (out.empty() || !(out.back() == p)) out.push_back(p);
    }
    return out;
}

std::int64_t area2(std::vector<int_point> const& r) {  // twice the signed area (surveyor's formula)
    std::int64_t a = 0;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
        a += static_cast<std::int64_t>(r[j].x) * r[i].y - static_cast<std::int64_t>(r[i].x) * r[j].y;
    return a;
}

struct geometry_encoder {
    std::vector<std::uint32_t> commands;
    int_point cursor{0, 0};
    void move_to(int_point p) {
        commands.push_back(command(1, 1));
        delta(p);
    }
    void line_to(std::vector<int_point> const& pts, std::size_t from, std::size_t to) {
        if (to <= from) return;
        commands.push_back(command(2, static_cast<std::uint32_t>(to - from)));
        for (std::size_t i = from; i < to; ++i) delta(pts[i]);
    }
    void close() { commands.push_back(command(7, 1)); }
    void delta(int_point p) {
        commands.push_back(zigzag(p.x - cursor.x));
        commands.push_back(zigzag(p.y - cursor.y));
        cursor = p;
    }
};
}  // namespace

tile_result tile_index::mvt(tiles::tile_id t, std::vector<std::uint32_t> const* allowed) const {
    tile_result result;
    auto const prepared = prepare(t, allowed);
    std::vector<std::string> const& all_keys = property_names();
    // Only the keys some feature of this tile uses go into its layer, in
    // the order first used (empty and null values are left out, so a tile
    // without companies has no "company" key).
    std::vector<std::int32_t> key_slot(all_keys.size(), -1);
    std::vector<std::string_view> keys;
    std::map<std::string, std::uint32_t> string_values;
    std::map<double, std::uint32_t> number_values;
    std::vector<std::string> encoded_values;  // Value messages in index order
    std::size_t values_bytes = 0;              // their size as framed in the layer: the bound counts them too
    auto value_index = [&](value const& v) -> std::uint32_t {
        std::string msg;
        protozero::pbf_writer w{msg};
        if (auto const* s = std::get_if<std::string>(&v)) {
            auto [it, fresh] = string_values.try_emplace(*s, static_cast<std::uint32_t>(encoded_values.size()));
            if (!fresh) return it->second;
            w.add_string(value_string, *s);
        } else {
            double const d = std::holds_alternative<std::int64_t>(v) ? static_cast<double>(std::get<std::int64_t>(v)) : std::get<double>(v);
            auto [it, fresh] = number_values.try_emplace(d, static_cast<std::uint32_t>(encoded_values.size()));
            if (!fresh) return it->second;
            if (d >= 0 && d == std::floor(d) && d < 1e15)
                w.add_uint64(value_uint, static_cast<std::uint64_t>(d));
            else
                w.add_double(value_double, d);
        }
        values_bytes += 1 + protozero::length_of_varint(msg.size()) + msg.size();
        encoded_values.push_back(std::move(msg));
        return static_cast<std::uint32_t>(encoded_values.size() - 1);
    };
    auto role = [&](std::string const& field, feature const& f) -> value {
        int const i = c_.field_index(field);
        return i >= 0 ? f.properties[static_cast<std::size_t>(i)] : value(std::monostate{});
    };

    std::string features;  // encoded Feature messages, each wrapped as layer field 2
    std::size_t const budget = options_.max_tile_bytes > 1024 ? options_.max_tile_bytes - 1024 : 0;
    part p;
    for (std::size_t k = 0; k < prepared.candidates.size(); ++k) {
        std::uint32_t const i = prepared.candidates[k];
        feature const& f = c_.features[i];
        bool dropped = false;
        if (!cut(i, prepared, p, dropped)) {
            ++result.dropped;  // it meets the tile but is below a pixel at this zoom
            continue;
        }
        geometry_encoder g;
        std::uint32_t type = 0;
        if (!p.points.empty()) {
            type = mvt_point;
            auto const pts = to_tile_units(p.points, t, options_.extent);
            g.commands.push_back(command(1, static_cast<std::uint32_t>(pts.size())));
            for (auto const& q : pts) g.delta(q);
        } else if (!p.polygon_starts.empty()) {
            type = mvt_polygon;
            for (std::size_t pi = 0; pi < p.polygon_starts.size(); ++pi) {
                std::size_t const begin = p.polygon_starts[pi];
                std::size_t const end = pi + 1 < p.polygon_starts.size() ? p.polygon_starts[pi + 1] : p.rings_or_lines.size();
                for (std::size_t r = begin; r < end; ++r) {
                    auto pts = to_tile_units(p.rings_or_lines[r], t, options_.extent);
                    if (pts.size() > 1 && pts.front() == pts.back()) pts.pop_back();
                    if (pts.size() < 3) {
                        if (r == begin) break;
                        continue;
                    }
                    std::int64_t const a = area2(pts);
                    if (a == 0) {
                        if (r == begin) break;
                        continue;
                    }
                    // Exterior rings positive (clockwise with y down), holes negative.
                    if ((r == begin) != (a > 0)) std::reverse(pts.begin(), pts.end());
                    g.move_to(pts[0]);
                    g.line_to(pts, 1, pts.size());
                    g.close();
                }
            }
        } else {
            type = mvt_linestring;
            for (auto const& l : p.rings_or_lines) {
                auto const pts = to_tile_units(l, t, options_.extent);
                if (pts.size() < 2) continue;
                g.move_to(pts[0]);
                g.line_to(pts, 1, pts.size());
            }
        }
        if (g.commands.empty()) {
            ++result.dropped;
            continue;
        }
        std::string names;
        for (auto const& s : f.provinces) names += (names.empty() ? "" : ", ") + provinces_.provinces()[s.province].name;
        std::vector<std::pair<std::uint32_t, value>> const props = {
            {0, role(c_.roles.name, f)},
            {1, role(c_.roles.company, f)},
            {2, role(c_.roles.purpose, f)},
            {3, std::round(f.area_ha)},  // whole hectares, as in GeoJSON tiles
            {4, names},
            {5, f.contract_date ? value(*f.contract_date) : value(std::monostate{})}};
        std::vector<std::uint32_t> tags;
        std::size_t const values_before = encoded_values.size();
        for (auto const& [key, v] : props) {
            if (is_null(v)) continue;
            if (auto const* s = std::get_if<std::string>(&v); s && s->empty()) continue;
            if (key_slot[key] < 0) {
                key_slot[key] = static_cast<std::int32_t>(keys.size());
                keys.push_back(all_keys[key]);
            }
            tags.push_back(static_cast<std::uint32_t>(key_slot[key]));
            tags.push_back(value_index(v));
        }
        std::string msg;
        {
            protozero::pbf_writer fw{msg};
            if (f.id >= 0) fw.add_uint64(feature_id, static_cast<std::uint64_t>(f.id));
            fw.add_packed_uint32(feature_tags, tags.begin(), tags.end());
            fw.add_enum(feature_type, static_cast<std::int32_t>(type));
            fw.add_packed_uint32(feature_geometry, g.commands.begin(), g.commands.end());
        }
        if (features.size() + msg.size() + 8 + values_bytes > budget) {
            encoded_values.resize(values_before);  // nor the values only this feature used
            result.omitted = prepared.candidates.size() - k;
            break;
        }
        protozero::pbf_writer wrap{features};
        wrap.add_message(layer_features, msg);
        ++result.features;
    }
    if (result.features == 0) return result;  // empty tile: empty body (the server answers 204)
    std::string layer;
    {
        protozero::pbf_writer lw{layer};
        lw.add_uint32(layer_version, 2);
        lw.add_string(layer_name, c_.id);
        layer += features;  // already framed as field 2
        for (auto const& k : keys) lw.add_string(layer_keys, k.data(), k.size());
        for (auto const& v : encoded_values) lw.add_message(layer_values, v);
        lw.add_uint32(layer_extent, options_.extent);
    }
    protozero::pbf_writer tw{result.body};
    tw.add_message(tile_layers, layer);
    return result;
}

}  // namespace geo
