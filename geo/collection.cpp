#include "geo/collection.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

namespace geo {

std::string to_string(field_type type) {
    switch (type) {
        case field_type::string: return "string";
        case field_type::integer: return "integer";
        case field_type::real: return "number";
        case field_type::date: return "date";
        case field_type::datetime: return "date-time";
    }
    return "string";
}

std::string text_of(value const& v) {
    if (auto const* s = std::get_if<std::string>(&v)) return *s;
    if (auto const* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (auto const* d = std::get_if<double>(&v)) {
        char buf[32];
        auto const r = std::to_chars(buf, buf + sizeof buf, *d);
        return std::string(buf, r.ptr);
    }
    return {};
}

std::string name_of(collection const& c, feature const& f) {
    int const i = c.field_index(c.roles.name);
    if (i < 0) return {};
    auto const* s = std::get_if<std::string>(&f.properties[static_cast<std::size_t>(i)]);
    return s ? *s : std::string();
}

void note_example(std::vector<std::int64_t>& ids, std::int64_t id) {
    auto const at = std::lower_bound(ids.begin(), ids.end(), id);
    if (at != ids.end() && *at == id) return;
    if (ids.size() >= load_report::example_count && at == ids.end()) return;
    ids.insert(at, id);
    if (ids.size() > load_report::example_count) ids.pop_back();
}

index_box to_index_box(box const& b) { return index_box({b.min_x, b.min_y}, {b.max_x, b.max_y}); }

int collection::field_index(std::string const& name) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name) return static_cast<int>(i);
    return -1;
}

void collection::build_index() {
    for (auto& f : features) {
        f.edge_runs.clear();
        std::size_t at = 0;  // first vertex of the ring
        f.geom.for_each_polygon([&](std::span<std::uint32_t const> ring_sizes) {
            for (std::size_t const n : ring_sizes) {
                for (std::size_t first = 0; first + 1 < n; first += edge_run) {
                    box b;
                    for (std::size_t i = first; i <= std::min(first + edge_run, n - 1); ++i)
                        b.expand(f.geom.at(at + i));
                    f.edge_runs.push_back(b);
                }
                at += n;
            }
        });
        f.edge_runs.shrink_to_fit();
    }
    build_tree();
}

void collection::build_tree() {
    std::vector<index_entry> entries;
    entries.reserve(features.size());
    for (std::size_t i = 0; i < features.size(); ++i)
        if (features[i].bbox.valid()) entries.emplace_back(to_index_box(features[i].bbox), static_cast<std::uint32_t>(i));
    index = spatial_index(entries.begin(), entries.end());  // bulk loading packs the tree
}

void collection::index_dates() {
    by_contract_date.clear();
    for (std::uint32_t i = 0; i < features.size(); ++i)
        if (features[i].contract_date) by_contract_date.push_back(i);
    std::stable_sort(by_contract_date.begin(), by_contract_date.end(), [&](std::uint32_t a, std::uint32_t b) {
        return *features[a].contract_date < *features[b].contract_date;
    });
    by_contract_date.shrink_to_fit();
    dates_indexed = true;
}

void collection::index_provinces() {
    by_province.clear();
    for (std::uint32_t i = 0; i < features.size(); ++i)
        for (auto const& share : features[i].provinces) {
            if (share.province >= by_province.size()) by_province.resize(share.province + 1);
            if (by_province[share.province].empty() || by_province[share.province].back() != i)
                by_province[share.province].push_back(i);
        }
    for (auto& list : by_province) list.shrink_to_fit();
    provinces_indexed = true;
}

bool has_end_dates(collection const& c) { return !end_source(c).empty(); }
bool has_cancellations(collection const& c) { return !c.roles.cancelled.empty(); }

std::string end_source(collection const& c) {
    if (!c.roles.end_date.empty()) return c.roles.end_date;
    if (!c.roles.duration_years.empty() && !c.roles.contract_date.empty())
        return c.roles.contract_date + " + " + c.roles.duration_years;
    return {};
}

namespace {
std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
    return s;
}
}  // namespace

std::set<std::string> source_field_names(collection const& c) {
    std::set<std::string> taken;
    for (auto const& f : c.fields) taken.insert(upper(f.name));
    return taken;
}

std::string added_field_name(std::string const& base, std::set<std::string>& taken) {
    std::string name = base;
    for (int n = 1; taken.count(upper(name)); ++n) name = base + "_" + std::to_string(n);
    taken.insert(upper(name));
    return name;
}

namespace {
// Every property this server adds to a feature's GeoJSON, by its name when
// no source field takes it: the one list added_property_names and
// added_base_name read.
constexpr std::pair<std::string added_names::*, std::string_view> added_properties[] = {
    {&added_names::area_ha, "area_ha"},
    {&added_names::contract_date, "contract_date"},
    {&added_names::end_date, "end_date"},
    {&added_names::cancelled_date, "cancelled_date"},
    {&added_names::provinces, "provinces"},
    {&added_names::province_names, "province_names"},
    {&added_names::main_province, "main_province"},
    {&added_names::main_province_share, "main_province_share"},
    {&added_names::purpose_class, "purpose_class"},
    {&added_names::overlaps, "overlaps"}};
}  // namespace

added_names added_property_names(collection const& c) {
    std::set<std::string> taken = source_field_names(c);
    added_names n;
    for (auto const& [member, base] : added_properties) n.*member = added_field_name(std::string(base), taken);
    return n;
}

std::string_view added_base_name(std::string_view name) {
    std::size_t const cut = name.find_last_not_of("0123456789");
    bool const suffixed = cut != std::string_view::npos && cut + 1 < name.size() && name[cut] == '_';
    auto const is = [&](std::string_view base) { return name == base || (suffixed && name.substr(0, cut) == base); };
    if (is("id")) return "id";  // a CSV's and file download's first column
    for (auto const& [member, base] : added_properties)
        if (is(base)) return base;
    return {};
}

}  // namespace geo
