#include "geo/clip.hpp"

namespace geo {

namespace {
enum class edge { left, right, bottom, top };

bool inside(point const& p, box const& b, edge e) {
    switch (e) {
        case edge::left: return p.x >= b.min_x;
        case edge::right: return p.x <= b.max_x;
        case edge::bottom: return p.y >= b.min_y;
        case edge::top: return p.y <= b.max_y;
    }
    return true;
}

point crossing(point const& a, point const& c, box const& b, edge e) {
    double t = 0;
    switch (e) {
        case edge::left: t = (b.min_x - a.x) / (c.x - a.x); return {b.min_x, a.y + t * (c.y - a.y)};
        case edge::right: t = (b.max_x - a.x) / (c.x - a.x); return {b.max_x, a.y + t * (c.y - a.y)};
        case edge::bottom: t = (b.min_y - a.y) / (c.y - a.y); return {a.x + t * (c.x - a.x), b.min_y};
        case edge::top: t = (b.max_y - a.y) / (c.y - a.y); return {a.x + t * (c.x - a.x), b.max_y};
    }
    return a;
}
}  // namespace

ring clip_ring(ring const& r, box const& b) {
    if (r.size() < 4) return {};
    box rb;
    for (auto const& p : r) rb.expand(p);
    if (!rb.intersects(b)) return {};
    if (rb.min_x >= b.min_x && rb.max_x <= b.max_x && rb.min_y >= b.min_y && rb.max_y <= b.max_y) return r;
    // Work on the open ring (no repeated closing vertex), in buffers kept
    // between calls.
    thread_local std::vector<point> current, next;
    current.assign(r.begin(), r.end() - 1);
    for (edge e : {edge::left, edge::right, edge::bottom, edge::top}) {
        next.clear();
        for (std::size_t i = 0; i < current.size(); ++i) {
            point const& a = current[(i + current.size() - 1) % current.size()];
            point const& c = current[i];
            bool const ain = inside(a, b, e), cin = inside(c, b, e);
            if (cin) {
                if (!ain) next.push_back(crossing(a, c, b, e));
                next.push_back(c);
            } else if (ain) {
                next.push_back(crossing(a, c, b, e));
            }
        }
        current.swap(next);
        if (current.empty()) return {};
    }
    if (current.size() < 3) return {};
    ring out;
    out.reserve(current.size() + 1);
    out.assign(current.begin(), current.end());
    out.push_back(current.front());
    return out;
}

bool clip_segment(point const& p, point const& q, box const& b, double& t0, double& t1) {
    // Liang-Barsky: each edge k bounds t through p_k * t <= q_k.
    t0 = 0;
    t1 = 1;
    double const dx = q.x - p.x, dy = q.y - p.y;
    auto edge = [&](double pk, double qk) {
        if (pk == 0) return qk >= 0;  // parallel to this edge: inside it or never
        double const t = qk / pk;
        if (pk < 0) {  // entering
            if (t > t1) return false;
            if (t > t0) t0 = t;
        } else {  // leaving
            if (t < t0) return false;
            if (t < t1) t1 = t;
        }
        return true;
    };
    return edge(-dx, p.x - b.min_x) && edge(dx, b.max_x - p.x) && edge(-dy, p.y - b.min_y) && edge(dy, b.max_y - p.y) &&
           t0 <= t1;
}

std::vector<line_string> clip_line(line_string const& l, box const& b) {
    std::vector<line_string> out;
    line_string piece;
    auto flush = [&] {
        if (piece.size() >= 2) out.push_back(std::move(piece));
        piece.clear();
    };
    auto in_box = [&](point const& p) { return p.x >= b.min_x && p.x <= b.max_x && p.y >= b.min_y && p.y <= b.max_y; };
    for (std::size_t i = 0; i + 1 < l.size(); ++i) {
        point const p = l[i], q = l[i + 1];
        double t0 = 0, t1 = 1;
        if (!clip_segment(p, q, b, t0, t1)) {
            flush();
            continue;
        }
        double const dx = q.x - p.x, dy = q.y - p.y;
        point const a{p.x + t0 * dx, p.y + t0 * dy}, c{p.x + t1 * dx, p.y + t1 * dy};
        if (piece.empty() || !(piece.back() == a)) {
            flush();
            piece.push_back(a);
        }
        piece.push_back(c);
        if (!in_box(q)) flush();
    }
    flush();
    return out;
}

}  // namespace geo
