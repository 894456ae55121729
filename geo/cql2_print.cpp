// A CQL2 tree as canonical cql2-text (geo/cql2.hpp): keywords in capitals,
// numbers in their shortest form, parentheses only where they are needed
// to read back the same tree. The cache keys of filtered answers.

#include "geo/cql2.hpp"
#include "geo/cql2_grammar.hpp"
#include "geo/drawn_area.hpp"

namespace geo::cql2 {

namespace {

using namespace detail;

std::string quote(std::string_view s, char q) {
    std::string out(1, q);
    for (char c : s) {
        if (c == q) out += q;
        out += c;
    }
    return out + q;
}

std::string geometry_text(node const& n) {
    geometry const& g = *n.geom;
    auto pt = [](point const& p) { return number_text(p.x) + " " + number_text(p.y); };
    if (n.text == "BBOX") {  // as given: a box of no width is a line, which POLYGON would refuse
        box const b = bounds(g);
        return "BBOX(" + number_text(b.min_x) + ", " + number_text(b.min_y) + ", " +
               number_text(b.max_x) + ", " + number_text(b.max_y) + ")";
    }
    switch (g.type) {
        case geometry_type::point: return "POINT(" + pt(g.points.front()) + ")";
        case geometry_type::line_string: {
            std::string out = "LINESTRING(";
            for (std::size_t i = 0; i < g.lines.front().size(); ++i) out += (i ? "," : "") + pt(g.lines.front()[i]);
            return out + ")";
        }
        default: return to_wkt(g);
    }
}

void print(std::string& out, node const& n, bool nested) {
    auto args = [&](std::size_t from, std::string_view sep) {
        for (std::size_t i = from; i < n.args.size(); ++i) {
            if (i > from) out += sep;
            print(out, n.args[i], true);
        }
    };
    switch (n.k) {
        case kind::and_:
        case kind::or_:
            if (nested) out += '(';
            args(0, n.k == kind::and_ ? " AND " : " OR ");
            if (nested) out += ')';
            return;
        case kind::not_:
            out += "NOT ";
            print(out, n.args[0], true);
            return;
        case kind::boolean: out += n.flag ? "TRUE" : "FALSE"; return;
        case kind::comparison:
            if (nested) out += '(';
            print(out, n.args[0], true);
            out += " " + n.text + " ";
            print(out, n.args[1], true);
            if (nested) out += ')';
            return;
        case kind::like:
        case kind::between:
        case kind::in:
        case kind::is_null:
            if (nested) out += '(';
            print(out, n.args[0], true);
            if (n.k == kind::is_null) {
                out += n.flag ? " IS NOT NULL" : " IS NULL";
            } else {
                out += n.flag ? " NOT" : "";
                if (n.k == kind::like) out += " LIKE ", print(out, n.args[1], true);
                if (n.k == kind::between) out += " BETWEEN ", print(out, n.args[1], true), out += " AND ", print(out, n.args[2], true);
                if (n.k == kind::in) out += " IN (", args(1, ", "), out += ')';
            }
            if (nested) out += ')';
            return;
        case kind::spatial:
        case kind::temporal:
            out += upper(n.text) + "(";
            args(0, ", ");
            out += ')';
            return;
        case kind::property: {
            // Bare when it reads back as the same name: letters, digits and
            // _, not a keyword or a function's name.
            static constexpr std::array<std::string_view, 24> reserved = {
                "AND",   "OR",      "NOT",  "LIKE",      "BETWEEN",  "IN",    "IS",         "NULL",
                "TRUE",  "FALSE",   "CASEI", "ACCENTI",  "DATE",     "TIMESTAMP", "INTERVAL", "DIV",
                "POINT", "LINESTRING", "POLYGON", "MULTIPOLYGON", "BBOX", "MULTIPOINT", "MULTILINESTRING", "GEOMETRYCOLLECTION"};
            std::string const up = upper(n.text);
            bool const plain = !n.text.empty() && std::all_of(n.text.begin(), n.text.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
            }) && !std::isdigit(static_cast<unsigned char>(n.text[0])) && !contains(reserved, up) &&
                               !contains(spatial_functions, up) && !contains(temporal_functions, up);
            out += plain ? n.text : quote(n.text, '"');
            return;
        }
        case kind::string: out += quote(n.text, '\''); return;
        case kind::number: out += number_text(n.number); return;
        case kind::date: out += "DATE(" + quote(n.text, '\'') + ")"; return;
        case kind::timestamp: out += "TIMESTAMP(" + quote(n.text, '\'') + ")"; return;
        case kind::open_bound: out += "'..'"; return;
        case kind::interval: out += "INTERVAL(", args(0, ", "), out += ')'; return;
        case kind::geometry: out += geometry_text(n); return;
        case kind::casei: out += "CASEI(", print(out, n.args[0], false), out += ')'; return;
        case kind::accenti: out += "ACCENTI(", print(out, n.args[0], false), out += ')'; return;
        case kind::arithmetic: {
            // Parentheses only where precedence needs them (a - b - c stays
            // flat, as it was read): the text reads back no deeper.
            auto const rank = [](node const& x) { return x.text == "+" || x.text == "-" ? 1 : 2; };
            bool const left = n.args[0].k == kind::arithmetic && rank(n.args[0]) < rank(n);
            bool const right = n.args[1].k == kind::arithmetic && rank(n.args[1]) <= rank(n);
            if (left) out += '(';
            print(out, n.args[0], true);
            if (left) out += ')';
            out += " " + (n.text == "div" ? std::string("DIV") : n.text) + " ";
            if (right) out += '(';
            print(out, n.args[1], true);
            if (right) out += ')';
            return;
        }
    }
}

}  // namespace

std::string to_text(node const& n) {
    std::string out;
    print(out, n, false);
    return out;
}

std::shared_ptr<node const> all_of(std::shared_ptr<node const> a, std::shared_ptr<node const> b) {
    if (!a || !b) return a ? a : b;
    return std::make_shared<node const>(node{kind::and_, "", 0, false, nullptr, {*a, *b}, 0});
}

node meets(std::shared_ptr<geometry const> area) {
    node n{kind::spatial, "s_intersects", 0, false, nullptr, {}, 0};
    n.args.push_back({kind::property, "geometry", 0, false, nullptr, {}, 0});
    n.args.push_back({kind::geometry, "POLYGON", 0, false, std::move(area), {}, 0});
    return n;
}

}  // namespace geo::cql2
