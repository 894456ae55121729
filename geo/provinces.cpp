#include "geo/provinces.hpp"

#include "geo/area.hpp"
#include "geo/geos_overlay.hpp"
#include "geo/parallel.hpp"
#include "geo/province_names.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <thread>

namespace geo {

namespace {
// First field whose name (case-insensitively) is one of the candidates.
std::string guess_field(collection const& layer, std::initializer_list<std::string_view> candidates) {
    for (auto want : candidates)
        for (auto const& f : layer.fields)
            if (name_key(f.name) == name_key(want)) return f.name;
    return {};
}
}  // namespace

province_index::province_index() {
    auto const entries = gazetteer();
    for (std::uint32_t i = 0; i < entries.size(); ++i) {
        provinces_.push_back({std::string(entries[i].code), std::string(entries[i].name), std::string(entries[i].name), {}, {}, 0});
        add_keys(i, {}, {});
    }
    source_ = "gazetteer";
}

void province_index::add_keys(std::uint32_t index, std::string_view extra_name, std::string_view extra_code) {
    auto add = [&](std::string_view s) {
        std::string k = name_key(s);
        if (!k.empty()) by_key_.emplace(std::move(k), index);
    };
    province const& p = provinces_[index];
    add(p.name);
    add(p.code);
    add(extra_name);
    add(extra_code);
    if (auto g = find_in_gazetteer(p.name)) {
        auto const& e = gazetteer()[*g];
        for (auto alias : e.aliases) add(alias);
        add(e.khmer);
        add(e.code);
        add(std::string("KH") + std::string(e.code));
        if (e.code.front() == '0') add(e.code.substr(1));
    }
}

province_index province_index::from_boundaries(collection const& layer, std::string name_field, std::string code_field) {
    if (name_field.empty()) name_field = guess_field(layer, {"PROV_NAME", "shapeName", "NAME_1", "ADM1_EN", "name", "province"});
    if (code_field.empty()) code_field = guess_field(layer, {"PROV_CODE", "shapeISO", "ADM1_PCODE", "code", "HASC_1"});
    int const name_i = layer.field_index(name_field);
    int const code_i = layer.field_index(code_field);
    if (name_i < 0 && code_i < 0)
        throw std::runtime_error(layer.source + ": cannot tell which field names the province; set \"name_field\" for the "
                                 "province layer in the catalog");
    province_index index;
    index.provinces_.clear();
    index.by_key_.clear();
    index.has_geometry_ = true;
    index.source_ = layer.source;
    for (auto const& f : layer.features) {
        std::string const raw_name = name_i >= 0 ? text_of(f.properties[name_i]) : std::string();
        std::string const raw_code = code_i >= 0 ? text_of(f.properties[code_i]) : std::string();
        auto known = find_in_gazetteer(raw_name);
        if (!known) known = find_in_gazetteer(raw_code);
        province p;
        p.source_name = raw_name.empty() ? raw_code : raw_name;
        p.name = known ? std::string(gazetteer()[*known].name) : p.source_name;
        p.code = known ? std::string(gazetteer()[*known].code) : raw_code;
        // Several records of one province (islands stored apart) become one.
        auto const same = std::find_if(index.provinces_.begin(), index.provinces_.end(),
                                       [&](province const& q) { return q.name == p.name; });
        if (same != index.provinces_.end()) {
            for (auto& poly : f.geom.expand().polygons) same->geom.polygons.push_back(std::move(poly));
            same->geom.type = geometry_type::multi_polygon;
            same->bbox.expand(f.bbox);
            same->area_ha += f.area_ha;
            continue;
        }
        p.geom = f.geom.expand();
        p.bbox = f.bbox;
        p.area_ha = f.area_ha;
        index.provinces_.push_back(std::move(p));
        auto const i = static_cast<std::uint32_t>(index.provinces_.size() - 1);
        index.add_keys(i, raw_name, raw_code);
    }
    return index;
}

std::optional<std::uint32_t> province_index::find(std::string_view name_or_code) const {
    std::string key = name_key(name_or_code);
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    // Codes written without the leading zero or with the ISO prefix.
    if (auto g = find_in_gazetteer(name_or_code)) {
        if (auto it = by_key_.find(name_key(gazetteer()[*g].name)); it != by_key_.end()) return it->second;
    }
    return std::nullopt;
}

std::vector<std::string> province_index::closest(std::string_view text, std::size_t count) const {
    std::string const key = name_key(text);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (auto const& [k, i] : by_key_) scored.emplace_back(name_distance(key, k), provinces_[i].name);
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (auto const& [d, name] : scored) {
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        if (out.size() == count) break;
    }
    return out;
}

void province_index::assign(collection& c, province_options const& options) const {
    collection* const one[] = {&c};
    assign(one, options);
}

void province_index::assign(std::span<collection* const> collections, province_options const& options) const {
    if (!has_geometry_) {
        for (collection* c : collections) assign_from_text(*c);
        return;
    }
    // One list of every feature, split evenly between threads.
    std::vector<feature*> features;
    for (collection* c : collections)
        for (auto& f : c->features) features.push_back(&f);
    std::vector<geometry const*> regions;
    for (auto const& p : provinces_) regions.push_back(&p.geom);
    std::size_t const n = features.size();
    auto work = [&](std::size_t begin, std::size_t end) {
        region_overlay const overlay(regions);
        for (std::size_t i = begin; i < end; ++i) {
            feature& f = *features[i];
            f.provinces.clear();
            geometry const g = f.geom.expand();
            bool const polygonal = !g.polygons.empty();
            double const area = f.area_ha * 10'000.0;
            for (auto const& o : overlay.overlaps(g)) {
                double const share = !polygonal ? 1.0 : (area > 0 ? std::min(1.0, o.area_m2 / area) : 0.0);
                if (!polygonal || share >= options.min_share) f.provinces.push_back({o.region, share});
            }
            std::sort(f.provinces.begin(), f.provinces.end(),
                      [](province_share const& a, province_share const& b) { return a.share > b.share; });
        }
    };
    parallel_ranges(n, options.threads, 256, work);
    for (collection* c : collections)
        c->report.without_province = static_cast<std::size_t>(std::count_if(
            c->features.begin(), c->features.end(), [](feature const& f) { return !f.geom.empty() && f.provinces.empty(); }));
}

void province_index::assign_from_text(collection& c) const {
    int const field_i = c.field_index(c.roles.province);
    if (field_i < 0) return;
    std::set<std::string> unknown;
    for (auto& f : c.features) {
        f.provinces.clear();
        for (auto const& name : split_province_list(text_of(f.properties[field_i]))) {
            if (auto i = find(name)) {
                bool const seen = std::any_of(f.provinces.begin(), f.provinces.end(),
                                              [&](province_share const& s) { return s.province == *i; });
                if (!seen) f.provinces.push_back({*i, std::numeric_limits<double>::quiet_NaN()});
            } else {
                unknown.insert(name);
            }
        }
    }
    c.report.unknown_province_names.assign(unknown.begin(), unknown.end());
}

}  // namespace geo
