#include "geo/dataset.hpp"

#include "geo/feature_query.hpp"
#include "geo/feature_writer.hpp"
#include "geo/free_memory.hpp"
#include "geo/parallel.hpp"

#include <thread>

namespace geo {

std::shared_ptr<dataset const> dataset::load(std::vector<std::string> const& sources, load_options const& load_opts,
                                             dataset_options const& options) {
    return build(geo::load(sources, load_opts), options);
}

void dataset::release(dataset const* d) {
    delete d;
    // Gigabytes at millions of polygons, freed by whichever request let go
    // last: back to the system now.
    return_free_memory();
}

std::shared_ptr<dataset const> dataset::build(snapshot loaded, dataset_options const& options) {
    return std::shared_ptr<dataset const>(new dataset(std::move(loaded), options), release);
}

dataset::dataset(snapshot loaded, dataset_options const& options) : snap_(std::move(loaded)) {
    derived_.resize(snap_.collections.size());
    for (auto& c : snap_.collections) {
        keep_search_text(c);
        c.index_dates();
        c.index_provinces();
    }
    for (std::size_t k = 0; k < snap_.collections.size(); ++k) {
        auto const& c = snap_.collections[k];
        auto& d = derived_[k];
        derive_lookups(c, d);
        d.tiles = std::make_unique<tile_index>(c, snap_.provinces, options.tiles);
    }
    keep_feature_text(options.feature_text_bytes);
    companies_ = company_index(snap_.collections);
}

void dataset::derive_lookups(collection const& c, derived& d) const {
    d.by_id.reserve(c.features.size());
    for (std::uint32_t i = 0; i < c.features.size(); ++i) d.by_id.emplace(c.features[i].id, i);
    d.queryables = queryable_names(c);
    d.names = added_property_names(c);
}

namespace {
// Each feature's text as write(out, feature) makes it, in one buffer:
// a run of features per thread, then the runs joined.
template <typename Write>
kept_text keep_text(collection const& c, Write&& write) {
    std::size_t const n = c.features.size();
    std::size_t const runs = n < 10'000 ? 1 : std::max(1u, std::thread::hardware_concurrency());
    std::vector<kept_text> parts(runs);
    parallel_ranges(runs, static_cast<unsigned>(runs), 1, [&](std::size_t first_run, std::size_t end_run) {
        for (std::size_t r = first_run; r < end_run; ++r)
            for (std::size_t i = n * r / runs; i < n * (r + 1) / runs; ++i) {
                parts[r].starts.push_back(parts[r].bytes.size());
                write(parts[r].bytes, c.features[i]);
            }
    });
    kept_text all;
    std::size_t total = 0;
    for (auto const& part : parts) total += part.bytes.size();
    all.bytes.reserve(total);
    all.starts.reserve(n + 1);
    for (auto& part : parts) {
        for (auto start : part.starts) all.starts.push_back(all.bytes.size() + start);
        all.bytes += part.bytes;
        kept_text().bytes.swap(part.bytes);
    }
    all.starts.push_back(all.bytes.size());
    return all;
}
}  // namespace

void dataset::keep_feature_text(std::size_t budget) {
    std::size_t estimate = 0;  // ~24 bytes a coordinate pair, plus the properties
    for (auto const& c : snap_.collections)
        for (auto const& f : c.features) estimate += f.geom.vertex_count() * 24 + 512;
    bool const whole = estimate <= budget;
    for (std::size_t k = 0; k < snap_.collections.size(); ++k) {
        auto const& c = snap_.collections[k];
        auto& d = derived_[k];
        if (whole)
            d.features = keep_text(
                c, [&](std::string& out, feature const& f) { append_feature_json(out, c, f, snap_.provinces, d.names); });
        else
            d.properties = keep_text(
                c, [&](std::string& out, feature const& f) { append_properties_json(out, c, f, snap_.provinces, d.names); });
    }
}

std::size_t dataset::vertex_count() const {
    std::size_t n = 0;
    for (auto const& c : snap_.collections)
        for (auto const& f : c.features) n += f.geom.vertex_count();
    return n;
}

std::vector<memory_part> dataset::memory() const {
    std::size_t records = 0, geometry = 0, runs = 0, attributes = 0, index = 0, search = 0, ids = 0;
    std::size_t tile_vertices = 0, tile_other = 0, text = 0;
    for (std::size_t k = 0; k < snap_.collections.size(); ++k) {
        auto const& c = snap_.collections[k];
        auto const& d = derived_[k];
        records += heap_bytes(c.features);
        for (auto const& f : c.features) {
            geometry += f.geom.heap_bytes();
            runs += heap_bytes(f.edge_runs);
            attributes += heap_bytes(f.properties) + heap_bytes(f.provinces) +
                          (f.contract_date ? heap_bytes(*f.contract_date) : 0);
            for (auto const& v : f.properties)
                if (auto const* s = std::get_if<std::string>(&v)) attributes += heap_bytes(*s);
        }
        // A packed R-tree: leaves of up to 16 entries, nearly full, and a
        // sixteenth as much again above them; the dates and provinces in order.
        index += c.index.size() * sizeof(index_entry) * 17 / 16 + heap_bytes(c.by_contract_date) +
                 heap_bytes(c.by_province);
        for (auto const& list : c.by_province) index += heap_bytes(list);
        search += heap_bytes(c.search_text);
        for (auto const& t : c.search_text) search += heap_bytes(t.lower) + heap_bytes(t.keys);
        // libstdc++'s nodes: next pointer, the pair, the cached hash; the buckets.
        ids += d.by_id.size() * (sizeof(void*) + sizeof(std::pair<std::int64_t, std::uint32_t>) + sizeof(std::size_t)) +
               d.by_id.bucket_count() * sizeof(void*);
        tile_vertices += d.tiles->vertex_bytes();
        tile_other += d.tiles->other_bytes();
        text += d.features.memory() + d.properties.memory();
    }
    std::size_t provinces = 0;
    for (auto const& p : snap_.provinces.provinces()) provinces += sizeof p + p.geom.vertex_count() * sizeof(point);
    return {
        {"features", records},      {"geometry", geometry},  {"edge_runs", runs},     {"attributes", attributes},
        {"spatial_index", index},   {"search_text", search}, {"id_map", ids},         {"tile_vertices", tile_vertices},
        {"tile_other", tile_other}, {"feature_text", text},  {"provinces", provinces},   {"companies", companies_.memory()}};
}

std::size_t dataset::feature_count() const {
    std::size_t n = 0;
    for (auto const& c : snap_.collections) n += c.features.size();
    return n;
}

collection const* dataset::find(std::string_view id) const {
    for (auto const& c : snap_.collections)
        if (c.id == id) return &c;
    return nullptr;
}

std::optional<std::uint32_t> dataset::position_of(collection const& c, std::int64_t id) const {
    auto const& ids = derived_of(c).by_id;
    auto const it = ids.find(id);
    if (it == ids.end()) return std::nullopt;
    return it->second;
}

void dataset::append_feature(std::string& out, collection const& c, std::uint32_t i) const {
    derived const& d = derived_of(c);
    if (!d.features.empty()) {
        out += d.features.at(i);
        return;
    }
    if (d.properties.empty())
        append_feature_json(out, c, c.features[i], snap_.provinces, d.names);
    else
        append_feature_json(out, c.features[i], d.properties.at(i));
}

std::size_t dataset::feature_bytes(collection const& c, std::uint32_t i) const {
    derived const& d = derived_of(c);
    if (!d.features.empty()) return d.features.at(i).size();
    std::size_t const properties = d.properties.empty() ? 512 : d.properties.at(i).size();
    return 96 + properties + c.features[i].geom.vertex_count() * max_vertex_chars;
}

}  // namespace geo
