#include "geo/overlaps.hpp"

#include "geo/geos_overlay.hpp"
#include "geo/parallel.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace geo {

namespace {

// The features of `c` that may be overlapped: those with an area.
struct region_set {
    collection const* c = nullptr;
    std::vector<std::uint32_t> positions;  // in c->features
    std::vector<geometry> geometries;      // expanded, aligned with positions
};

region_set regions_of(collection const& c) {
    region_set r;
    r.c = &c;
    for (std::uint32_t i = 0; i < c.features.size(); ++i) {
        if (c.features[i].area_ha <= 0) continue;
        r.positions.push_back(i);
        r.geometries.push_back(c.features[i].geom.expand());
    }
    return r;
}

void measure(collection& c, std::vector<region_set const*> const& sets, unsigned threads) {
    // One overlay over every target feature of every measured collection;
    // region k is sets[s].positions[j] for the k-th (s, j) in order.
    std::vector<geometry const*> regions;
    std::vector<std::pair<std::size_t, std::uint32_t>> region_of;  // (set, position)
    for (std::size_t s = 0; s < sets.size(); ++s)
        for (std::size_t j = 0; j < sets[s]->positions.size(); ++j) {
            regions.push_back(&sets[s]->geometries[j]);
            region_of.emplace_back(s, sets[s]->positions[j]);
        }
    if (regions.empty()) return;
    std::vector<std::vector<region_overlay::overlap>> found(c.features.size());
    parallel_ranges(c.features.size(), threads, 64, [&](std::size_t begin, std::size_t end) {
        region_overlay const overlay(regions, /*partition=*/false);
        for (std::size_t i = begin; i < end; ++i)
            if (c.features[i].area_ha > 0) found[i] = overlay.overlaps(c.features[i].geom.expand());
    });
    // Targets numbered in the order first met, so the table is the same for
    // the same data whatever the threads did.
    std::map<std::uint32_t, std::uint32_t> target_of_region;
    for (std::size_t i = 0; i < c.features.size(); ++i) {
        auto& overlaps = c.features[i].overlaps;
        overlaps.clear();
        for (auto const& o : found[i]) {
            if (o.area_m2 <= 0) continue;
            auto [it, added] =
                target_of_region.try_emplace(o.region, static_cast<std::uint32_t>(c.overlap_targets.size()));
            if (added) {
                auto const& [s, position] = region_of[o.region];
                collection const& other = *sets[s]->c;
                feature const& g = other.features[position];
                c.overlap_targets.push_back({other.id, g.id, name_of(other, g)});
            }
            overlaps.push_back({it->second, o.area_m2 / 10'000.0});
        }
        std::sort(overlaps.begin(), overlaps.end(),
                  [](overlap_share const& a, overlap_share const& b) { return a.area_ha > b.area_ha; });
    }
}

}  // namespace

void measure_overlaps(std::vector<collection>& collections, unsigned threads) {
    std::map<std::string, region_set> sets;  // by collection id, made once for all that name it
    for (auto& c : collections) {
        c.overlap_targets.clear();
        for (auto& f : c.features) f.overlaps.clear();
        std::vector<region_set const*> wanted;
        for (auto const& id : c.overlaps_with) {
            auto const other =
                std::find_if(collections.begin(), collections.end(), [&](collection const& o) { return o.id == id; });
            if (other == collections.end() || &*other == &c) {
                c.report.warnings.push_back("the catalog measures overlaps with '" + id + "', which is " +
                                            (other == collections.end() ? "not loaded" : "this collection itself") +
                                            "; ignored");
                continue;
            }
            auto it = sets.find(id);
            if (it == sets.end()) it = sets.emplace(id, regions_of(*other)).first;
            wanted.push_back(&it->second);
        }
        measure(c, wanted, threads);
    }
}

}  // namespace geo
