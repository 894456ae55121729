// A CQL2 tree compiled against a collection (geo/cql2.hpp): each property
// resolved once to a field or a computed member, each operation's types
// checked once (a type error is the client's 400, not a silently false
// filter), spatial literals prepared with GEOS, then evaluated per feature
// in SQL's three-valued logic (a comparison with a null is unknown, NOT
// unknown is unknown, and WHERE keeps only true), as the SQLite oracle the
// tests compare with reads it.

#include "geo/cql2.hpp"

#include "geo/geos_overlay.hpp"
#include "geo/provinces.hpp"
#include "geo/purpose_class.hpp"
#include "geo/latin_fold.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace geo::cql2 {

namespace {

enum class type : std::uint8_t { null, number, text, date, timestamp, boolean, geometry, interval, classes };

char const* type_name(type t) {
    switch (t) {
        case type::null: return "null";
        case type::number: return "a number";
        case type::text: return "text";
        case type::date: return "a date";
        case type::timestamp: return "a timestamp";
        case type::boolean: return "a boolean";
        case type::geometry: return "a geometry";
        case type::interval: return "an interval";
        case type::classes: return "purpose classes";
    }
    return "?";
}

enum class member : std::uint8_t {
    field, id, area, contract_date, end_date, cancelled_date, purpose_class, geometry, main_province, province_names
};

enum class truth : std::uint8_t { no, yes, unknown };

truth both(truth a, truth b) {
    if (a == truth::no || b == truth::no) return truth::no;
    return a == truth::yes && b == truth::yes ? truth::yes : truth::unknown;
}
truth either(truth a, truth b) {
    if (a == truth::yes || b == truth::yes) return truth::yes;
    return a == truth::no && b == truth::no ? truth::no : truth::unknown;
}
truth negate(truth a) { return a == truth::unknown ? a : (a == truth::yes ? truth::no : truth::yes); }
truth of(bool b) { return b ? truth::yes : truth::no; }

// A scalar while evaluating.
struct val {
    type t = type::null;
    double n = 0;
    std::string s;  // text, or an instant as "YYYY-MM-DDTHH:MM:SS"
    bool b = false;
};

// Dates and timestamps compared as one kind: "2010-06-30" is
// "2010-06-30T00:00:00"; timestamps are UTC (the parser refuses offsets),
// their fraction of a second kept (cut at 39 characters). Kept in place:
// the temporal functions compare two per feature, and a key of 19
// characters is beyond std::string's inline buffer.
struct instant {
    std::array<char, 40> text{};
    std::uint8_t size = 0;

    std::string_view view() const { return {text.data(), size}; }
    friend bool operator<(instant const& a, instant const& b) { return a.view() < b.view(); }
    friend bool operator>(instant const& a, instant const& b) { return b < a; }
    friend bool operator==(instant const& a, instant const& b) { return a.view() == b.view(); }
};

instant make_instant(std::string_view s) {
    instant out;
    auto put = [&](std::string_view part) {
        std::size_t const n = std::min(part.size(), out.text.size() - out.size);
        std::copy_n(part.data(), n, out.text.data() + out.size);
        out.size = static_cast<std::uint8_t>(out.size + n);
    };
    if (s.size() == 10) {
        put(s);
        put("T00:00:00");
        return out;
    }
    if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
    put(s);
    if (out.size > 10) out.text[10] = 'T';
    return out;
}

std::string instant_key(std::string_view s) { return std::string(make_instant(s).view()); }

// Allen's relations (CQL2's temporal functions), by name.
enum class temporal_op : std::uint8_t {
    after,
    before,
    contains,
    disjoint,
    during,
    equals,
    finishedby,
    finishes,
    intersects,
    meets,
    metby,
    overlappedby,
    overlaps,
    startedby,
    starts,
    unknown
};
temporal_op temporal_op_of(std::string_view name) {
    constexpr std::array<std::string_view, 15> names = {"t_after",      "t_before",    "t_contains",   "t_disjoint",
                                                        "t_during",     "t_equals",    "t_finishedby", "t_finishes",
                                                        "t_intersects", "t_meets",     "t_metby",      "t_overlappedby",
                                                        "t_overlaps",   "t_startedby", "t_starts"};
    auto const it = std::find(names.begin(), names.end(), name);
    return static_cast<temporal_op>(it - names.begin());
}

// One UTF-8 character's length from its first byte.
std::size_t char_length(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// LIKE: % any run, _ one character, \ makes the next one literal.
bool like(std::string_view text, std::string_view pattern) {
    std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '%') {
            star_p = ++p;
            star_t = t;
            continue;
        }
        if (p < pattern.size()) {
            bool const escaped = pattern[p] == '\\' && p + 1 < pattern.size();
            std::size_t const pp = escaped ? p + 1 : p;
            std::size_t const plen = char_length(static_cast<unsigned char>(pattern[pp]));
            std::size_t const tlen = char_length(static_cast<unsigned char>(text[t]));
            if (!escaped && pattern[pp] == '_') {
                t += tlen;
                p = pp + 1;
                continue;
            }
            if (pattern.substr(pp, plen) == text.substr(t, tlen)) {
                t += tlen;
                p = pp + plen;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        star_t += char_length(static_cast<unsigned char>(text[star_t]));
        t = star_t;
        p = star_p;
    }
    while (p < pattern.size() && pattern[p] == '%') ++p;
    return p == pattern.size();
}

struct compile_failure {
    std::string message;
    std::size_t offset;
};

}  // namespace

struct predicate::compiled {
    kind k = kind::boolean;
    std::string op;  // comparison or arithmetic operator, function name
    bool flag = false;
    type t = type::null;  // the static type of a scalar
    member m = member::field;
    int field = -1;
    val literal;                           // string, number, date, timestamp, boolean, open bound
    std::uint16_t classes = 0;             // purpose_class compared with class names
    std::unique_ptr<area_matcher> matcher; // a spatial literal, prepared
    box literal_box;                       // its bounds, to skip features far from it
    bool literal_rectangle = false;        // the literal is literal_box itself (a BBOX, a rectangle)
    spatial_relation relation = spatial_relation::intersects;
    temporal_op when = temporal_op::unknown;  // a temporal function's relation
    province_index const* provinces = nullptr;  // main_province, province_names: their names
    instant literal_instant;                  // a DATE or TIMESTAMP literal, as the temporal functions compare it
    std::vector<compiled> args;

    val scalar(feature const& f) const;
    truth test(feature const& f) const;
    // A temporal operand as [start, end]; nullopt when a date is null.
    std::optional<std::pair<instant, instant>> span(feature const& f) const;
};

namespace {

// Whether g is the polygon of its bounds b: one ring, no holes, every
// vertex a corner of b and every edge along a side (a BBOX literal, or
// POLYGON((104 11, 107 11, 107 14, 104 14, 104 11))).
bool is_rectangle(geometry const& g, box const& b) {
    if (g.type != geometry_type::polygon || g.polygons.size() != 1 || g.polygons[0].rings.size() != 1) return false;
    auto const& r = g.polygons[0].rings[0];
    if (r.size() < 4 || !(b.min_x < b.max_x && b.min_y < b.max_y)) return false;
    auto corner = [&](point const& p) { return (p.x == b.min_x || p.x == b.max_x) && (p.y == b.min_y || p.y == b.max_y); };
    for (std::size_t i = 0; i < r.size(); ++i) {
        point const& p = r[i];
        point const& q = r[(i + 1) % r.size()];
        if (!corner(p) || (p.x != q.x && p.y != q.y)) return false;
    }
    return true;
}

std::optional<std::string> const& date_member(feature const& f, member m) {
    return m == member::contract_date ? f.contract_date : m == member::end_date ? f.end_date : f.cancelled_date;
}

}  // namespace

val predicate::compiled::scalar(feature const& f) const {
    val v;
    switch (k) {
        case kind::string:
        case kind::number:
        case kind::date:
        case kind::timestamp:
        case kind::boolean: return literal;
        case kind::property:
            switch (m) {
                case member::id: v.t = type::number, v.n = static_cast<double>(f.id); return v;
                case member::area: v.t = type::number, v.n = f.area_ha; return v;
                case member::contract_date:
                case member::end_date:
                case member::cancelled_date: {
                    auto const& d = date_member(f, m);
                    if (d) v.t = type::date, v.s = instant_key(*d);
                    return v;
                }
                case member::purpose_class:
                    if (f.purpose_classes) v.t = type::text, v.s = purpose_class_text(f.purpose_classes);
                    return v;
                case member::geometry: return v;
                case member::main_province:
                case member::province_names: {
                    if (f.provinces.empty()) return v;
                    v.t = type::text;
                    for (auto const& share : f.provinces) {
                        v.s.append(v.s.empty() ? "" : "; ").append(provinces->provinces()[share.province].name);
                        if (m == member::main_province) break;
                    }
                    return v;
                }
                case member::field: {
                    value const& x = f.properties[static_cast<std::size_t>(field)];
                    if (auto const* i = std::get_if<std::int64_t>(&x)) v.t = type::number, v.n = static_cast<double>(*i);
                    else if (auto const* d = std::get_if<double>(&x)) v.t = type::number, v.n = *d;
                    else if (auto const* s = std::get_if<std::string>(&x)) {
                        if (t == type::date || t == type::timestamp) {
                            if (s->size() >= 10) v.t = t, v.s = instant_key(*s);
                        } else {
                            v.t = type::text, v.s = *s;
                        }
                    }
                    return v;
                }
            }
            return v;
        case kind::casei:
        case kind::accenti: {
            v = args[0].scalar(f);
            if (v.t == type::text) v.s = k == kind::casei ? fold_case(v.s) : fold_accents(v.s);
            return v;
        }
        case kind::arithmetic: {
            val const a = args[0].scalar(f), b = args[1].scalar(f);
            if (a.t != type::number || b.t != type::number) return v;  // null
            v.t = type::number;
            if (op == "+") v.n = a.n + b.n;
            if (op == "-") v.n = a.n - b.n;
            if (op == "*") v.n = a.n * b.n;
            if (op == "/" || op == "div" || op == "%") {
                if (b.n == 0) return val{};  // as SQL: null
                v.n = op == "/" ? a.n / b.n : op == "div" ? std::trunc(a.n / b.n) : std::fmod(a.n, b.n);
            }
            if (!std::isfinite(v.n)) return val{};  // an overflow is null, as SQLite makes it
            return v;
        }
        default: return v;
    }
}

namespace {

// -1, 0, 1; both of one comparable type (checked when compiled).
int order(val const& a, val const& b) {
    if (a.t == type::number) return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
    if (a.t == type::boolean) return a.b == b.b ? 0 : a.b ? 1 : -1;
    int const c = a.s.compare(b.s);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

truth compare(std::string const& op, val const& a, val const& b) {
    if (a.t == type::null || b.t == type::null) return truth::unknown;
    int const c = order(a, b);
    if (op == "=") return of(c == 0);
    if (op == "<>") return of(c != 0);
    if (op == "<") return of(c < 0);
    if (op == ">") return of(c > 0);
    if (op == "<=") return of(c <= 0);
    return of(c >= 0);
}

}  // namespace

std::optional<std::pair<instant, instant>> predicate::compiled::span(feature const& f) const {
    if (k == kind::interval) {
        auto end = [&](compiled const& b, bool start) -> std::optional<instant> {
            if (b.k == kind::open_bound) return start ? instant{} : make_instant("\x7f");
            if (auto s = b.span(f)) return s->first;
            return std::nullopt;
        };
        auto a = end(args[0], true), b = end(args[1], false);
        if (!a || !b) return std::nullopt;
        return std::pair{*a, *b};
    }
    if (k == kind::date || k == kind::timestamp) return std::pair{literal_instant, literal_instant};
    if (k == kind::property && (m == member::contract_date || m == member::end_date || m == member::cancelled_date)) {
        auto const& d = date_member(f, m);
        if (!d) return std::nullopt;
        instant const i = make_instant(*d);
        return std::pair{i, i};
    }
    val const v = scalar(f);
    if (v.t == type::null) return std::nullopt;
    instant const i = make_instant(v.s);
    return std::pair{i, i};
}

truth predicate::compiled::test(feature const& f) const {
    switch (k) {
        case kind::and_: {
            truth all = truth::yes;
            for (auto const& a : args)
                if ((all = both(all, a.test(f))) == truth::no) break;
            return all;
        }
        case kind::or_: {
            truth any = truth::no;
            for (auto const& a : args)
                if ((any = either(any, a.test(f))) == truth::yes) break;
            return any;
        }
        case kind::not_: return negate(args[0].test(f));
        case kind::boolean: return of(literal.b);
        case kind::comparison: {
            if (classes) {  // purpose_class = 'Rubber': one of its classes
                if (!f.purpose_classes) return truth::unknown;
                bool const has = (f.purpose_classes & classes) != 0;
                return of(op == "=" ? has : !has);
            }
            return compare(op, args[0].scalar(f), args[1].scalar(f));
        }
        case kind::like: {
            val const a = args[0].scalar(f), p = args[1].scalar(f);
            if (a.t == type::null || p.t == type::null) return truth::unknown;
            bool const hit = like(a.s, p.s);
            return of(flag ? !hit : hit);
        }
        case kind::between: {
            val const a = args[0].scalar(f), lo = args[1].scalar(f), hi = args[2].scalar(f);
            truth const in = both(compare(">=", a, lo), compare("<=", a, hi));
            return flag ? negate(in) : in;
        }
        case kind::in: {
            if (classes) {
                if (!f.purpose_classes) return truth::unknown;
                bool const has = (f.purpose_classes & classes) != 0;
                return of(flag ? !has : has);
            }
            val const a = args[0].scalar(f);
            truth any = truth::no;
            for (std::size_t i = 1; i < args.size() && any != truth::yes; ++i) any = either(any, compare("=", a, args[i].scalar(f)));
            return flag ? negate(any) : any;
        }
        case kind::is_null: {
            bool const null = args[0].m == member::geometry ? f.geom.empty() : args[0].scalar(f).t == type::null;
            return of(flag ? !null : null);
        }
        case kind::spatial: {
            if (f.geom.empty()) return truth::unknown;  // as SQL: no geometry, no answer
            // The bounds first: most features are far from the literal.
            bool const near = f.bbox.intersects(literal_box);
            if (!near) return of(relation == spatial_relation::disjoint);
            // Strictly inside a rectangle, the feature is within it and
            // meets its interior: no other relation holds. Large boxes
            // hold most features, so most are decided here without GEOS.
            if (literal_rectangle && f.bbox.min_x > literal_box.min_x && f.bbox.max_x < literal_box.max_x &&
                f.bbox.min_y > literal_box.min_y && f.bbox.max_y < literal_box.max_y)
                return of(relation == spatial_relation::intersects || relation == spatial_relation::within);
            return of(matcher->relates(f.geom.expand(), relation));
        }
        case kind::temporal: {
            auto const a = args[0].span(f), b = args[1].span(f);
            if (!a || !b) return truth::unknown;
            auto const& [as, ae] = *a;
            auto const& [bs, be] = *b;
            switch (when) {
                case temporal_op::after:
                    return of(as > be);
                case temporal_op::before:
                    return of(ae < bs);
                case temporal_op::contains:
                    return of(bs > as && be < ae);
                case temporal_op::disjoint:
                    return of(ae < bs || as > be);
                case temporal_op::during:
                    return of(as > bs && ae < be);
                case temporal_op::equals:
                    return of(as == bs && ae == be);
                case temporal_op::finishedby:
                    return of(ae == be && as < bs);
                case temporal_op::finishes:
                    return of(ae == be && as > bs);
                case temporal_op::intersects:
                    return of(!(be < as) && !(ae < bs));
                case temporal_op::meets:
                    return of(ae == bs);
                case temporal_op::metby:
                    return of(as == be);
                case temporal_op::overlappedby:
                    return of(bs < as && be > as && be < ae);
                case temporal_op::overlaps:
                    return of(as < bs && ae > bs && ae < be);
                case temporal_op::startedby:
                    return of(as == bs && ae > be);
                case temporal_op::starts:
                    return of(as == bs && ae < be);
                case temporal_op::unknown:
                    break;
            }
            return truth::unknown;
        }
        default: return truth::unknown;
    }
}

namespace {

using compiled = predicate::compiled;

class compiler {
public:
    compiler(collection const& c, std::vector<std::string> const& queryables, province_index const* provinces)
        : c_(c), queryables_(queryables), provinces_(provinces) {}

    compiled boolean(node const& n) {
        compiled out;
        out.k = n.k;
        out.op = n.text;
        out.flag = n.flag;
        switch (n.k) {
            case kind::and_:
            case kind::or_:
            case kind::not_:
                for (auto const& a : n.args) out.args.push_back(boolean(a));
                return out;
            case kind::boolean: out.literal.t = type::boolean, out.literal.b = n.flag; return out;
            case kind::comparison:
            case kind::like:
            case kind::between:
            case kind::in:
                for (auto const& a : n.args) out.args.push_back(scalar(a));
                check_operands(n, out);
                return out;
            case kind::is_null:
                out.args.push_back(scalar(n.args[0], true));
                return out;
            case kind::spatial: return spatial(n, std::move(out));
            case kind::temporal:
                for (auto const& a : n.args) out.args.push_back(temporal(a));
                out.when = temporal_op_of(n.text);
                return out;
            default: fail("expected a condition (a comparison, a function or TRUE/FALSE), not a value", n.offset);
        }
    }

private:
    collection const& c_;
    std::vector<std::string> const& queryables_;
    province_index const* provinces_;

    [[noreturn]] static void fail(std::string message, std::size_t offset) { throw compile_failure{std::move(message), offset}; }

    compiled property(node const& n) {
        compiled out;
        out.k = kind::property;
        std::string const& name = n.text;
        if (name == "geometry" || name == "geom") {
            out.m = member::geometry;
            out.t = type::geometry;
            return out;
        }
        if (provinces_ && (name == "main_province" || name == "province_names") && c_.field_index(name) < 0) {
            out.m = name == "main_province" ? member::main_province : member::province_names;
            out.t = type::text;
            out.provinces = provinces_;
            return out;
        }
        if (std::find(queryables_.begin(), queryables_.end(), name) == queryables_.end()) {
            std::string list;
            for (auto const& q : queryables_) list += (list.empty() ? "" : ", ") + q;
            fail("'" + name + "' is not a queryable of " + c_.id + " (its queryables: " + list +
                     (provinces_ ? ", main_province, province_names" : "") + ", geometry)",
                 n.offset);
        }
        if (int const i = c_.field_index(name); i >= 0) {
            out.m = member::field;
            out.field = i;
            switch (c_.fields[static_cast<std::size_t>(i)].type) {
                case field_type::integer:
                case field_type::real: out.t = type::number; break;
                case field_type::date: out.t = type::date; break;
                case field_type::datetime: out.t = type::timestamp; break;
                case field_type::string: out.t = type::text; break;
            }
            return out;
        }
        if (name == "id") out.m = member::id, out.t = type::number;
        else if (name == "area_ha") out.m = member::area, out.t = type::number;
        else if (name == "contract_date") out.m = member::contract_date, out.t = type::date;
        else if (name == "end_date") out.m = member::end_date, out.t = type::date;
        else if (name == "cancelled_date") out.m = member::cancelled_date, out.t = type::date;
        else if (name == "purpose_class") out.m = member::purpose_class, out.t = type::classes;
        else fail("'" + name + "' cannot be filtered on", n.offset);
        return out;
    }

    compiled scalar(node const& n, bool any = false) {
        compiled out;
        out.k = n.k;
        out.op = n.text;
        switch (n.k) {
            case kind::property: {
                out = property(n);
                if (out.t == type::geometry && !any) fail("the geometry is compared with S_ functions (S_INTERSECTS...)", n.offset);
                return out;
            }
            case kind::string: out.t = out.literal.t = type::text, out.literal.s = n.text; return out;
            case kind::number: out.t = out.literal.t = type::number, out.literal.n = n.number; return out;
            case kind::boolean: out.t = out.literal.t = type::boolean, out.literal.b = n.flag; return out;
            case kind::date:
            case kind::timestamp:
                out.t = out.literal.t = n.k == kind::date ? type::date : type::timestamp;
                out.literal.s = instant_key(n.text);
                out.literal_instant = make_instant(n.text);
                return out;
            case kind::casei:
            case kind::accenti: {
                out.args.push_back(scalar(n.args[0]));
                type const inner = out.args[0].t == type::classes ? type::text : out.args[0].t;
                if (inner != type::text)
                    fail(std::string(n.k == kind::casei ? "CASEI" : "ACCENTI") + " takes text, not " + type_name(inner), n.offset);
                out.t = type::text;
                if (out.args[0].k == kind::string) {  // a literal: folded once, here, not for every feature
                    compiled folded = std::move(out.args[0]);
                    folded.literal.s = n.k == kind::casei ? fold_case(folded.literal.s) : fold_accents(folded.literal.s);
                    return folded;
                }
                return out;
            }
            case kind::arithmetic: {
                for (auto const& a : n.args) {
                    out.args.push_back(scalar(a));
                    if (out.args.back().t != type::number)
                        fail("arithmetic takes numbers; this is " + std::string(type_name(out.args.back().t)), a.offset);
                }
                out.t = type::number;
                return out;
            }
            case kind::geometry: fail("a geometry is compared with S_ functions (S_INTERSECTS...)", n.offset);
            case kind::interval: fail("an INTERVAL is compared with T_ functions (T_INTERSECTS...)", n.offset);
            default: fail("expected a value here, not a condition", n.offset);
        }
    }

    static bool comparable(type a, type b) {
        auto const instant = [](type t) { return t == type::date || t == type::timestamp; };
        return a == b || (instant(a) && instant(b));
    }

    // The operands of a comparison, LIKE, BETWEEN or IN: one type.
    void check_operands(node const& n, compiled& out) {
        compiled const& left = out.args[0];
        if (left.t == type::classes) return purpose_classes(n, out);
        if (n.k == kind::like) {
            for (std::size_t i = 0; i < 2; ++i)
                if (out.args[i].t != type::text)
                    fail("LIKE compares text; this is " + std::string(type_name(out.args[i].t)), n.args[i].offset);
            return;
        }
        if (n.k == kind::comparison && n.text != "=" && n.text != "<>" && left.t == type::boolean)
            fail("booleans are compared with = and <> only", n.offset);
        for (std::size_t i = 1; i < out.args.size(); ++i)
            if (!comparable(left.t, out.args[i].t))
                fail("cannot compare " + std::string(type_name(left.t)) + " with " + type_name(out.args[i].t) +
                         (left.t == type::text && out.args[i].t == type::number ? " (quote it: '...')" : ""),
                     n.args[i].offset);
    }

    // purpose_class = 'Rubber' and IN ('Rubber', 'Cassava'): one of its classes; LIKE reads them as text.
    void purpose_classes(node const& n, compiled& out) {
        if (n.k == kind::like) {
            out.args[0].t = type::text;
            if (out.args[1].t != type::text) fail("LIKE compares text", n.args[1].offset);
            return;
        }
        bool const equality = (n.k == kind::comparison && (n.text == "=" || n.text == "<>")) || n.k == kind::in;
        if (!equality) fail("purpose_class is compared with =, <>, IN or LIKE", n.offset);
        for (std::size_t i = 1; i < out.args.size(); ++i) {
            if (out.args[i].k != kind::string) fail("purpose_class is compared with class names ('Rubber')", n.args[i].offset);
            auto const bit = purpose_class_bit(out.args[i].literal.s);
            if (!bit) fail("'" + out.args[i].literal.s + "' is not a purpose class; the classes are " + purpose_class_list(), n.args[i].offset);
            out.classes |= *bit;
        }
    }

    compiled spatial(node const& n, compiled out) {
        std::string const& name = n.text;
        auto relation = [&]() {
            if (name == "s_disjoint") return spatial_relation::disjoint;
            if (name == "s_within") return spatial_relation::within;
            if (name == "s_contains") return spatial_relation::contains;
            if (name == "s_touches") return spatial_relation::touches;
            if (name == "s_overlaps") return spatial_relation::overlaps;
            if (name == "s_crosses") return spatial_relation::crosses;
            if (name == "s_equals") return spatial_relation::equals;
            return spatial_relation::intersects;
        };
        node const* literal = nullptr;
        bool literal_first = false;
        for (std::size_t i = 0; i < 2; ++i) {
            node const& a = n.args[i];
            if (a.k == kind::geometry) {
                if (literal) fail(std::string("compare the feature's geometry with one literal, not two"), a.offset);
                literal = &a;
                literal_first = i == 0;
            } else if (a.k != kind::property || property(a).t != type::geometry) {
                fail("a spatial function compares the geometry with a geometry literal", a.offset);
            }
        }
        if (!literal) fail("a spatial function compares the geometry with a geometry literal", n.offset);
        out.relation = relation();
        // S_WITHIN(literal, geometry): the literal lies within the feature, which contains it.
        if (literal_first && out.relation == spatial_relation::within) out.relation = spatial_relation::contains;
        else if (literal_first && out.relation == spatial_relation::contains) out.relation = spatial_relation::within;
        out.matcher = std::make_unique<area_matcher>(*literal->geom);
        out.literal_box = bounds(*literal->geom);
        out.literal_rectangle = is_rectangle(*literal->geom, out.literal_box);
        return out;
    }

    compiled temporal(node const& n) {
        if (n.k == kind::interval) {
            compiled out;
            out.k = kind::interval;
            for (auto const& end : n.args) {
                if (end.k == kind::open_bound) {
                    compiled open;
                    open.k = kind::open_bound;
                    out.args.push_back(std::move(open));
                    continue;
                }
                out.args.push_back(temporal(end));
            }
            return out;
        }
        compiled out = scalar(n);
        if (out.t != type::date && out.t != type::timestamp)
            fail("a temporal function compares dates, timestamps and intervals; this is " + std::string(type_name(out.t)),
                 n.offset);
        return out;
    }
};

}  // namespace

predicate::predicate(std::unique_ptr<compiled> root) : root_(std::move(root)) {}
predicate::~predicate() = default;
predicate::predicate(predicate&&) noexcept = default;

bool predicate::matches(feature const& f) const { return root_->test(f) == truth::yes; }

template <class Fn>
void predicate::for_each_conjunct(Fn&& fn) const {
    if (root_->k == kind::and_)
        for (auto const& a : root_->args) fn(a);
    else
        fn(*root_);
}

std::optional<std::pair<std::string, std::string>> predicate::contract_date_bounds() const {
    // The literal instants a temporal operand stands for: [start, end], "" or
    // "\x7f" for an open end; nullopt when it is no literal.
    auto literal_span = [](compiled const& n) -> std::optional<std::pair<std::string, std::string>> {
        auto one = [](compiled const& b, bool start) -> std::optional<std::string> {
            if (b.k == kind::open_bound) return std::string(start ? "" : "\x7f");
            if (b.k == kind::date || b.k == kind::timestamp) return std::string(b.literal_instant.view());
            return std::nullopt;
        };
        if (n.k == kind::interval) {
            auto a = one(n.args[0], true), b = one(n.args[1], false);
            if (!a || !b) return std::nullopt;
            return std::pair{*a, *b};
        }
        auto a = one(n, true);
        if (!a) return std::nullopt;
        return std::pair{*a, *a};
    };
    std::string lo, hi = "\x7f";
    bool narrowed = false;
    auto narrow = [&](compiled const& n) {
        if (n.k != kind::temporal || n.args[0].k != kind::property || n.args[0].m != member::contract_date) return;
        auto const span = literal_span(n.args[1]);
        if (!span) return;
        auto const& [bs, be] = *span;
        // The feature's date d must lie in [from, to] (inclusive: a superset).
        std::string from, to = "\x7f";
        switch (n.when) {
            case temporal_op::after:
                from = be;
                break;
            case temporal_op::before:
                to = bs;
                break;
            case temporal_op::during:
            case temporal_op::intersects:
            case temporal_op::equals:
                from = bs, to = be;
                break;
            default:
                return;
        }
        lo = std::max(lo, from.substr(0, 10));
        hi = std::min(hi, to.substr(0, 10));
        narrowed = true;
    };
    for_each_conjunct(narrow);
    if (!narrowed) return std::nullopt;
    return std::pair{lo, hi};
}

std::optional<box> predicate::spatial_bounds() const {
    std::optional<box> out;
    auto narrow = [&](compiled const& n) {
        if (n.k != kind::spatial || n.relation == spatial_relation::disjoint) return;
        box const& b = n.literal_box;
        out = !out ? b
                   : box{std::max(out->min_x, b.min_x), std::max(out->min_y, b.min_y), std::min(out->max_x, b.max_x),
                         std::min(out->max_y, b.max_y)};
    };
    for_each_conjunct(narrow);
    return out;
}

std::variant<predicate, error> compile(node const& n, collection const& c, std::vector<std::string> const& queryables,
                                       province_index const* provinces) {
    try {
        return predicate(std::make_unique<predicate::compiled>(compiler(c, queryables, provinces).boolean(n)));
    } catch (compile_failure const& f) {
        return error{f.message, f.offset};
    }
}

}  // namespace geo::cql2
