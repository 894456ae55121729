#include "geo/feature_query.hpp"

#include "geo/clip.hpp"
#include "geo/geos_overlay.hpp"
#include "geo/number_format.hpp"
#include "geo/purpose_class.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>
#include <span>

namespace geo {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    auto const b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

std::optional<double> to_number(std::string_view s) {
    std::string const t = trim(s);
    double v = 0;
    auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// --- geometry against a box ------------------------------------------------

bool inside(point const& p, box const& b) { return p.x >= b.min_x && p.x <= b.max_x && p.y >= b.min_y && p.y <= b.max_y; }

bool segment_meets_box(point const& p, point const& q, box const& b) {
    double t0 = 0, t1 = 1;
    return clip_segment(p, q, b, t0, t1);
}

// Which sides of the box a point lies beyond (Cohen-Sutherland); 0 inside.
unsigned outcode(point const& p, box const& b) {
    return static_cast<unsigned>(p.x < b.min_x) | static_cast<unsigned>(p.x > b.max_x) << 1 |
           static_cast<unsigned>(p.y < b.min_y) << 2 | static_cast<unsigned>(p.y > b.max_y) << 3;
}

// pts: size() and operator[] giving a point (a vector, or a compact_ring).
template <typename Points>
bool line_meets_box(Points const& pts, box const& b) {
    unsigned previous = 0;
    point p{};
    for (std::size_t i = 0; i < pts.size(); ++i) {
        point const q = pts[i];
        unsigned const code = outcode(q, b);
        if (code == 0) return true;
        // Both ends beyond the same side: the edge cannot reach the box, and
        // most edges of a large polygon are cut off by this alone.
        if (i > 0 && (code & previous) == 0 && segment_meets_box(p, q, b)) return true;
        previous = code;
        p = q;
    }
    return false;
}

}  // namespace

namespace {
// A ring of a compact geometry: its vertices read as doubles where needed.
struct compact_ring {
    compact_geometry const* g;
    std::size_t start, n;
    std::size_t size() const { return n; }
    point operator[](std::size_t i) const { return g->at(start + i); }
};

// A box's sides and its centre's latitude as thresholds on one compact
// geometry's integers. compact_geometry::at divides an integer by a
// positive constant, correctly rounded: it never decreases as the integer
// grows, so "x < min_x" holds exactly for the integers below the least
// whose at() reaches min_x, and so on. The outcodes and the side of the
// centre then come from integer comparisons, and a vertex is read as
// degrees only for an edge that needs arithmetic (it may cross into the
// box, or cross the centre's ray): the same answers as the doubles give.
struct scaled_box {
    std::int64_t below_x, above_x, below_y, above_y, above_centre_y;

    // Whether the thresholds can be made (every coordinate of a box in
    // degrees can: far below 2^53 in tenths of a nanodegree).
    static std::optional<scaled_box> of(box const& b, double centre_y, int decimals) {
        double const scale = detail::decimal_scale[decimals];
        for (double v : {b.min_x, b.max_x, b.min_y, b.max_y})
            if (!(std::fabs(v * scale) < 0x1p52)) return std::nullopt;
        return scaled_box{least_reaching(b.min_x, scale), greatest_within(b.max_x, scale),
                          least_reaching(b.min_y, scale), greatest_within(b.max_y, scale),
                          greatest_within(centre_y, scale)};
    }
    unsigned outcode(std::int64_t x, std::int64_t y) const {
        return static_cast<unsigned>(x < below_x) | static_cast<unsigned>(x > above_x) << 1 |
               static_cast<unsigned>(y < below_y) << 2 | static_cast<unsigned>(y > above_y) << 3;
    }

private:
    static double at(std::int64_t n, double scale) { return static_cast<double>(n) / scale; }  // as compact_geometry::at
    // The least n with at(n) >= e.
    static std::int64_t least_reaching(double e, double scale) {
        auto n = static_cast<std::int64_t>(std::floor(e * scale));
        while (at(n, scale) >= e) --n;
        while (at(n + 1, scale) < e) ++n;
        return n + 1;
    }
    // The greatest n with at(n) <= e.
    static std::int64_t greatest_within(double e, double scale) {
        auto n = static_cast<std::int64_t>(std::ceil(e * scale));
        while (at(n, scale) > e) --n;
        while (at(n + 1, scale) <= e) ++n;
        return n;
    }
};

// The rings polygon_meets_box reads: size(), operator[] (a vertex in
// degrees), code(i) (its outcode against the box) and above(i) (whether
// it lies north of the box's centre).
struct plain_ring {
    ring const* r;
    box const* b;
    double centre_y;
    std::size_t size() const { return r->size(); }
    point operator[](std::size_t i) const { return (*r)[i]; }
    unsigned code(std::size_t i) const { return outcode((*r)[i], *b); }
    bool above(std::size_t i) const { return (*r)[i].y > centre_y; }
};
struct scaled_ring {
    compact_geometry const* g;
    scaled_box const* s;
    std::size_t start, n;
    std::int32_t const* offsets;  // the ring's first vertex's
    std::int64_t origin_x, origin_y;
    std::size_t size() const { return n; }
    point operator[](std::size_t i) const { return g->at(start + i); }
    unsigned code(std::size_t i) const { return s->outcode(origin_x + offsets[2 * i], origin_y + offsets[2 * i + 1]); }
    bool above(std::size_t i) const { return origin_y + offsets[2 * i + 1] > s->above_centre_y; }
};

// One polygon (its rings, exterior first: ring_at(k) gives a ring as
// above) against a box, one pass per ring: does an edge reach the box, and
// (in case none does) does the polygon hold the box's centre. With `runs`
// (the bounding boxes of each ring's runs of edge_run edges, in order;
// advanced past this polygon's), a run is read only if its box meets the
// box or may cross the centre's ray.
template <typename RingAt>
bool polygon_meets_box(std::size_t ring_count, RingAt&& ring_at, box const& b, box const*& runs) {
    point const centre{(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
    bool centre_inside = false;
    for (std::size_t k = 0; k < ring_count; ++k) {
        auto const& r = ring_at(k);
        bool in = false;
        for (std::size_t first = 0; first + 1 < r.size(); first += edge_run) {
            std::size_t const last = std::min(first + edge_run, r.size() - 1);  // edges first..last-1
            bool meets = true, may_cross = true;
            if (runs) {
                box const& rb = *runs++;
                meets = rb.intersects(b);
                // The ray runs east from the centre; an edge crosses it only
                // if its ends lie on both sides of centre.y, east of centre.x.
                may_cross = rb.max_y > centre.y && rb.min_y <= centre.y && rb.max_x > centre.x;
                if (!meets && !may_cross) continue;
            }
            unsigned previous = r.code(first);
            if (meets && previous == 0) return true;
            bool previous_above = r.above(first);
            for (std::size_t i = first + 1; i <= last; ++i) {
                unsigned const code = r.code(i);
                bool const above = r.above(i);
                if (meets) {
                    if (code == 0) return true;
                    if ((code & previous) == 0 && segment_meets_box(r[i - 1], r[i], b)) return true;
                }
                if (may_cross && above != previous_above) {
                    point const p = r[i - 1], q = r[i];
                    if (centre.x < (p.x - q.x) * (centre.y - q.y) / (p.y - q.y) + q.x) in = !in;
                }
                previous = code;
                previous_above = above;
            }
        }
        if (k == 0)
            centre_inside = in;
        else if (in)
            centre_inside = false;  // in a hole
    }
    return centre_inside;  // the box lies inside the polygon
}

bool points_or_lines_meet_box(geometry const& g, box const& b) {
    for (auto const& p : g.points)
        if (inside(p, b)) return true;
    for (auto const& l : g.lines)
        if (line_meets_box(l, b)) return true;
    return false;
}
}  // namespace

bool intersects(geometry const& g, box const& b) {
    if (points_or_lines_meet_box(g, b)) return true;
    box const* no_runs = nullptr;
    double const centre_y = (b.min_y + b.max_y) / 2;
    for (auto const& poly : g.polygons) {
        plain_ring current{nullptr, &b, centre_y};
        auto ring_at = [&](std::size_t k) -> plain_ring const& {
            current.r = &poly.rings[k];
            return current;
        };
        if (polygon_meets_box(poly.rings.size(), ring_at, b, no_runs)) return true;
    }
    return false;
}

bool intersects(feature const& f, box const& b) {
    // Apart from the box, nothing meets it; within it, any geometry does:
    // no vertex need be read.
    if (f.bbox.valid() && !f.bbox.intersects(b)) return false;
    if (f.bbox.valid() && f.bbox.min_x >= b.min_x && f.bbox.max_x <= b.max_x && f.bbox.min_y >= b.min_y && f.bbox.max_y <= b.max_y)
        return true;
    compact_geometry const& g = f.geom;
    if (g.type() != geometry_type::polygon && g.type() != geometry_type::multi_polygon) {
        for (std::size_t i = 0; i < g.point_count(); ++i)
            if (inside(g.at(i), b)) return true;
        std::size_t at = 0;
        for (auto n : g.line_sizes()) {
            if (line_meets_box(compact_ring{&g, at, n}, b)) return true;
            at += n;
        }
        return false;
    }
    auto const scaled = scaled_box::of(b, (b.min_y + b.max_y) / 2, g.decimals());
    if (!scaled) return intersects(g.expand(), b);  // a box beyond any longitude or latitude
    box const* runs = f.edge_runs.empty() ? nullptr : f.edge_runs.data();
    std::size_t at = 0;
    bool met = false;
    g.for_each_polygon([&](std::span<std::uint32_t const> ring_sizes) {
        if (met) return;
        // polygon_meets_box reads the rings in order, each once.
        scaled_ring current{&g, &*scaled, at, 0, g.offsets() + 2 * at, g.origin_x(), g.origin_y()};
        auto ring_at = [&](std::size_t k) -> scaled_ring const& {
            current.start += current.n;
            current.offsets += 2 * current.n;
            current.n = ring_sizes[k];
            return current;
        };
        met = polygon_meets_box(ring_sizes.size(), ring_at, b, runs);
        for (auto n : ring_sizes) at += n;
    });
    return met;
}

std::vector<std::string> queryable_names(collection const& c) {
    std::vector<std::string> names;
    for (auto const& f : c.fields) names.push_back(f.name);
    for (char const* computed : {"id", "area_ha", "contract_date"})
        if (std::find(names.begin(), names.end(), computed) == names.end()) names.emplace_back(computed);
    auto const add = [&](char const* name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    };
    if (has_end_dates(c)) add("end_date");
    if (has_cancellations(c)) add("cancelled_date");
    if (c.field_index(c.roles.purpose) >= 0) add("purpose_class");
    return names;
}

namespace {

// How one property of a feature is read for filtering and sorting.
struct property_reader {
    enum class kind { field, id, area, contract_date, end_date, cancelled_date, purpose_class } k = kind::field;
    int field = -1;

    static property_reader of(collection const& c, std::string const& name) {
        if (int const i = c.field_index(name); i >= 0) return {kind::field, i};
        if (name == "id") return {kind::id, -1};
        if (name == "area_ha") return {kind::area, -1};
        if (name == "contract_date") return {kind::contract_date, -1};
        if (name == "end_date") return {kind::end_date, -1};
        if (name == "cancelled_date") return {kind::cancelled_date, -1};
        if (name == "purpose_class") return {kind::purpose_class, -1};
        return {kind::field, -1};
    }
    value get(feature const& f) const {
        switch (k) {
            case kind::id: return f.id;
            case kind::area: return f.area_ha;
            case kind::contract_date: return f.contract_date ? value(*f.contract_date) : value(std::monostate{});
            case kind::end_date: return f.end_date ? value(*f.end_date) : value(std::monostate{});
            case kind::cancelled_date: return f.cancelled_date ? value(*f.cancelled_date) : value(std::monostate{});
            case kind::purpose_class: {  // sorts by the classes' names, in table order
                if (!f.purpose_classes) return std::monostate{};
                std::string names;
                for (auto n : purpose_class_names(f.purpose_classes)) names.append(names.empty() ? "" : ", ").append(n);
                return names;
            }
            case kind::field: return field >= 0 ? f.properties[static_cast<std::size_t>(field)] : value(std::monostate{});
        }
        return std::monostate{};
    }
};

bool equals(value const& v, std::string const& wanted) {
    if (auto const* s = std::get_if<std::string>(&v)) return lower(trim(*s)) == lower(trim(wanted));
    if (is_null(v)) return false;
    auto const w = to_number(wanted);
    if (!w) return false;
    if (auto const* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i) == *w;
    return std::get<double>(v) == *w;
}

// -1, 0, 1 with nulls after everything.
int compare(value const& a, value const& b) {
    bool const an = is_null(a), bn = is_null(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    auto num = [](value const& v) -> std::optional<double> {
        if (auto const* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
        if (auto const* d = std::get_if<double>(&v)) return *d;
        return std::nullopt;
    };
    if (auto x = num(a), y = num(b); x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
    std::string const x = lower(text_of(a)), y = lower(text_of(b));
    return x < y ? -1 : (x > y ? 1 : 0);
}

std::vector<int> text_fields(collection const& c) {
    std::vector<int> out;
    for (auto const* role : {&c.roles.name, &c.roles.company, &c.roles.purpose, &c.roles.nationality})
        if (int const i = c.field_index(*role); i >= 0 && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
    if (out.empty())
        for (std::size_t i = 0; i < c.fields.size(); ++i)
            if (c.fields[i].type == field_type::string) out.push_back(static_cast<int>(i));
    return out;
}

searchable_text searchable_of(feature const& f, std::vector<int> const& fields) {
    std::vector<std::string const*> values;
    for (int fi : fields) values.push_back(std::get_if<std::string>(&f.properties[static_cast<std::size_t>(fi)]));
    return make_searchable(values);
}

}  // namespace

void keep_search_text(collection& c) {
    std::vector<int> const fields = text_fields(c);
    c.search_text.clear();
    c.search_text.reserve(c.features.size());
    for (auto const& f : c.features) c.search_text.push_back(searchable_of(f, fields));
}

bool overlap_names::operator()(std::string_view of, std::int64_t id, std::string const& name) const {
    if (of != o_.collection) return false;
    if (o_.name.empty() || o_.name == std::to_string(id)) return true;
    std::string const* const texts[] = {&name};
    searchable_text const text = make_searchable(texts);
    return words_.matches(text.lower, text.keys);
}

std::vector<bool> overlap_targets_named(collection const& c, overlap_filter const& o) {
    overlap_names const names(o);
    std::vector<bool> named(c.overlap_targets.size());
    for (std::size_t t = 0; t < named.size(); ++t) {
        auto const& target = c.overlap_targets[t];
        named[t] = names(target.collection, target.id, target.name);
    }
    return named;
}

namespace {
// Positions (distinct, each below n) sorted: through a bitmap when they are
// many (a date range or a window holding a good part of the collection),
// which costs n/64 words and a pass, where sorting tens of thousands costs
// milliseconds.
void in_position_order(std::vector<std::uint32_t>& positions, std::size_t n) {
    if (positions.size() < n / 32) {
        std::sort(positions.begin(), positions.end());
        return;
    }
    std::vector<std::uint64_t> bits((n + 63) / 64);
    for (auto p : positions) bits[p / 64] |= std::uint64_t{1} << (p % 64);
    positions.clear();
    for (std::size_t w = 0; w < bits.size(); ++w)
        for (std::uint64_t word = bits[w]; word; word &= word - 1)
            positions.push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(word))));
}
}  // namespace

std::vector<std::uint32_t> select(collection const& c, feature_query const& q, std::vector<sort_key> const& sort) {
    std::vector<std::uint32_t> candidates;
    // The R-tree narrows to the box and the area's bounds; the exact tests follow.
    std::optional<box> window = q.bbox;
    auto narrow_to = [&](box const& b) {
        window = !window ? b
                         : box{std::max(b.min_x, window->min_x), std::max(b.min_y, window->min_y),
                               std::min(b.max_x, window->max_x), std::min(b.max_y, window->max_y)};
    };
    if (q.area) narrow_to(bounds(*q.area));
    std::optional<cql2::predicate> filter;
    if (q.filter) {
        auto compiled = cql2::compile(*q.filter, c, queryable_names(c), q.provinces);
        if (std::holds_alternative<cql2::error>(compiled)) return {};  // refused before it got here
        filter.emplace(std::move(std::get<cql2::predicate>(compiled)));
        // S_INTERSECTS(geometry, <literal>) and the like: the R-tree finds what is near it.
        if (auto const b = filter->spatial_bounds()) narrow_to(*b);
    }
    if (window && !window->valid()) return {};
    // A range of contract dates (datetime=, or a temporal filter= on
    // contract_date) is looked up in the date order, not tested on every feature.
    std::optional<std::pair<std::string, std::string>> dates;
    if (q.date_from || q.date_to) dates.emplace(q.date_from.value_or(""), q.date_to.value_or("\x7f"));
    if (auto const b = filter ? filter->contract_date_bounds() : std::nullopt)
        dates = !dates ? *b : std::pair{std::max(dates->first, b->first), std::min(dates->second, b->second)};
    std::span<std::uint32_t const> dated;  // the features in that range, in date order
    if (dates && c.dates_indexed) {
        auto const& order = c.by_contract_date;
        auto date_of = [&](std::uint32_t i) -> std::string const& { return *c.features[i].contract_date; };
        auto const first = std::lower_bound(order.begin(), order.end(), dates->first,
                                            [&](std::uint32_t i, std::string const& d) { return date_of(i) < d; });
        auto const last = std::upper_bound(first, order.end(), dates->second,
                                           [&](std::string const& d, std::uint32_t i) { return d < date_of(i); });
        dated = {first, last};
    }
    // The features of the province asked for, in position order.
    bool const by_province = q.province && c.provinces_indexed;
    std::span<std::uint32_t const> in_province;
    if (by_province && *q.province < c.by_province.size()) in_province = c.by_province[*q.province];
    // The window is only worth the R-tree's walk when it holds fewer
    // features than the date range or the province, and not most of the
    // collection (a plain scan is then cheaper); the exact tests below
    // apply either way.
    if (window && c.extent.valid() && !c.features.empty()) {
        box const& e = c.extent;
        double const w = std::max(0.0, std::min(window->max_x, e.max_x) - std::max(window->min_x, e.min_x));
        double const h = std::max(0.0, std::min(window->max_y, e.max_y) - std::max(window->min_y, e.min_y));
        double const whole = (e.max_x - e.min_x) * (e.max_y - e.min_y);
        double const share = whole > 0 ? w * h / whole : 1;  // of the extent's area: features expected in the window
        double const in_window = share * static_cast<double>(c.features.size());
        if (share > 0.5 || (dates && c.dates_indexed && static_cast<double>(dated.size()) < in_window) ||
            (by_province && static_cast<double>(in_province.size()) < in_window))
            window.reset();
    }
    bool const dates_first = dates && c.dates_indexed && (!by_province || dated.size() < in_province.size());
    if (window) {
        for (auto it = c.index.qbegin(bgi::intersects(to_index_box(*window))); it != c.index.qend(); ++it)
            candidates.push_back(it->second);
        in_position_order(candidates, c.features.size());
    } else if (dates_first && !q.company) {
        candidates.assign(dated.begin(), dated.end());
        in_position_order(candidates, c.features.size());
    } else if (by_province && !q.company) {
        candidates.assign(in_province.begin(), in_province.end());
    } else if (!q.company) {
        candidates.resize(c.features.size());
        for (std::uint32_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
    }
    if (q.company) {  // the company's records, within the window if any
        auto const it = q.company->positions.find(c.id);
        if (it == q.company->positions.end()) return {};
        if (window) {
            std::vector<std::uint32_t> both;
            std::set_intersection(candidates.begin(), candidates.end(), it->second.begin(), it->second.end(),
                                  std::back_inserter(both));
            candidates = std::move(both);
        } else {
            candidates = it->second;
        }
    }
    struct equality {
        property_reader reader;
        std::string wanted;
        std::uint16_t classes = 0;  // purpose_class: any of the feature's classes is the one named
    };
    std::vector<equality> equals_readers;
    for (auto const& [name, wanted] : q.equals) {
        property_reader const reader = property_reader::of(c, name);
        bool const classes = reader.k == property_reader::kind::purpose_class;
        equals_readers.push_back({reader, wanted, classes ? purpose_class_bit(wanted).value_or(0) : std::uint16_t{0}});
    }
    std::vector<int> const searched = q.text.empty() ? std::vector<int>{} : text_fields(c);
    text_matcher const text(q.text);
    bool const kept_text = c.search_text.size() == c.features.size();
    std::optional<area_matcher> area;
    if (q.area) area.emplace(*q.area);
    std::vector<bool> const overlapped = q.overlaps ? overlap_targets_named(c, *q.overlaps) : std::vector<bool>{};

    std::vector<std::uint32_t> out;
    out.reserve(candidates.size());
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        std::uint32_t const i = candidates[k];
        feature const& f = c.features[i];
        // The box test chases pointers from feature to rings to runs: ask
        // for the next features' memory while this one is tested.
        if (q.bbox && k + 4 < candidates.size()) {
            feature const& ahead = c.features[candidates[k + 4]];
            __builtin_prefetch(&ahead.geom);
            __builtin_prefetch(&ahead.edge_runs);
            if (k + 2 < candidates.size()) {
                feature const& next = c.features[candidates[k + 2]];
                __builtin_prefetch(next.edge_runs.data());
                __builtin_prefetch(next.geom.layout().data());  // a point's is empty: null, which prefetch ignores
            }
        }
        if (q.province && std::none_of(f.provinces.begin(), f.provinces.end(),
                                       [&](province_share const& s) { return s.province == *q.province; }))
            continue;
        if ((q.date_from || q.date_to) &&
            (!f.contract_date || (q.date_from && *f.contract_date < *q.date_from) || (q.date_to && *f.contract_date > *q.date_to)))
            continue;
        if (q.as_of && !in_force(f, *q.as_of)) continue;
        if (q.overlaps && std::none_of(f.overlaps.begin(), f.overlaps.end(),
                                       [&](overlap_share const& o) { return overlapped[o.target]; }))
            continue;
        bool ok = true;
        for (auto const& e : equals_readers)
            if (e.reader.k == property_reader::kind::purpose_class ? !(f.purpose_classes & e.classes)
                                                                   : !equals(e.reader.get(f), e.wanted))
                ok = false;
        if (!ok) continue;
        if (!text.empty()) {
            searchable_text made;  // only for a collection without kept text
            if (!kept_text) made = searchable_of(f, searched);
            searchable_text const& t = kept_text ? c.search_text[i] : made;
            if (!text.matches(t.lower, t.keys)) continue;
        }
        if (q.bbox && !intersects(f, *q.bbox)) continue;
        if (filter && !filter->matches(f)) continue;
        if (area && !area->intersects(f.geom.expand())) continue;  // last: the dearest test
        out.push_back(i);
    }
    if (!sort.empty()) {
        std::vector<property_reader> readers;
        for (auto const& k : sort) readers.push_back(property_reader::of(c, k.field));
        std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
            for (std::size_t k = 0; k < sort.size(); ++k) {
                value const va = readers[k].get(c.features[a]), vb = readers[k].get(c.features[b]);
                int cmp = compare(va, vb);
                if (cmp != 0 && sort[k].descending && !is_null(va) && !is_null(vb)) cmp = -cmp;
                if (cmp != 0) return cmp < 0;
            }
            return c.features[a].id < c.features[b].id;
        });
    }
    return out;
}

std::optional<double> declared_ha(collection const& c, feature const& f) {
    int const i = c.field_index(c.roles.area_ha);
    if (i < 0) return std::nullopt;
    value const& v = f.properties[static_cast<std::size_t>(i)];
    if (auto const* d = std::get_if<double>(&v)) return *d;
    if (auto const* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
    if (auto const* s = std::get_if<std::string>(&v)) return to_number(*s);
    return std::nullopt;
}

std::vector<group_stats> statistics(collection const& c, std::vector<std::uint32_t> const& selection, stats_group group,
                                    province_index const& provinces, company_index const* companies) {
    std::map<std::string, group_stats> by_key;  // keyed case-insensitively, shown as first seen
    auto add = [&](std::string key, double area, double declared) {
        std::string const k = lower(key);
        auto [it, fresh] = by_key.try_emplace(k);
        if (fresh) it->second.key = std::move(key);
        ++it->second.count;
        it->second.area_ha += area;
        it->second.declared_ha += declared;
    };
    auto by_key_slug = [&](std::string const& key) -> std::string& { return by_key[lower(key)].slug; };
    auto role_text = [&](std::string const& role, feature const& f) {
        int const i = c.field_index(role);
        std::string const s = i >= 0 ? trim(text_of(f.properties[static_cast<std::size_t>(i)])) : std::string();
        return s.empty() ? std::string("(unknown)") : s;
    };
    for (std::uint32_t i : selection) {
        feature const& f = c.features[i];
        double const declared = declared_ha(c, f).value_or(0);
        switch (group) {
            case stats_group::province:
                if (f.provinces.empty()) add("(none)", f.area_ha, declared);
                for (auto const& s : f.provinces) {
                    double const share = std::isnan(s.share) ? 1.0 / static_cast<double>(f.provinces.size()) : s.share;
                    add(provinces.provinces()[s.province].name, f.area_ha * share, declared * share);
                }
                break;
            case stats_group::company:
                if (!companies) {
                    add(role_text(c.roles.company, f), f.area_ha, declared);
                } else if (auto const* co = companies->of(c.id, i)) {
                    add(co->name, f.area_ha, declared);
                    by_key_slug(co->name) = co->slug;
                } else {
                    add("(unknown)", f.area_ha, declared);
                }
                break;
            case stats_group::purpose: add(role_text(c.roles.purpose, f), f.area_ha, declared); break;
            case stats_group::nationality: add(role_text(c.roles.nationality, f), f.area_ha, declared); break;
            case stats_group::year: add(f.contract_date ? f.contract_date->substr(0, 4) : "(unknown)", f.area_ha, declared); break;
            case stats_group::purpose_class:
                if (!f.purpose_classes) add("(unknown)", f.area_ha, declared);
                for (auto name : purpose_class_names(f.purpose_classes)) add(std::string(name), f.area_ha, declared);
                break;
        }
    }
    std::vector<group_stats> out;
    for (auto& [k, s] : by_key) out.push_back(std::move(s));
    std::stable_sort(out.begin(), out.end(), [](group_stats const& a, group_stats const& b) { return a.area_ha > b.area_ha; });
    return out;
}

bool in_force(feature const& f, std::string_view day) {
    return f.contract_date && *f.contract_date <= day && (!f.end_date || *f.end_date > day) &&
           (!f.cancelled_date || *f.cancelled_date > day);
}

}  // namespace geo
