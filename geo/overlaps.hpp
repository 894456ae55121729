#pragma once
// Overlap with protected land (issue 15): for each collection the catalog
// measures against others ("overlaps": ["protected-areas", ...]), how many
// hectares of each of its features lie inside each feature of those, on the
// repaired geometries, with the ellipsoidal areas the province shares use
// (region_overlay). A feature that only touches a boundary has none.

#include "geo/collection.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace geo {

// Fills overlap_targets and each feature's overlaps for every collection
// with overlaps_with; a named collection that is not loaded is a warning in
// the collection's report. After the features' areas are known.
void measure_overlaps(std::vector<collection>& collections, unsigned threads);

// What a selection of c's features holds of each feature they overlap: the
// numbers of stats?group=overlap and /collections/{c}/overlaps/{other}.
struct overlap_group {
    std::uint32_t target = 0;             // index into c.overlap_targets
    std::vector<std::uint32_t> features;  // positions in c.features overlapping it, most hectares inside first
    double area_ha = 0;                   // of the union of those features inside it: land counted once
    double target_area_ha = 0;            // of the overlapped feature itself
};
struct overlap_summary {
    std::vector<overlap_group> groups;  // most hectares first
    // Per collection measured against (c.overlaps_with's order, those
    // loaded): the hectares of the selection inside the union of its
    // features, never the same hectare twice where they overlap each other.
    std::vector<std::pair<std::string, double>> inside_ha;
};
// `only`: one measured collection's id, or "" for all. `collections`: the
// dataset's, where the overlapped features are.
overlap_summary summarize_overlaps(collection const& c, std::vector<std::uint32_t> const& selection,
                                   std::vector<collection> const& collections, std::string_view only = {});

}  // namespace geo
