#pragma once
// Selecting features: the filters items, stats, tiles and downloads share
// (bounding box on the real geometry, a drawn area, province, text,
// attribute equality, contract-date range, in force on a day), and sorting.
// Pure functions of an immutable collection: safe from any number of threads.

#include "geo/collection.hpp"
#include "geo/companies.hpp"
#include "geo/cql2.hpp"
#include "geo/provinces.hpp"
#include "geo/text_search.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

// Overlap with another collection's features (feature::overlaps).
struct overlap_filter {
    std::string collection;  // the other collection's id
    std::string name;  // "": any of its features; else one's id, or words of its name (as text_matcher reads them)
};

// Whether a filter names a feature (of the collection `of`, its id and
// name): the name's words prepared once, for every feature asked about.
class overlap_names {
public:
    explicit overlap_names(overlap_filter const& o) : o_(o), words_(o.name) {}
    bool operator()(std::string_view of, std::int64_t id, std::string const& name) const;

private:
    overlap_filter const& o_;
    text_matcher words_;
};
// Which of c.overlap_targets a filter names.
std::vector<bool> overlap_targets_named(collection const& c, overlap_filter const& o);

// One company's records (company=, resolved against the dataset's
// geo::company_index): per collection id, the positions, sorted.
struct company_selection {
    std::string slug;
    std::map<std::string, std::vector<std::uint32_t>, std::less<>> positions;
};

struct feature_query {
    std::optional<box> bbox;                  // lon/lat; matches geometry that meets the box, not just its bbox
    std::optional<std::uint32_t> province;    // index in province_index
    std::string text;                         // in name/company/purpose/nationality (geo::text_matcher)
    std::vector<std::pair<std::string, std::string>> equals;  // property (source field or computed) -> value
    std::optional<std::string> date_from;     // contract date, "YYYY-MM-DD", inclusive
    std::optional<std::string> date_to;
    std::optional<std::string> as_of;  // "YYYY-MM-DD": only the features in force that day (in_force)
    // Polygons in lon/lat (geo/drawn_area); matches geometry that meets them,
    // exactly. Shared: a query is copied per collection and per tile.
    std::shared_ptr<geometry const> area;
    std::optional<overlap_filter> overlaps;  // only the features that overlap it
    std::shared_ptr<company_selection const> company;  // only its records; shared like area
    // CQL2 (geo/cql2.hpp), compiled against the collection by select();
    // checked beforehand (server/filters.cpp), so it compiles.
    std::shared_ptr<cql2::node const> filter;
    // The dataset's provinces, for a filter on main_province or
    // province_names (set by server/filters' resolve_filters).
    province_index const* provinces = nullptr;
};

struct sort_key {
    std::string field;  // a source field, or area_ha, contract_date, id
    bool descending = false;
};

// Names a client may filter and sort on: the source fields, then the
// computed id, area_ha and contract_date, then end_date and cancelled_date
// where the collection has them (has_end_dates, has_cancellations), and
// purpose_class where it has a purpose.
std::vector<std::string> queryable_names(collection const& c);

// Positions in c.features of the matches, sorted (by id when no key given;
// nulls last; ties by id).
std::vector<std::uint32_t> select(collection const& c, feature_query const& q, std::vector<sort_key> const& sort = {});

// Fills c.search_text, so that select() reads a feature's searched text
// (name, company, purpose, nationality) folded once rather than per request.
void keep_search_text(collection& c);

// Whether a geometry meets a box (edges, vertices or containment).
bool intersects(geometry const& g, box const& b);
// The same answer, faster for large polygons when f.edge_runs is filled.
bool intersects(feature const& f, box const& b);

// Statistics per group for the selected features.
struct group_stats {
    std::string key;
    std::size_t count = 0;
    double area_ha = 0;      // computed from geometry (within the province, for group=province)
    double declared_ha = 0;  // from the area_ha field (likewise shared out for group=province)
    std::string slug;        // group=company: the company's (geo::company_index), for /companies/{slug}
};
// purpose_class: a concession in several classes counts in each (the
// groups then add up to more than the total).
enum class stats_group { province, company, purpose, nationality, year, purpose_class };
// Largest hectares first.
// group=company groups by company (`companies`: the dataset's, so that the
// spellings of one company are one group, named as its profile names it);
// without them, by the company field's text.
std::vector<group_stats> statistics(collection const& c, std::vector<std::uint32_t> const& selection, stats_group group,
                                    province_index const& provinces, company_index const* companies = nullptr);

// Whether a feature was in force on `day` ("YYYY-MM-DD"): granted on or
// before it (a feature without a contract date never is), not yet ended
// (its end date after it) and not cancelled (its cancellation after it).
bool in_force(feature const& f, std::string_view day);

// The declared hectares of a feature (area_ha role field, numbers in text
// such as "40920" read too), or nullopt.
std::optional<double> declared_ha(collection const& c, feature const& f);

}  // namespace geo
