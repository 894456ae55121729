#include "geo/feature_writer.hpp"

#include "geo/number_format.hpp"
#include "geo/projection.hpp"
#include "geo/purpose_class.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace geo {

void append_coordinate(std::string& out, double v) {
    char buf[48];
    out.append(buf, write_fixed(buf, v, 9));
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t plain = 0;  // start of the run of characters that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
        }
    }
    out.append(s.data() + plain, s.size() - plain);
    out += '"';
}

namespace {
void append_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    auto const r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    // A real that happens to be whole stays a real ("5643.0"): clients such
    // as GDAL's OAPIF driver type fields from the first values they see.
    if (std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e' || c == 'n' || c == 'i'; }) == r.ptr) out += ".0";
}

}  // namespace

namespace {
// Points as GeoJSON ([[x,y],...]) or WKT ((x y,...)) spell a sequence of them.
void append_sequence(std::string& out, std::vector<point> const& pts, int decimals, bool json) {
    out += json ? '[' : '(';
    char buf[112];
    for (std::size_t i = 0; i < pts.size(); ++i) {
        char* p = buf;
        if (i) *p++ = ',';
        if (json) *p++ = '[';
        p = write_fixed(p, pts[i].x, decimals);
        *p++ = json ? ',' : ' ';
        p = write_fixed(p, pts[i].y, decimals);
        if (json) *p++ = ']';
        out.append(buf, p);
    }
    out += json ? ']' : ')';
}
}  // namespace

void append_points(std::string& out, std::vector<point> const& pts, int decimals) {
    append_sequence(out, pts, decimals, true);
}

namespace {

void append_polygon(std::string& out, polygon const& p, int decimals) {
    out += '[';
    for (std::size_t i = 0; i < p.rings.size(); ++i) {
        if (i) out += ',';
        append_points(out, p.rings[i], decimals);
    }
    out += ']';
}

// Dividing by the inverse keeps 9394.0901 from printing as 9394.090100000001.
double rounded(double v, double unit) { return std::round(v / unit) / (1 / unit); }
}  // namespace

void append_json_value(std::string& out, value const& v) {
    if (auto const* s = std::get_if<std::string>(&v))
        append_json_string(out, *s);
    else if (auto const* i = std::get_if<std::int64_t>(&v))
        out += std::to_string(*i);
    else if (auto const* d = std::get_if<double>(&v))
        append_double(out, *d);
    else
        out += "null";
}

void append_geometry_json(std::string& out, geometry const& g, int decimals) {
    switch (g.type) {
        case geometry_type::none: out += "null"; return;
        case geometry_type::point: {
            char buf[96];
            char* p = write_fixed(buf, g.points[0].x, decimals);
            *p++ = ',';
            p = write_fixed(p, g.points[0].y, decimals);
            out += R"({"type":"Point","coordinates":[)";
            out.append(buf, p);
            out += "]}";
            return;
        }
        case geometry_type::multi_point:
            out += R"({"type":"MultiPoint","coordinates":)";
            append_points(out, g.points, decimals);
            break;
        case geometry_type::line_string:
            out += R"({"type":"LineString","coordinates":)";
            append_points(out, g.lines[0], decimals);
            break;
        case geometry_type::multi_line_string:
            out += R"({"type":"MultiLineString","coordinates":[)";
            for (std::size_t i = 0; i < g.lines.size(); ++i) {
                if (i) out += ',';
                append_points(out, g.lines[i], decimals);
            }
            out += ']';
            break;
        case geometry_type::polygon:
            out += R"({"type":"Polygon","coordinates":)";
            append_polygon(out, g.polygons[0], decimals);
            break;
        case geometry_type::multi_polygon:
            out += R"({"type":"MultiPolygon","coordinates":[)";
            for (std::size_t i = 0; i < g.polygons.size(); ++i) {
                if (i) out += ',';
                append_polygon(out, g.polygons[i], decimals);
            }
            out += ']';
            break;
    }
    out += '}';
}

void append_properties_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                            added_names const& names) {
    // Each added name as a member's key: "name": after the comma (or not).
    auto const key = [&](std::string const& name) {
        out += ',';
        append_json_string(out, name);
        out += ':';
    };
    out += '{';
    for (std::size_t i = 0; i < c.fields.size(); ++i) {
        append_json_string(out, c.fields[i].name);
        out += ':';
        append_json_value(out, f.properties[i]);
        out += ',';
    }
    append_json_string(out, names.area_ha);
    out += ':';
    append_double(out, rounded(f.area_ha, 0.0001));
    auto const date = [&](std::string const& name, std::optional<std::string> const& d) {
        key(name);
        if (d)
            append_json_string(out, *d);
        else
            out += "null";
    };
    date(names.contract_date, f.contract_date);
    if (has_end_dates(c)) date(names.end_date, f.end_date);
    if (has_cancellations(c)) date(names.cancelled_date, f.cancelled_date);
    key(names.provinces);
    out += '[';
    for (std::size_t i = 0; i < f.provinces.size(); ++i) {
        auto const& p = provinces.provinces()[f.provinces[i].province];
        if (i) out += ',';
        out += R"({"name":)";
        append_json_string(out, p.name);
        out += R"(,"code":)";
        append_json_string(out, p.code);
        out += R"(,"share":)";
        append_double(out, std::isnan(f.provinces[i].share) ? NAN : rounded(f.provinces[i].share, 0.0001));
        out += '}';
    }
    out += ']';
    // The same flat, for clients that read no arrays (QGIS's OAPIF provider
    // reads the list above as NULL): "Kratie; Mondulkiri", and the province
    // holding most of it with its share.
    if (f.provinces.empty()) {
        for (auto const* name : {&names.province_names, &names.main_province, &names.main_province_share}) {
            key(*name);
            out += "null";
        }
    } else {
        std::string list;
        for (std::size_t i = 0; i < f.provinces.size(); ++i)
            list.append(i ? "; " : "").append(provinces.provinces()[f.provinces[i].province].name);
        key(names.province_names);
        append_json_string(out, list);
        key(names.main_province);
        append_json_string(out, provinces.provinces()[f.provinces.front().province].name);
        key(names.main_province_share);
        append_double(out, std::isnan(f.provinces.front().share) ? NAN : rounded(f.provinces.front().share, 0.0001));
    }
    if (c.field_index(c.roles.purpose) >= 0) {
        key(names.purpose_class);
        out += '[';
        bool first = true;
        for (auto name : purpose_class_names(f.purpose_classes)) {
            if (!first) out += ',';
            first = false;
            append_json_string(out, name);
        }
        out += ']';
    }
    if (!c.overlaps_with.empty()) {
        key(names.overlaps);
        out += '[';
        for (std::size_t i = 0; i < f.overlaps.size(); ++i) {
            auto const& o = f.overlaps[i];
            auto const& t = c.overlap_targets[o.target];
            if (i) out += ',';
            out += R"({"collection":)";
            append_json_string(out, t.collection);
            out += R"(,"id":)";
            out += std::to_string(t.id);
            out += R"(,"name":)";
            append_json_string(out, t.name);
            out += R"(,"hectares":)";
            append_double(out, rounded(o.area_ha, 0.0001));
            out += R"(,"share":)";
            append_double(out, f.area_ha > 0 ? rounded(std::min(1.0, o.area_ha / f.area_ha), 0.0001) : 0.0);
            out += '}';
        }
        out += ']';
    }
    out += '}';
}

namespace {
// How GeoJSON and WKT spell coordinates: a sequence of points is
// open + elements joined by ',' + close, an element of a sequence is
// element_open + x + separator + y + element_close, and a point standing
// alone (a Point, or each member of a MultiPoint) is open + x + separator + y + close.
struct coordinate_syntax {
    char open, close, separator;
    char element_open, element_close;  // '\0': none
};
constexpr coordinate_syntax json_syntax{'[', ']', ',', '[', ']'};
constexpr coordinate_syntax wkt_syntax{'(', ')', ' ', '\0', '\0'};

// The coordinates of a compact geometry, written straight into out's
// buffer (sized for the longest text first, then cut to what was written):
// exactly what the doubles it was made from would give, since its integers
// are those doubles rounded to its decimals. Nothing for an empty geometry.
// The syntax is a template argument, and the vertices are read through
// local copies of the geometry's pointer and origin: stores through a
// char pointer may alias anything, and would otherwise make every
// character written reload them.
template <int Decimals, coordinate_syntax syntax>
void append_compact_coordinates(std::string& out, compact_geometry const& g) {
    std::span<std::uint32_t const> const layout = g.layout();
    // Per vertex at most two numbers of 17 chars (below 1e6 with 9
    // decimals: compact_geometry holds nothing larger), a separator, a comma
    // and its element's brackets; per part of the layout two brackets and a comma.
    std::size_t const bound = g.vertex_count() * max_vertex_chars + layout.size() * 3 + 8;
    std::size_t const start = out.size();
    out.resize(start + bound);
    char* const begin = out.data() + start;
    char* p = begin;
    std::int32_t const* offsets = g.offsets();
    std::int64_t const origin_x = g.origin_x(), origin_y = g.origin_y();
    auto xy = [&] {
        p = write_scaled<Decimals>(p, origin_x + offsets[0]);
        *p++ = syntax.separator;
        p = write_scaled<Decimals>(p, origin_y + offsets[1]);
        offsets += 2;
    };
    auto sequence = [&](std::size_t n) {
        *p++ = syntax.open;
        for (std::size_t k = 0; k < n; ++k) {
            if (k) *p++ = ',';
            if (syntax.element_open) *p++ = syntax.element_open;
            xy();
            if (syntax.element_close) *p++ = syntax.element_close;
        }
        *p++ = syntax.close;
    };
    auto lone_point = [&] {
        *p++ = syntax.open;
        xy();
        *p++ = syntax.close;
    };
    auto joined = [&](std::size_t n, auto&& each) {
        *p++ = syntax.open;
        for (std::size_t k = 0; k < n; ++k) {
            if (k) *p++ = ',';
            each(k);
        }
        *p++ = syntax.close;
    };
    auto polygon_of = [&](std::span<std::uint32_t const> rings) {
        joined(rings.size(), [&](std::size_t k) { sequence(rings[k]); });
    };
    switch (g.type()) {
        case geometry_type::none:
            break;
        case geometry_type::point:
            lone_point();
            break;
        case geometry_type::multi_point:
            joined(g.point_count(), [&](std::size_t) { lone_point(); });
            break;
        case geometry_type::line_string:
            sequence(layout[0]);
            break;
        case geometry_type::multi_line_string:
            joined(layout.size(), [&](std::size_t k) { sequence(layout[k]); });
            break;
        case geometry_type::polygon:
            g.for_each_polygon(polygon_of);
            break;
        case geometry_type::multi_polygon: {
            std::size_t k = 0;
            *p++ = syntax.open;
            g.for_each_polygon([&](std::span<std::uint32_t const> rings) {
                if (k++) *p++ = ',';
                polygon_of(rings);
            });
            *p++ = syntax.close;
            break;
        }
    }
    out.resize(start + static_cast<std::size_t>(p - begin));
}

template <coordinate_syntax syntax>
void append_compact_coordinates(std::string& out, compact_geometry const& g) {
    with_decimals(g.decimals(), [&](auto d) { append_compact_coordinates<decltype(d)::value, syntax>(out, g); });
}

}  // namespace

void append_geometry_json(std::string& out, compact_geometry const& g) {
    if (g.empty()) {
        out += "null";
        return;
    }
    out += R"({"type":")";
    out += to_string(g.type());  // GeoJSON's names
    out += R"(","coordinates":)";
    append_compact_coordinates<json_syntax>(out, g);
    out += '}';
}

void append_wkt(std::string& out, compact_geometry const& g) {
    if (g.empty()) return;
    std::string type = to_string(g.type());
    for (auto& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += type;
    append_compact_coordinates<wkt_syntax>(out, g);
}

void append_feature_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                         added_names const& names) {
    thread_local std::string properties;
    properties.clear();
    append_properties_json(properties, c, f, provinces, names);
    append_feature_json(out, f, properties);
}

namespace {
geometry reprojected(feature const& f, reprojection const& crs) {
    geometry g = f.geom.expand();
    if (!crs.to.forward(g)) return {};
    return g;
}
}  // namespace

void append_feature_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                         added_names const& names, reprojection const& crs) {
    out += R"({"type":"Feature","id":)";
    out += std::to_string(f.id);
    out += R"(,"geometry":)";
    append_geometry_json(out, reprojected(f, crs), crs.decimals);
    out += R"(,"properties":)";
    append_properties_json(out, c, f, provinces, names);
    out += '}';
}

void append_wkt(std::string& out, geometry const& g, int decimals) {
    if (g.empty()) return;
    std::string type = to_string(g.type);
    for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out += type;
    auto sequence = [&](std::vector<point> const& pts) { append_sequence(out, pts, decimals, false); };
    auto joined = [&](auto const& parts, auto&& each) {
        out += '(';
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i) out += ',';
            each(parts[i]);
        }
        out += ')';
    };
    auto polygon_of = [&](polygon const& poly) { joined(poly.rings, sequence); };
    switch (g.type) {
        case geometry_type::none:
            break;
        case geometry_type::point:
            sequence(g.points);
            break;
        case geometry_type::multi_point:
            joined(g.points, [&](point const& p) { sequence({p}); });
            break;
        case geometry_type::line_string:
            sequence(g.lines[0]);
            break;
        case geometry_type::multi_line_string:
            joined(g.lines, sequence);
            break;
        case geometry_type::polygon:
            polygon_of(g.polygons[0]);
            break;
        case geometry_type::multi_polygon:
            joined(g.polygons, polygon_of);
            break;
    }
}

void append_feature_json(std::string& out, feature const& f, std::string_view properties_json) {
    out += R"({"type":"Feature","id":)";
    out += std::to_string(f.id);
    out += R"(,"geometry":)";
    append_geometry_json(out, f.geom);
    out += R"(,"properties":)";
    out += properties_json;
    out += '}';
}

void append_csv_field(std::string& out, std::string_view s) {
    bool const quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += s;
        return;
    }
    out += '"';
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
}

std::string csv_header(collection const& c) {
    // The added columns take names no source field has, whatever the case
    // (provinces_1 beside the ELC layer's Provinces), as file downloads do:
    // spreadsheets and GDAL's CSV driver read names without case.
    std::set<std::string> taken = source_field_names(c);
    std::string out = added_field_name("id", taken);
    for (auto const& f : c.fields) {
        out += ',';
        append_csv_field(out, f.name);
    }
    std::vector<std::string> added = {"area_ha", "contract_date"};
    if (has_end_dates(c)) added.emplace_back("end_date");
    if (has_cancellations(c)) added.emplace_back("cancelled_date");
    added.emplace_back("provinces");
    if (c.field_index(c.roles.purpose) >= 0) added.emplace_back("purpose_class");
    added.emplace_back("WKT");
    for (auto const& name : added) {
        out += ',';
        append_csv_field(out, added_field_name(name, taken));
    }
    out += "\r\n";
    return out;
}

void append_csv_row(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                    reprojection const* crs) {
    out += std::to_string(f.id);
    for (auto const& v : f.properties) {
        out += ',';
        if (auto const* s = std::get_if<std::string>(&v)) {
            append_csv_field(out, *s);
        } else if (!is_null(v)) {
            std::string tmp;
            append_json_value(tmp, v);
            out += tmp;
        }
    }
    out += ',';
    append_double(out, rounded(f.area_ha, 0.0001));
    out += ',';
    if (f.contract_date) out += *f.contract_date;
    if (has_end_dates(c)) out += "," + f.end_date.value_or("");
    if (has_cancellations(c)) out += "," + f.cancelled_date.value_or("");
    out += ',';
    std::string names;
    for (std::size_t i = 0; i < f.provinces.size(); ++i) {
        if (i) names += "; ";
        names += provinces.provinces()[f.provinces[i].province].name;
        if (!std::isnan(f.provinces[i].share)) {
            char buf[16];
            std::snprintf(buf, sizeof buf, " (%.1f%%)", f.provinces[i].share * 100);
            names += buf;
        }
    }
    append_csv_field(out, names);
    if (c.field_index(c.roles.purpose) >= 0) {
        out += ',';
        append_csv_field(out, purpose_class_text(f.purpose_classes));
    }
    out += ',';
    std::string wkt;
    if (crs)
        append_wkt(wkt, reprojected(f, *crs), crs->decimals);
    else
        append_wkt(wkt, f.geom);
    append_csv_field(out, wkt);
    out += "\r\n";
}

}  // namespace geo
