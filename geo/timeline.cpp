#include "geo/timeline.hpp"

#include "geo/feature_query.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace geo {

namespace {

int year_of(std::string const& iso) {
    int y = 0;
    std::from_chars(iso.data(), iso.data() + std::min<std::size_t>(4, iso.size()), y);
    return y;
}

void add(hectares& h, feature const& f, std::optional<double> declared) {
    ++h.count;
    h.area_ha += f.area_ha;
    h.declared_ha += declared.value_or(0);
}

}  // namespace

timeline make_timeline(collection const& c, std::vector<std::uint32_t> const& selection) {
    timeline out;
    int first = 0, last = 0;
    for (auto i : selection) {
        feature const& f = c.features[i];
        if (!f.contract_date) {
            add(out.undated, f, declared_ha(c, f));
            continue;
        }
        int const granted = year_of(*f.contract_date);
        first = first ? std::min(first, granted) : granted;
        last = std::max({last, granted, f.cancelled_date ? year_of(*f.cancelled_date) : 0});
    }
    if (!first) return out;
    if (c.provenance.as_of.size() >= 4) last = std::max(last, year_of(c.provenance.as_of));

    out.years.resize(static_cast<std::size_t>(last - first + 1));
    for (int y = first; y <= last; ++y) out.years[static_cast<std::size_t>(y - first)].year = y;
    auto const row = [&](int y) -> timeline_year* {
        return y >= first && y <= last ? &out.years[static_cast<std::size_t>(y - first)] : nullptr;
    };
    std::vector<std::string> year_ends;
    for (auto const& r : out.years) year_ends.push_back(std::to_string(r.year) + "-12-31");
    // A feature is in force from its grant to its end or cancellation,
    // whichever comes first (in_force); that one event closes it, counted
    // in its year (a date before the grant, an error of the source, in the
    // grant's year), so that each year's in_force is the last one's plus
    // what was granted less what was cancelled or ended.
    for (auto i : selection) {
        feature const& f = c.features[i];
        if (!f.contract_date) continue;
        auto const declared = declared_ha(c, f);
        int const granted = year_of(*f.contract_date);
        add(row(granted)->granted, f, declared);
        bool const cut = f.cancelled_date && (!f.end_date || *f.cancelled_date < *f.end_date);
        std::optional<std::string> const& closed = cut ? f.cancelled_date : f.end_date;
        if (closed)
            if (auto* r = row(std::max(granted, year_of(*closed)))) add(cut ? r->cancelled : r->ended, f, declared);
        for (int y = granted; y <= last && in_force(f, year_ends[static_cast<std::size_t>(y - first)]); ++y)
            add(row(y)->in_force, f, declared);
    }
    return out;
}

}  // namespace geo
