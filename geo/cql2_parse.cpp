// cql2-text into a tree (geo/cql2.hpp; cql2_json.cpp reads cql2-json into
// the same tree, cql2_print.cpp prints it back). A recursive descent parser over OGC 21-065's BNF
// (Annex B), simplified where the standard allows more than a feature
// filter can use: a boolean expression, its predicates and their scalar,
// spatial and temporal operands.

#include "geo/cql2.hpp"
#include "geo/cql2_grammar.hpp"

#include "geo/crs.hpp"
#include "geo/dates.hpp"
#include "geo/drawn_area.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace geo::cql2 {

namespace detail {

bool is_timestamp(std::string_view s) {
    if (s.size() < 20 || !is_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't')) return false;
    auto digits = [&](std::size_t at) {
        return std::isdigit(static_cast<unsigned char>(s[at])) && std::isdigit(static_cast<unsigned char>(s[at + 1]));
    };
    if (!digits(11) || s[13] != ':' || !digits(14) || s[16] != ':' || !digits(17)) return false;
    auto number = [&](std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
    if (number(11) > 23 || number(14) > 59 || number(17) > 60) return false;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    // UTC only: an offset would have to be applied before comparing, and
    // CQL2's examples and the data are in UTC.
    std::string_view const zone = s.substr(i);
    return zone == "Z" || zone == "z";
}

std::string number_text(double v) {
    char buf[32];
    auto const r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// The height of a tree, without recursion (a tree too high to recurse over
// is what this guards against).
std::size_t height(node const& root) {
    std::size_t most = 0;
    std::vector<std::pair<node const*, std::size_t>> stack{{&root, 1}};
    while (!stack.empty()) {
        auto const [n, h] = stack.back();
        stack.pop_back();
        most = std::max(most, h);
        for (auto const& a : n->args) stack.emplace_back(&a, h + 1);
    }
    return most;
}

// Compiling, testing and printing recurse over the tree: a tree no higher
// than this prints as text that reads back within max_depth.
constexpr std::size_t max_height = max_depth / 2;

std::variant<node, error> bounded(node n, std::size_t offset) {
    if (height(n) > max_height)
        return error{"the filter is nested more than " + std::to_string(max_height) + " levels deep", offset};
    return n;
}

}  // namespace detail

namespace {

using namespace detail;

class parser {
public:
    parser(std::string_view text, literal_crs const& crs) : s_(text), crs_(crs) {}

    node parse() {
        node n = boolean_expression();
        skip();
        if (at_ < s_.size()) fail("expected AND, OR or the end of the filter");
        return n;
    }

private:
    std::string_view s_;
    literal_crs const& crs_;  // empty: literals are lon/lat
    std::size_t at_ = 0;
    std::size_t depth_ = 0;

    [[noreturn]] void fail(std::string message, std::size_t where = std::string::npos) const {
        throw failure{std::move(message), where == std::string::npos ? at_ : where};
    }

    struct deeper {
        parser& p;
        explicit deeper(parser& p) : p(p) {
            if (++p.depth_ > max_depth) p.fail("nested more than " + std::to_string(max_depth) + " levels deep");
        }
        ~deeper() { --p.depth_; }
    };

    void skip() {
        while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
    }
    bool at_end() {
        skip();
        return at_ >= s_.size();
    }
    static bool word_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
               static_cast<unsigned char>(c) >= 0x80;
    }
    // The next bare word, without taking it.
    std::string_view peek_word() {
        skip();
        std::size_t end = at_;
        while (end < s_.size() && word_char(s_[end])) ++end;
        return s_.substr(at_, end - at_);
    }
    bool keyword(std::string_view k) {
        std::string_view const w = peek_word();
        if (w.empty() || upper(w) != k) return false;
        at_ += w.size();
        return true;
    }
    bool symbol(std::string_view sym) {
        skip();
        if (s_.substr(at_, sym.size()) != sym) return false;
        at_ += sym.size();
        return true;
    }
    void expect(std::string_view sym, std::string_view what) {
        if (!symbol(sym)) fail("expected " + std::string(what));
    }

    node make(kind k, std::size_t offset, std::string text = {}) {
        node n;
        n.k = k;
        n.offset = offset;
        n.text = std::move(text);
        return n;
    }

    // ---- boolean expressions ----
    node boolean_expression() {
        deeper guard(*this);
        // A run of ORs (or ANDs) is one node with every operand: a long
        // filter is wide, not deep.
        node left = boolean_term();
        if (!keyword("OR")) return left;
        node n = make(kind::or_, left.offset);
        n.args.push_back(std::move(left));
        do n.args.push_back(boolean_term());
        while (keyword("OR"));
        return n;
    }
    node boolean_term() {
        node left = boolean_factor();
        if (!keyword("AND")) return left;
        node n = make(kind::and_, left.offset);
        n.args.push_back(std::move(left));
        do n.args.push_back(boolean_factor());
        while (keyword("AND"));
        return n;
    }
    node boolean_factor() {
        deeper guard(*this);
        skip();
        std::size_t const start = at_;
        if (keyword("NOT")) {
            node n = make(kind::not_, start);
            n.args.push_back(boolean_factor());
            return n;
        }
        return boolean_primary();
    }
    node boolean_primary() {
        skip();
        std::size_t const start = at_;
        if (s_.substr(at_, 1) == "(") {
            // "(a = 1 OR b = 2)" or a parenthesised scalar "(x + 1) > 3": try the first.
            // When both readings fail, the one that got further says why.
            std::optional<failure> first;
            try {
                ++at_;
                node inner = boolean_expression();
                expect(")", "')'");
                skip();
                if (!comparison_ahead()) return inner;
            } catch (failure const& f) {
                first = f;
            }
            at_ = start;
            try {
                return predicate();
            } catch (failure const& f) {
                if (first && first->offset > f.offset) throw *first;
                throw;
            }
        }
        std::string const w = upper(peek_word());
        if (w == "TRUE" || w == "FALSE") {
            std::size_t const save = at_;
            at_ += w.size();
            if (!comparison_ahead()) {
                node n = make(kind::boolean, start);
                n.flag = w == "TRUE";
                return n;
            }
            at_ = save;
        }
        if (contains(spatial_functions, w)) return function_predicate(kind::spatial, w);
        if (contains(temporal_functions, w)) return function_predicate(kind::temporal, w);
        return predicate();
    }
    bool comparison_ahead() {
        skip();
        for (std::string_view op : {"=", "<", ">"})
            if (s_.substr(at_, op.size()) == op) return true;
        std::string const w = upper(peek_word());
        return w == "LIKE" || w == "BETWEEN" || w == "IN" || w == "IS" || w == "NOT";
    }
    node function_predicate(kind k, std::string const& name) {
        std::size_t const start = at_;
        at_ += name.size();
        expect("(", "'(' after " + name);
        node n = make(k, start, lower(name));
        n.args.push_back(k == kind::spatial ? spatial_operand() : temporal_operand());
        expect(",", "',' between the two arguments of " + name);
        n.args.push_back(k == kind::spatial ? spatial_operand() : temporal_operand());
        expect(")", "')' closing " + name);
        return n;
    }

    // ---- predicates ----
    node predicate() {
        skip();
        std::size_t const start = at_;
        node left = scalar();
        skip();
        std::size_t const op_at = at_;
        for (std::string_view op : {"<>", "<=", ">=", "=", "<", ">"}) {
            if (symbol(op)) {
                node n = make(kind::comparison, op_at, std::string(op));
                n.args.push_back(std::move(left));
                n.args.push_back(scalar());
                return n;
            }
        }
        bool const negated = keyword("NOT");
        if (keyword("LIKE")) {
            node n = make(kind::like, op_at);
            n.flag = negated;
            n.args.push_back(std::move(left));
            n.args.push_back(scalar());
            return n;
        }
        if (keyword("BETWEEN")) {
            node n = make(kind::between, op_at);
            n.flag = negated;
            n.args.push_back(std::move(left));
            n.args.push_back(scalar());
            if (!keyword("AND")) fail("expected AND between the bounds of BETWEEN");
            n.args.push_back(scalar());
            return n;
        }
        if (keyword("IN")) {
            node n = make(kind::in, op_at);
            n.flag = negated;
            n.args.push_back(std::move(left));
            expect("(", "'(' opening the list of IN");
            do n.args.push_back(scalar());
            while (symbol(","));
            expect(")", "')' closing the list of IN");
            return n;
        }
        if (negated) fail("expected LIKE, BETWEEN or IN after NOT");
        if (keyword("IS")) {
            node n = make(kind::is_null, op_at);
            n.flag = keyword("NOT");
            if (!keyword("NULL")) fail("expected NULL after IS");
            n.args.push_back(std::move(left));
            return n;
        }
        if (left.k == kind::property || left.k == kind::boolean)
            fail("expected a comparison (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN or IS NULL) after it", start);
        fail("expected a comparison operator");
    }

    // ---- scalars ----
    node scalar() {
        deeper guard(*this);
        node left = product();
        // A run of operators is a tree as deep as it is long: bounded too.
        for (std::size_t run = 0;; ++run) {
            if (run > max_depth) fail("more than " + std::to_string(max_depth) + " operations in a row");
            skip();
            std::size_t const op_at = at_;
            std::string op;
            if (symbol("+"))
                op = "+";
            else if (symbol("-"))
                op = "-";
            else
                return left;
            node n = make(kind::arithmetic, op_at, op);
            n.args.push_back(std::move(left));
            n.args.push_back(product());
            left = std::move(n);
        }
    }
    node product() {
        node left = unary();
        for (std::size_t run = 0;; ++run) {
            if (run > max_depth) fail("more than " + std::to_string(max_depth) + " operations in a row");
            skip();
            std::size_t const op_at = at_;
            std::string op;
            if (symbol("*")) op = "*";
            else if (symbol("/")) op = "/";
            else if (symbol("%")) op = "%";
            else if (keyword("DIV")) op = "div";
            else return left;
            node n = make(kind::arithmetic, op_at, op);
            n.args.push_back(std::move(left));
            n.args.push_back(unary());
            left = std::move(n);
        }
    }
    node unary() {
        skip();
        std::size_t const start = at_;
        if (symbol("-")) {
            skip();
            if (at_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[at_])) || s_[at_] == '.')) {
                node n = number();
                n.number = -n.number;
                n.offset = start;
                return n;
            }
            deeper guard(*this);
            node zero = make(kind::number, start);
            node n = make(kind::arithmetic, start, "-");
            n.args.push_back(std::move(zero));
            n.args.push_back(unary());
            return n;
        }
        if (symbol("+")) {
            deeper guard(*this);
            return unary();
        }
        return atom();
    }
    node number() {
        skip();
        std::size_t const start = at_;
        std::size_t end = at_;
        while (end < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[end])) || s_[end] == '.' || s_[end] == 'e' ||
                                   s_[end] == 'E' || ((s_[end] == '-' || s_[end] == '+') && end > at_ &&
                                                      (s_[end - 1] == 'e' || s_[end - 1] == 'E'))))
            ++end;
        double v = 0;
        auto const r = std::from_chars(s_.data() + start, s_.data() + end, v);
        if (r.ec != std::errc() || r.ptr != s_.data() + end || !std::isfinite(v)) fail("not a number", start);
        at_ = end;
        node n = make(kind::number, start);
        n.number = v;
        return n;
    }
    std::string quoted(char q) {
        std::size_t const start = at_;
        ++at_;
        std::string out;
        for (;;) {
            if (at_ >= s_.size()) fail(std::string("this ") + (q == '\'' ? "text" : "name") + " is not closed by " + q, start);
            if (s_[at_] == q) {
                if (at_ + 1 < s_.size() && s_[at_ + 1] == q) {  // '' is one quote
                    out += q;
                    at_ += 2;
                    continue;
                }
                ++at_;
                return out;
            }
            out += s_[at_++];
        }
    }
    node atom() {
        skip();
        std::size_t const start = at_;
        if (at_ >= s_.size()) fail("the filter ends where a value was expected");
        char const c = s_[at_];
        if (c == '\'') return make(kind::string, start, quoted('\''));
        if (c == '"') return make(kind::property, start, quoted('"'));
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
        if (c == '(') {
            ++at_;
            node inner = scalar();
            expect(")", "')'");
            return inner;
        }
        std::string_view const word = peek_word();
        if (word.empty()) fail(std::string("unexpected '") + c + "'");
        std::string const w = upper(word);
        if (w == "CASEI" || w == "ACCENTI") {
            at_ += word.size();
            expect("(", "'(' after " + w);
            node n = make(w == "CASEI" ? kind::casei : kind::accenti, start);
            n.args.push_back(scalar());
            expect(")", "')' closing " + w);
            return n;
        }
        if (w == "DATE" || w == "TIMESTAMP") {
            std::size_t const save = at_;
            at_ += word.size();
            if (symbol("(")) return instant(w, start);
            at_ = save;  // a property named "date"
        }
        if (w == "INTERVAL") {
            std::size_t const save = at_;
            at_ += word.size();
            if (symbol("(")) return interval(start);
            at_ = save;
        }
        if (w == "TRUE" || w == "FALSE") {
            at_ += word.size();
            node n = make(kind::boolean, start);
            n.flag = w == "TRUE";
            return n;
        }
        at_ += word.size();
        skip();
        if (s_.substr(at_, 1) == "(") {
            if (is_geometry_word(w) || contains(spatial_functions, w) || contains(temporal_functions, w))
                fail(w + " is not a value here", start);
            fail("unknown function " + std::string(word) + " (this server knows CASEI, ACCENTI, DATE, TIMESTAMP, INTERVAL, the S_ and the T_ functions)", start);
        }
        return make(kind::property, start, std::string(word));
    }
    node instant(std::string const& w, std::size_t start) {
        skip();
        if (s_.substr(at_, 1) != "'") fail("expected a quoted " + lower(w) + " in " + w + "('...')");
        std::size_t const text_at = at_;
        std::string const text = quoted('\'');
        expect(")", "')' closing " + w);
        if (w == "DATE" && !is_date(text)) fail("'" + text + "' is not a date (YYYY-MM-DD)", text_at);
        if (w == "TIMESTAMP" && !is_timestamp(text))
            fail("'" + text + "' is not a timestamp in UTC (RFC 3339 ending in Z, e.g. 2010-06-30T00:00:00Z)", text_at);
        return make(w == "DATE" ? kind::date : kind::timestamp, start, text);
    }
    node interval_bound() {
        skip();
        std::size_t const start = at_;
        if (s_.substr(at_, 1) == "'") {
            std::string const text = quoted('\'');
            if (text == "..") return make(kind::open_bound, start);
            if (is_date(text)) return make(kind::date, start, text);
            if (is_timestamp(text)) return make(kind::timestamp, start, text);
            fail("'" + text + "' is not a date, a timestamp or '..'", start);
        }
        node n = atom();
        if (n.k != kind::date && n.k != kind::timestamp && n.k != kind::property)
            fail("an INTERVAL's ends are dates, timestamps, '..' or date properties", start);
        return n;
    }
    node interval(std::size_t start) {
        node n = make(kind::interval, start);
        n.args.push_back(interval_bound());
        expect(",", "',' between the ends of INTERVAL");
        n.args.push_back(interval_bound());
        expect(")", "')' closing INTERVAL");
        return n;
    }
    node temporal_operand() {
        skip();
        std::size_t const start = at_;
        node n = atom();
        if (n.k != kind::date && n.k != kind::timestamp && n.k != kind::interval && n.k != kind::property)
            fail("a temporal function compares date properties, DATE, TIMESTAMP and INTERVAL", start);
        return n;
    }

    // ---- geometry literals ----
    static bool is_geometry_word(std::string const& w) {
        return w == "POINT" || w == "LINESTRING" || w == "POLYGON" || w == "MULTIPOLYGON" || w == "BBOX" ||
               w == "MULTIPOINT" || w == "MULTILINESTRING" || w == "GEOMETRYCOLLECTION";
    }
    // The text from here to the ')' that closes the first '('.
    std::string_view balanced() {
        std::size_t const start = at_;
        std::size_t level = 0;
        for (std::size_t i = at_; i < s_.size(); ++i) {
            if (s_[i] == '(') ++level;
            if (s_[i] == ')' && level > 0 && --level == 0) {
                at_ = i + 1;
                return s_.substr(start, at_ - start);
            }
        }
        fail("this geometry's parentheses are not closed", start);
    }
    std::vector<double> numbers_in(std::string_view text, std::size_t where) {
        std::vector<double> out;
        std::size_t i = 0;
        while (i < text.size()) {
            char const c = text[i];
            if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '(' || c == ')') {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != ',' &&
                   text[end] != ')' && text[end] != '(')
                ++end;
            double v = 0;
            auto const r = std::from_chars(text.data() + i, text.data() + end, v);
            if (r.ec != std::errc() || r.ptr != text.data() + end || !std::isfinite(v))
                fail("'" + std::string(text.substr(i, end - i)) + "' is not a coordinate", where + i);
            out.push_back(v);
            i = end;
        }
        return out;
    }
    void check_lon_lat(double x, double y, std::size_t where) {
        if (x < -180 || x > 180 || y < -90 || y > 90)
            fail("coordinates are longitude latitude (WGS 84, CRS84): " + number_text(x) + " " + number_text(y) +
                     " is outside -180..180, -90..90",
                 where);
    }
    node spatial_operand() {
        skip();
        std::size_t const start = at_;
        std::string_view const word = peek_word();
        std::string const w = upper(word);
        if (!is_geometry_word(w)) {
            node n = atom();
            if (n.k != kind::property) fail("a spatial function compares the geometry with a geometry literal", start);
            return n;
        }
        at_ += word.size();
        skip();
        if (s_.substr(at_, 1) != "(") fail("expected '(' after " + w);
        std::size_t const body_at = at_;
        std::string_view const body = balanced();
        auto g = std::make_shared<geometry>();
        std::string w_out = w;  // what the literal is once in lon/lat (a BBOX in UTM is a POLYGON)
        if (crs_ && w == "BBOX") {
            // A box in another CRS: its edges, 16 steps each, taken to lon/lat.
            auto const v = numbers_in(body, body_at);
            if (v.size() != 4 && v.size() != 6) fail("BBOX takes 4 numbers (or 6 with heights)", start);
            double const x1 = v[0], y1 = v[1], x2 = v.size() == 4 ? v[2] : v[3], y2 = v.size() == 4 ? v[3] : v[4];
            if (x1 > x2 || y1 > y2) fail("BBOX's first corner is not below its second on each axis", start);
            auto edge = box_in_lon_lat(x1, y1, x2, y2, crs_);
            if (!edge) fail("BBOX lies outside what filter-crs can take to longitude latitude", start);
            for (auto const& p : *edge) check_lon_lat(p.x, p.y, start);
            g->type = geometry_type::polygon;
            g->polygons.push_back({{std::move(*edge)}});
            w_out = "POLYGON";
        } else if (w == "POLYGON" || w == "MULTIPOLYGON") {
            std::string const lonlat = crs_ ? in_lon_lat(body, body_at, start) : std::string(body);
            auto read = read_drawn_area(std::string(w) + lonlat);
            if (auto const* e = std::get_if<std::string>(&read)) fail(w + ": " + *e, start);
            *g = std::move(std::get<geometry>(read));
        } else if (w == "BBOX") {
            auto const v = numbers_in(body, body_at);
            if (v.size() != 4 && v.size() != 6) fail("BBOX takes 4 numbers (or 6 with heights)", start);
            double const x1 = v[0], y1 = v[1], x2 = v.size() == 4 ? v[2] : v[3], y2 = v.size() == 4 ? v[3] : v[4];
            check_lon_lat(x1, y1, start);
            check_lon_lat(x2, y2, start);
            if (x1 > x2 || y1 > y2) fail("BBOX is west, south, east, north: its first corner is not the south-west one", start);
            g->type = geometry_type::polygon;
            g->polygons.push_back({{{{x1, y1}, {x2, y1}, {x2, y2}, {x1, y2}, {x1, y1}}}});
        } else if (w == "POINT" || w == "LINESTRING") {
            auto const v = numbers_in(body, body_at);
            if (v.size() % 2 != 0 || v.empty()) fail(w + " takes longitude latitude pairs", start);
            if (w == "POINT" && v.size() != 2) fail("POINT takes one longitude latitude pair", start);
            if (w == "LINESTRING" && v.size() < 4) fail("LINESTRING takes at least two points", start);
            line_string pts;
            for (std::size_t i = 0; i < v.size(); i += 2) pts.push_back({v[i], v[i + 1]});
            if (crs_ && !crs_(pts)) fail(w + " lies outside what filter-crs can take to longitude latitude", start);
            for (auto const& p : pts) check_lon_lat(p.x, p.y, start);
            if (w == "POINT") {
                g->type = geometry_type::point;
                g->points = pts;
            } else {
                g->type = geometry_type::line_string;
                g->lines.push_back(pts);
            }
        } else {
            fail(w + " literals are not supported here (POINT, LINESTRING, POLYGON, MULTIPOLYGON and BBOX are)", start);
        }
        node n = make(kind::geometry, start, w_out);
        n.geom = std::move(g);
        return n;
    }
    // A WKT body "((x y, x y ...), (...))" with every pair taken to lon/lat
    // by crs_, in the shortest round-trip spelling.
    std::string in_lon_lat(std::string_view body, std::size_t body_at, std::size_t start) {
        std::string out;
        std::size_t i = 0;
        auto number_end = [&](std::size_t from) {
            std::size_t end = from;
            while (end < body.size() && !std::isspace(static_cast<unsigned char>(body[end])) && body[end] != ',' &&
                   body[end] != ')' && body[end] != '(')
                ++end;
            return end;
        };
        while (i < body.size()) {
            char const c = body[i];
            if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '(' || c == ')') {
                out += c;
                ++i;
                continue;
            }
            std::size_t const x_end = number_end(i);
            std::size_t y_at = x_end;
            while (y_at < body.size() && std::isspace(static_cast<unsigned char>(body[y_at]))) ++y_at;
            std::size_t const y_end = number_end(y_at);
            auto const v = numbers_in(body.substr(i, y_end - i), body_at + i);
            if (v.size() != 2) fail("expected a pair of coordinates", body_at + i);
            std::vector<point> one = {{v[0], v[1]}};
            if (!crs_(one)) fail("a vertex lies outside what filter-crs can take to longitude latitude", start);
            out += number_text(one[0].x) + " " + number_text(one[0].y);
            i = y_end;
        }
        return out;
    }
};

}  // namespace

std::variant<node, error> parse_text(std::string_view text, literal_crs const& crs) {
    try {
        return bounded(parser(text, crs).parse(), 0);
    } catch (failure const& f) {
        return error{f.message, f.offset};
    }
}

}  // namespace geo::cql2
