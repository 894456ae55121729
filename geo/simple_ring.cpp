#include "geo/simple_ring.hpp"

#include <algorithm>
#include <cmath>

namespace geo {

namespace {

struct segment {
    point a, b;
    double min_x, max_x, min_y, max_y;
};

double cross(point const& o, point const& a, point const& b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

// -1, 0 or 1, with anything within rounding distance of collinear taken as 0
// so that near-degenerate cases go to GEOS.
int side(point const& o, point const& a, point const& b, double eps) {
    double const c = cross(o, a, b);
    return c > eps ? 1 : (c < -eps ? -1 : 0);
}

// Whether two segments might meet (touching counts).
bool may_meet(segment const& s, segment const& t, double eps) {
    int const o1 = side(s.a, s.b, t.a, eps), o2 = side(s.a, s.b, t.b, eps);
    if (o1 != 0 && o1 == o2) return false;
    int const o3 = side(t.a, t.b, s.a, eps), o4 = side(t.a, t.b, s.b, eps);
    if (o3 != 0 && o3 == o4) return false;
    return true;
}

bool simple_ring(ring const& r) {
    // Distinct consecutive vertices (repeated points are valid, but not edges).
    // Scratch space reused across calls on the same (loading) thread.
    thread_local std::vector<point> v;
    thread_local std::vector<segment> segs;
    thread_local std::vector<std::size_t> order, active;
    v.clear();
    for (auto const& p : r)
        if (v.empty() || !(v.back() == p)) v.push_back(p);
    if (v.size() < 4 || !(v.front() == v.back())) return false;
    v.pop_back();
    std::size_t const n = v.size();

    box b;
    for (auto const& p : v) b.expand(p);
    double const scale = std::max(b.max_x - b.min_x, b.max_y - b.min_y);
    if (!(scale > 0) || !std::isfinite(scale)) return false;
    double const eps = scale * scale * 1e-12;

    segs.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        point const& p = v[i];
        point const& q = v[(i + 1) % n];
        segs[i] = {p, q, std::min(p.x, q.x), std::max(p.x, q.x), std::min(p.y, q.y), std::max(p.y, q.y)};
    }
    // A spike (an edge folding back on the previous one) is a self-intersection.
    for (std::size_t i = 0; i < n; ++i) {
        point const& p = v[i];
        point const& q = v[(i + 1) % n];
        point const& s = v[(i + 2) % n];
        if (side(p, q, s, eps) == 0 && ((q.x - p.x) * (s.x - q.x) + (q.y - p.y) * (s.y - q.y)) <= 0) return false;
    }
    // Sweep along x: each segment against the active ones it overlaps.
    order.resize(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return segs[x].min_x < segs[y].min_x; });
    active.clear();
    for (std::size_t i : order) {
        segment const& s = segs[i];
        std::size_t keep = 0;
        for (std::size_t k = 0; k < active.size(); ++k) {
            std::size_t const j = active[k];
            segment const& t = segs[j];
            if (t.max_x < s.min_x) continue;  // finished: drop it
            active[keep++] = j;
            if (t.max_y < s.min_y || s.max_y < t.min_y) continue;
            bool const adjacent = j == (i + 1) % n || i == (j + 1) % n;
            if (!adjacent && may_meet(s, t, eps)) return false;
        }
        active.resize(keep);
        active.push_back(i);
    }
    return true;
}

}  // namespace

bool certainly_valid(geometry const& g) {
    if (g.type != geometry_type::polygon || g.polygons.size() != 1) return false;
    auto const& p = g.polygons.front();
    return p.rings.size() == 1 && simple_ring(p.rings.front());
}

}  // namespace geo
