#include "server/projection.hpp"

#include "geo/feature_writer.hpp"
#include "geo/projection.hpp"

#include <algorithm>

namespace server {

namespace {

// The end of the JSON value starting at i (one past its last character).
std::size_t value_end(std::string_view s, std::size_t i) {
    std::size_t depth = 0;
    bool in_string = false;
    for (; i < s.size(); ++i) {
        char const c = s[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') {
            if (depth == 0) return i;
            --depth;
        } else if (c == ',' && depth == 0) return i;
    }
    return i;
}

bool wanted(std::vector<std::string> const& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether a member or column as written is among those asked for: by its
// name or, for one the server adds, by the name it has when no source field
// takes it (provinces_1, beside the ELC layer's Provinces, answers to
// provinces too).
bool asked_for(std::vector<std::string> const& asked, std::string_view name) {
    if (wanted(asked, name)) return true;
    std::string_view const base = geo::added_base_name(name);
    return !base.empty() && wanted(asked, base);
}

// The fields of one CSV row (RFC 4180), as their text with quotes kept.
std::vector<std::string_view> csv_fields(std::string_view row) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= row.size(); ++i) {
        if (i < row.size() && row[i] == '"') quoted = !quoted;
        if (i == row.size() || (row[i] == ',' && !quoted)) {
            out.push_back(row.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string_view>> object_members(std::string_view object) {
    std::vector<std::pair<std::string, std::string_view>> out;
    std::size_t i = object.find('{');
    if (i == std::string_view::npos) return out;
    ++i;
    while (i < object.size()) {
        std::size_t const key_start = object.find('"', i);
        if (key_start == std::string_view::npos) break;
        std::size_t key_end = key_start + 1;
        while (key_end < object.size() && object[key_end] != '"') key_end += object[key_end] == '\\' ? 2 : 1;
        std::string const key(object.substr(key_start + 1, key_end - key_start - 1));
        std::size_t const colon = object.find(':', key_end);
        if (colon == std::string_view::npos) break;
        std::size_t const end = value_end(object, colon + 1);
        out.emplace_back(key, object.substr(colon + 1, end - colon - 1));
        if (end >= object.size() || object[end] != ',') break;
        i = end + 1;
    }
    return out;
}

void append_projected_feature(std::string& out, std::string_view feature, feature_projection const& p) {
    out += '{';
    bool first = true;
    for (auto const& [key, value] : object_members(feature)) {
        if (!first) out += ',';
        first = false;
        out += '"' + key + "\":";
        if (key == "geometry" && !p.geometry) {
            out += "null";
        } else if (key == "properties" && p.properties) {
            out += '{';
            bool first_property = true;
            for (auto const& [name, v] : object_members(value)) {
                if (!asked_for(*p.properties, name)) continue;
                if (!first_property) out += ',';
                first_property = false;
                out += '"' + name + "\":";
                out += v;
            }
            out += '}';
        } else {
            out += value;
        }
    }
    out += '}';
}

std::vector<std::size_t> csv_columns(std::string_view header, feature_projection const& p) {
    std::vector<std::size_t> keep;
    auto const names = csv_fields(header);
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::string name(names[i]);
        if (name.size() >= 2 && name.front() == '"') name = name.substr(1, name.size() - 2);
        bool const id = i == 0;
        bool const wkt = i + 1 == names.size();  // the WKT column ends every row
        bool const asked = !p.properties || asked_for(*p.properties, name);
        if (id || (wkt ? p.geometry : asked)) keep.push_back(i);
    }
    return keep;
}

void append_projected_csv_row(std::string& out, std::string_view row, std::vector<std::size_t> const& keep) {
    auto const fields = csv_fields(row);
    for (std::size_t k = 0; k < keep.size(); ++k) {
        if (k) out += ',';
        if (keep[k] < fields.size()) out += fields[keep[k]];
    }
    out += "\r\n";
}

namespace {
geo::reprojection reprojection_to(feature_projection const& p) {
    auto const& to = geo::crs_transform_for(p.crs, p.order);
    return {to, geo::crs_decimals(to.geographic())};
}
}  // namespace

void append_feature(std::string& out, geo::dataset const& data, geo::collection const& c, std::uint32_t position,
                    feature_projection const& p) {
    thread_local std::string whole;  // a feature before the projection cuts it
    std::string& text = p.cut() ? whole : out;
    if (p.cut()) whole.clear();
    // Without its geometry, a feature's CRS does not show.
    if (p.crs == geo::crs84_code || !p.geometry)
        data.append_feature(text, c, position);
    else
        geo::append_feature_json(text, c, c.features[position], data.provinces(), data.added_names_of(c),
                                 reprojection_to(p));
    if (p.cut()) append_projected_feature(out, whole, p);
}

void append_csv_row(std::string& out, geo::dataset const& data, geo::collection const& c, std::uint32_t position,
                    feature_projection const& p, std::vector<std::size_t> const& columns) {
    thread_local std::string whole;
    std::string& text = p.cut() ? whole : out;
    if (p.cut()) whole.clear();
    if (p.crs == geo::crs84_code || !p.geometry) {
        geo::append_csv_row(text, c, c.features[position], data.provinces());
    } else {
        auto const crs = reprojection_to(p);
        geo::append_csv_row(text, c, c.features[position], data.provinces(), &crs);
    }
    if (p.cut()) append_projected_csv_row(out, std::string_view(whole).substr(0, whole.size() - 2), columns);
}

}  // namespace server
