#include "geo/drawn_area.hpp"

#include "geo/geos_overlay.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace geo {

namespace {

// A small recursive-descent reader over the WKT grammar's polygon part.
class wkt_reader {
public:
    explicit wkt_reader(std::string_view text) : s_(text) {}

    std::variant<geometry, std::string> read() {
        geometry g;
        std::string const word = keyword();
        if (word == "POLYGON") {
            g.type = geometry_type::polygon;
            if (auto e = check_not_empty()) return *e;
            g.polygons.emplace_back();
            if (!read_polygon(g.polygons.back())) return error_;
        } else if (word == "MULTIPOLYGON") {
            g.type = geometry_type::multi_polygon;
            if (auto e = check_not_empty()) return *e;
            if (!expect('(')) return error_;
            do {
                g.polygons.emplace_back();
                if (!read_polygon(g.polygons.back())) return error_;
            } while (accept(','));
            if (!expect(')')) return error_;
        } else {
            return "must be a POLYGON or MULTIPOLYGON in WKT, e.g. POLYGON((104 12,105 12,105 13,104 12)), not '" +
                   std::string(s_.substr(0, 40)) + "'";
        }
        skip_spaces();
        if (pos_ != s_.size()) return "has text after the geometry at character " + std::to_string(pos_ + 1);
        return g;
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
    std::string error_;

    void skip_spaces() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    std::string keyword() {
        skip_spaces();
        std::string word;
        while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_])))
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(s_[pos_++])));
        return word;
    }
    std::optional<std::string> check_not_empty() {
        std::size_t const before = pos_;
        if (keyword() == "EMPTY") return std::string("is EMPTY: an area needs at least one ring");
        pos_ = before;
        return std::nullopt;
    }
    bool accept(char c) {
        skip_spaces();
        if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
        return false;
    }
    bool expect(char c) {
        if (accept(c)) return true;
        error_ = std::string("expected '") + c + "' at character " + std::to_string(pos_ + 1);
        return false;
    }
    std::optional<double> number() {
        skip_spaces();
        double v = 0;
        char const* begin = s_.data() + pos_;
        if (pos_ < s_.size() && s_[pos_] == '+') ++begin;  // from_chars takes no '+'
        auto const [end, ec] = std::from_chars(begin, s_.data() + s_.size(), v);
        if (ec != std::errc{} || !std::isfinite(v)) {
            error_ = "expected a number at character " + std::to_string(pos_ + 1);
            return std::nullopt;
        }
        pos_ = static_cast<std::size_t>(end - s_.data());
        return v;
    }
    bool read_ring(ring& r) {
        if (!expect('(')) return false;
        do {
            auto const x = number();
            if (!x) return false;
            auto const y = number();
            if (!y) return false;
            r.push_back({*x, *y});
        } while (accept(','));
        return expect(')');
    }
    bool read_polygon(polygon& p) {
        if (!expect('(')) return false;
        do {
            p.rings.emplace_back();
            if (!read_ring(p.rings.back())) return false;
        } while (accept(','));
        return expect(')');
    }
};

std::string number_text(double v) {
    char text[32];
    return std::string(text, std::to_chars(text, text + sizeof text, v).ptr);
}

std::string point_text(point const& p) { return number_text(p.x) + " " + number_text(p.y); }

// Closed rings of 4 points or more, in lon/lat range, not too many vertices.
std::optional<std::string> shape_problem(geometry const& g) {
    std::size_t vertices = 0, ring_number = 0;
    for (auto const& poly : g.polygons)
        for (auto const& r : poly.rings) {
            ++ring_number;
            vertices += r.size();
            std::string const which = "ring " + std::to_string(ring_number);
            if (r.size() < 4)
                return which + " has " + std::to_string(r.size()) + " points; a closed ring needs at least 4";
            if (r.front() != r.back())
                return which + " is not closed: it starts at " + point_text(r.front()) + " and ends at " +
                       point_text(r.back());
            for (auto const& p : r)
                if (p.x < -180 || p.x > 180 || p.y < -90 || p.y > 90)
                    return which + " has the point " + point_text(p) +
                           " outside longitude -180..180, latitude -90..90 (WGS 84, longitude first)";
        }
    if (vertices > drawn_area_vertex_limit)
        return "has " + std::to_string(vertices) + " vertices; at most " + std::to_string(drawn_area_vertex_limit) +
               " are allowed";
    return std::nullopt;
}

}  // namespace

std::variant<geometry, std::string> read_drawn_area(std::string_view wkt) {
    auto read = wkt_reader(wkt).read();
    if (auto* g = std::get_if<geometry>(&read)) {
        if (auto problem = shape_problem(*g)) return *problem;
        if (auto reason = invalid_reason(*g)) return "is not a valid polygon (" + *reason + ")";
    }
    return read;
}

std::string to_wkt(geometry const& area) {
    auto polygon_text = [](polygon const& p) {
        std::string out = "(";
        for (std::size_t k = 0; k < p.rings.size(); ++k) {
            out += k ? ",(" : "(";
            for (std::size_t i = 0; i < p.rings[k].size(); ++i) out += (i ? "," : "") + point_text(p.rings[k][i]);
            out += ")";
        }
        return out + ")";
    };
    if (area.polygons.size() == 1 && area.type == geometry_type::polygon) return "POLYGON" + polygon_text(area.polygons[0]);
    std::string out = "MULTIPOLYGON(";
    for (std::size_t k = 0; k < area.polygons.size(); ++k) out += (k ? "," : "") + polygon_text(area.polygons[k]);
    return out + ")";
}

}  // namespace geo
