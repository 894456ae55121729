#pragma once
// Overlap with protected land (issue 15): for each collection the catalog
// measures against others ("overlaps": ["protected-areas", ...]), how many
// hectares of each of its features lie inside each feature of those, on the
// repaired geometries, with the ellipsoidal areas the province shares use
// (region_overlay). A feature that only touches a boundary has none.

#include "geo/collection.hpp"

#include <vector>

namespace geo {

// Fills overlap_targets and each feature's overlaps for every collection
// with overlaps_with; a named collection that is not loaded is a warning in
// the collection's report. After the features' areas are known.
void measure_overlaps(std::vector<collection>& collections, unsigned threads);

}  // namespace geo
