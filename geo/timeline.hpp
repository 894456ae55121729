#pragma once
// A collection through time: per year, what was granted, cancelled and
// ended, and what was in force at the year's end (issue 15). Built on the
// life dates the loader reads (feature::contract_date, end_date,
// cancelled_date) and in_force's rule, so that the year's-end row of year Y
// counts exactly what as_of=Y-12-31 selects.

#include "geo/collection.hpp"

#include <cstdint>
#include <vector>

namespace geo {

struct hectares {
    std::size_t count = 0;
    double area_ha = 0;      // computed from the geometry
    double declared_ha = 0;  // the area_ha role field, where it holds a number
};

struct timeline_year {
    int year = 0;
    hectares granted, cancelled, ended, in_force;  // in_force: on 31 December
};

struct timeline {
    // From the first year a selected feature was granted to the last year
    // the data records an event in (a grant or a cancellation; an end after
    // it lies in the data's future) or its provenance date, whichever is
    // later. Empty when no selected feature has a contract date.
    std::vector<timeline_year> years;
    hectares undated;  // selected features without a contract date: on no row
};

// `selection`: positions in c.features (geo::select).
timeline make_timeline(collection const& c, std::vector<std::uint32_t> const& selection);

}  // namespace geo
