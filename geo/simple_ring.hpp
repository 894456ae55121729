#pragma once
// A fast, conservative validity check for the common case: a polygon of one
// ring that does not touch or cross itself. `true` means certainly valid in
// the OGC sense; `false` means "ask GEOS" (it may still be valid). Checking
// every feature with GEOS IsValid was a third of the loading time.

#include "geo/geometry.hpp"

namespace geo {

bool certainly_valid(geometry const& g);

}  // namespace geo
