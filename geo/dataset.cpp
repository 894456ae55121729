#include "geo/dataset.hpp"

#include "geo/feature_query.hpp"
#include "geo/feature_writer.hpp"
#include "geo/parallel.hpp"

namespace geo {

std::shared_ptr<dataset const> dataset::load(std::vector<std::string> const& sources, load_options const& load_opts,
                                             dataset_options const& options) {
    return build(geo::load(sources, load_opts), options);
}

std::shared_ptr<dataset const> dataset::build(snapshot loaded, dataset_options const& options) {
    return std::shared_ptr<dataset const>(new dataset(std::move(loaded), options));
}

dataset::dataset(snapshot loaded, dataset_options const& options) : snap_(std::move(loaded)) {
    derived_.resize(snap_.collections.size());
    for (auto& c : snap_.collections) keep_search_text(c);
    for (std::size_t k = 0; k < snap_.collections.size(); ++k) {
        auto const& c = snap_.collections[k];
        auto& d = derived_[k];
        d.by_id.reserve(c.features.size());
        for (std::uint32_t i = 0; i < c.features.size(); ++i) d.by_id.emplace(c.features[i].id, i);
        d.tiles = std::make_unique<tile_index>(c, snap_.provinces, options.tiles);
        d.queryables = queryable_names(c);
    }
    keep_feature_text(options.feature_text_bytes);
}

void dataset::keep_feature_text(std::size_t budget) {
    std::size_t estimate = 0;  // ~24 bytes a coordinate pair, plus the properties
    for (auto const& c : snap_.collections)
        for (auto const& f : c.features) estimate += f.geom.vertex_count() * 24 + 512;
    if (estimate > budget) return;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < snap_.collections.size(); ++k) {
        auto const& c = snap_.collections[k];
        auto& texts = derived_[k].feature_text;
        texts.resize(c.features.size());
        parallel_ranges(c.features.size(), 0, 10'000, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                append_feature_json(texts[i], c, c.features[i], snap_.provinces);
                texts[i].shrink_to_fit();
            }
        });
        for (auto const& t : texts) kept += t.capacity() + sizeof t;
        if (kept > budget) {  // the estimate was short: write features per request instead
            for (auto& d : derived_) std::vector<std::string>().swap(d.feature_text);
            return;
        }
    }
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
    auto const& texts = derived_of(c).feature_text;
    if (!texts.empty())
        out += texts[i];
    else
        append_feature_json(out, c, c.features[i], snap_.provinces);
}

std::size_t dataset::kept_feature_bytes(collection const& c, std::uint32_t i) const {
    auto const& texts = derived_of(c).feature_text;
    return texts.empty() ? 0 : texts[i].size();
}

}  // namespace geo
