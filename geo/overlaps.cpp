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

// The collections of `group` all measured against `sets`: one overlay per
// thread for all of their features (building an overlay cuts every target
// into grid pieces, which costs as much as measuring a layer).
void measure(std::vector<collection*> const& group, std::vector<region_set const*> const& sets, unsigned threads) {
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
    std::vector<std::pair<std::size_t, std::size_t>> work;  // (collection in group, feature) with an area
    std::vector<std::vector<std::vector<region_overlay::overlap>>> found(group.size());
    for (std::size_t g = 0; g < group.size(); ++g) {
        found[g].resize(group[g]->features.size());
        for (std::size_t i = 0; i < group[g]->features.size(); ++i)
            if (group[g]->features[i].area_ha > 0) work.emplace_back(g, i);
    }
    if (work.empty()) return;
    parallel_ranges(work.size(), threads, 64, [&](std::size_t begin, std::size_t end) {
        region_overlay const overlay(regions, /*partition=*/false);
        for (std::size_t k = begin; k < end; ++k) {
            auto const [g, i] = work[k];
            found[g][i] = overlay.overlaps(group[g]->features[i].geom.expand());
        }
    });
    for (std::size_t g = 0; g < group.size(); ++g) {
        collection& c = *group[g];
        // Targets numbered in the order first met, so the table is the same
        // for the same data whatever the threads did.
        std::map<std::uint32_t, std::uint32_t> target_of_region;
        for (std::size_t i = 0; i < c.features.size(); ++i) {
            auto& overlaps = c.features[i].overlaps;
            overlaps.clear();
            for (auto const& o : found[g][i]) {
                if (o.area_m2 <= 0) continue;
                auto [it, added] =
                    target_of_region.try_emplace(o.region, static_cast<std::uint32_t>(c.overlap_targets.size()));
                if (added) {
                    auto const& [s, position] = region_of[o.region];
                    collection const& other = *sets[s]->c;
                    feature const& t = other.features[position];
                    c.overlap_targets.push_back({other.id, t.id, name_of(other, t), position});
                }
                overlaps.push_back({it->second, o.area_m2 / 10'000.0});
            }
            std::sort(overlaps.begin(), overlaps.end(),
                      [](overlap_share const& a, overlap_share const& b) { return a.area_ha > b.area_ha; });
        }
    }
}

}  // namespace

void measure_overlaps(std::vector<collection>& collections, unsigned threads) {
    std::map<std::string, region_set> sets;  // by collection id, made once for all that name it
    // Collections measured against the same sets, measured together.
    std::map<std::vector<region_set const*>, std::vector<collection*>> groups;
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
        if (!wanted.empty()) groups[wanted].push_back(&c);
    }
    for (auto const& [wanted, group] : groups) measure(group, wanted, threads);
}

namespace {

// The hectares where the union of `features` meets the union of `targets`;
// one of each needs no union, and the measured overlap says it.
double union_inside_ha(collection const& c, std::vector<std::uint32_t> const& features, collection const* const* owners,
                       std::vector<std::uint32_t> const& targets, double single_ha) {
    if (features.size() == 1 && targets.size() == 1) return single_ha;
    std::vector<geometry> a, b;
    a.reserve(features.size());
    b.reserve(targets.size());
    for (auto i : features) a.push_back(c.features[i].geom.expand());
    for (std::size_t k = 0; k < targets.size(); ++k)
        b.push_back(owners[k]->features[c.overlap_targets[targets[k]].position].geom.expand());
    std::vector<geometry const*> pa, pb;
    for (auto const& g : a) pa.push_back(&g);
    for (auto const& g : b) pb.push_back(&g);
    double const m2 = shared_area_m2(pa, pb);
    return m2 < 0 ? single_ha : m2 / 10'000.0;  // GEOS failed: the sum, an upper bound
}

}  // namespace

overlap_summary summarize_overlaps(collection const& c, std::vector<std::uint32_t> const& selection,
                                   std::vector<collection> const& collections, std::string_view only) {
    auto const owner = [&](std::string const& id) -> collection const* {
        for (auto const& o : collections)
            if (o.id == id) return &o;
        return nullptr;
    };
    std::vector<collection const*> owner_of(c.overlap_targets.size());
    for (std::size_t t = 0; t < owner_of.size(); ++t) owner_of[t] = owner(c.overlap_targets[t].collection);
    auto const wanted = [&](std::uint32_t t) {
        return owner_of[t] && (only.empty() || c.overlap_targets[t].collection == only);
    };

    // Per target: the selected features in it and the sum of their hectares inside.
    std::map<std::uint32_t, std::pair<std::vector<std::uint32_t>, double>> by_target;
    for (auto i : selection)
        for (auto const& o : c.features[i].overlaps)
            if (wanted(o.target)) {
                auto& [features, sum] = by_target[o.target];
                features.push_back(i);
                sum += o.area_ha;
            }

    overlap_summary out;
    for (auto& [target, entry] : by_target) {
        std::uint32_t const t = target;  // a lambda may not capture a structured binding (clang)
        auto& [features, sum] = entry;
        auto const inside = [&](std::uint32_t i) {
            for (auto const& o : c.features[i].overlaps)
                if (o.target == t) return o.area_ha;
            return 0.0;
        };
        std::stable_sort(features.begin(), features.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return inside(a) > inside(b); });
        collection const* const owners[] = {owner_of[t]};
        overlap_group g;
        g.target = t;
        g.area_ha = union_inside_ha(c, features, owners, {t}, sum);
        g.target_area_ha = owner_of[t]->features[c.overlap_targets[t].position].area_ha;
        g.features = std::move(features);
        out.groups.push_back(std::move(g));
    }
    std::stable_sort(out.groups.begin(), out.groups.end(),
                     [](overlap_group const& a, overlap_group const& b) { return a.area_ha > b.area_ha; });

    for (auto const& id : c.overlaps_with) {
        if (!owner(id) || (!only.empty() && id != only)) continue;
        std::vector<std::uint32_t> features, targets;
        std::vector<collection const*> owners;
        double sum = 0;
        for (auto i : selection) {
            bool in = false;
            for (auto const& o : c.features[i].overlaps)
                if (c.overlap_targets[o.target].collection == id) {
                    in = true;
                    sum += o.area_ha;
                    if (std::find(targets.begin(), targets.end(), o.target) == targets.end()) {
                        targets.push_back(o.target);
                        owners.push_back(owner_of[o.target]);
                    }
                }
            if (in) features.push_back(i);
        }
        out.inside_ha.emplace_back(id,
                                   features.empty() ? 0.0 : union_inside_ha(c, features, owners.data(), targets, sum));
    }
    return out;
}

}  // namespace geo
