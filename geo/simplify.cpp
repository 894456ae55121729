#include "geo/simplify.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace geo {

namespace {

// Douglas-Peucker on one run of points; both ends are kept (a closed ring
// keeps its first point, and the point farthest from it): the vertices that
// matter beyond the tolerance, by the tiler's own measure.
std::vector<point> douglas_peucker(std::vector<point> const& pts, double tolerance) {
    std::size_t const n = pts.size();
    if (n < 3) return pts;
    std::vector<float> importance(n);
    importance_of(pts, importance.data(), tolerance * tolerance);
    std::vector<point> out;
    for (std::size_t i = 0; i < n; ++i)
        if (importance[i] > 0) out.push_back(pts[i]);
    return out;
}

box box_of(std::vector<point> const& pts) {
    box b;
    for (auto const& p : pts) b.expand(p);
    return b;
}

bool smaller_than(std::vector<point> const& r, double tolerance) {
    box const b = box_of(r);
    return b.max_x - b.min_x < tolerance && b.max_y - b.min_y < tolerance;
}

// The simplified ring, or an empty one when it is too small to draw. A ring
// long but thinner than the tolerance (an islet, a spit) would flatten to a
// line: it is simplified with a smaller tolerance, or kept whole.
ring simplified_ring(ring const& r, double tolerance) {
    if (smaller_than(r, tolerance) || r.size() < 4) return {};
    for (double t = tolerance; t >= tolerance / 64; t /= 4) {
        ring s = douglas_peucker(r, t);
        if (s.size() >= 4) return s;
    }
    return r;
}

double box_area(polygon const& p) {
    if (p.rings.empty()) return 0;
    box const b = box_of(p.rings[0]);
    return (b.max_x - b.min_x) * (b.max_y - b.min_y);
}

std::vector<polygon> simplified_polygons(std::vector<polygon> const& polygons, double tolerance) {
    std::vector<polygon> out;
    for (auto const& p : polygons) {
        if (p.rings.empty()) continue;
        polygon s;
        for (auto const& r : p.rings) {
            ring kept = simplified_ring(r, tolerance);
            if (kept.empty() && s.rings.empty()) break;  // no exterior: the holes go with it
            if (!kept.empty()) s.rings.push_back(std::move(kept));
        }
        if (!s.rings.empty()) out.push_back(std::move(s));
    }
    if (out.empty() && !polygons.empty()) {
        // Everything was below the tolerance: keep the largest part whole.
        polygon const* largest = &polygons[0];
        for (auto const& p : polygons)
            if (box_area(p) > box_area(*largest)) largest = &p;
        if (!largest->rings.empty()) out.push_back(polygon{{largest->rings[0]}});
    }
    return out;
}

}  // namespace

double sq_segment_distance(point const& p, point const& a, point const& b) {
    double x = a.x, y = a.y;
    double const dx = b.x - x, dy = b.y - y;
    if (dx != 0 || dy != 0) {
        double const t = ((p.x - x) * dx + (p.y - y) * dy) / (dx * dx + dy * dy);
        if (t > 1) {
            x = b.x;
            y = b.y;
        } else if (t > 0) {
            x += dx * t;
            y += dy * t;
        }
    }
    return (p.x - x) * (p.x - x) + (p.y - y) * (p.y - y);
}

// Douglas-Peucker importance (geojson-vt's simplify): the squared distance
// at which each vertex stops mattering; ends are always kept.
void importance_of(std::vector<point> const& pts, float* out, double min_sq) {
    std::size_t const n = pts.size();
    if (n == 0) return;
    std::fill(out, out + n, 0.0f);
    out[0] = out[n - 1] = 1.0f;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{0, n - 1}};
    while (!stack.empty()) {
        auto const [first, last] = stack.back();
        stack.pop_back();
        double max_sq = min_sq;
        std::size_t index = 0;
        for (std::size_t i = first + 1; i < last; ++i) {
            double const d = sq_segment_distance(pts[i], pts[first], pts[last]);
            if (d > max_sq) {
                index = i;
                max_sq = d;
            }
        }
        if (index) {
            out[index] = static_cast<float>(std::min(max_sq, 1.0));
            if (index - first > 1) stack.emplace_back(first, index);
            if (last - index > 1) stack.emplace_back(index, last);
        }
    }
}

geometry simplified(geometry const& g, double tolerance) {
    if (!(tolerance > 0)) return g;
    geometry out;
    out.type = g.type;
    out.points = g.points;
    for (auto const& l : g.lines) out.lines.push_back(douglas_peucker(l, tolerance));
    out.polygons = simplified_polygons(g.polygons, tolerance);
    return out;
}

int decimals_for(double tolerance) {
    int d = 1;
    while (d < 9 && std::pow(10.0, -d) > tolerance / 10) ++d;
    return d;
}

}  // namespace geo
