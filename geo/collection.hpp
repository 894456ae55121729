#pragma once
// A loaded collection: features in lon/lat with their attributes, the
// provinces they overlap, what loading had to repair, and a spatial index.

#include "geo/compact_geometry.hpp"
#include "geo/geometry.hpp"
#include "geo/text_search.hpp"
#include "geo/value.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

// Where a collection's data comes from, as a report cites it (the catalog
// says; every member may be empty).
struct provenance {
    std::string attribution;   // publisher: "Open Development Cambodia (ODC)"
    std::string license;       // "ODbL 1.0", or "not stated by the source"
    std::string source_url;    // where the data was published
    std::string as_of;         // the data's date: "2013-01-10", "2013-06" or "2013"
    std::string document_url;  // a template turning a document file name into a link: "https://.../{document}"

    bool empty() const { return attribution.empty() && license.empty() && source_url.empty() && as_of.empty(); }
};

// Which source field plays which part. Empty means the layer has none.
struct field_roles {
    std::string name;
    std::string company;
    std::string province;
    std::string area_ha;
    std::string purpose;
    std::string contract_date;
    std::string nationality;
    std::string duration_years;  // the term of the contract, in years ("Duration"); 0 or empty: unknown
    std::string end_date;        // when the contract ends, if the layer says (else start plus duration_years)
    std::string cancelled;       // a date, or text naming one ("Sub_Decree_No_124__16.08.2012.pdf")
};

struct province_share {
    std::uint32_t province = 0;  // index into province_index::provinces()
    double share = 0;            // fraction of the feature's area; NaN when parsed from text
};

// A part of a feature inside a feature of another collection (protected
// land, say): which one (collection::overlap_targets) and how much.
struct overlap_share {
    std::uint32_t target = 0;  // index into collection::overlap_targets
    double area_ha = 0;        // of the intersection, on the ellipsoid
};

// A feature of another collection that features of this one overlap.
struct overlap_target {
    std::string collection;  // its collection's id
    std::int64_t id = 0;     // its feature id
    std::string name;        // its name role's value, or ""
    std::uint32_t position = 0;  // its index in that collection's features
};

struct feature {
    std::int64_t id = 0;  // the source's feature id (OGR FID): stable while the source is unchanged
    compact_geometry geom;  // WGS 84 longitude/latitude
    box bbox;
    std::vector<value> properties;  // aligned with collection::fields
    double area_ha = 0;             // computed on the ellipsoid, 0 for points and lines
    std::optional<std::string> contract_date;  // ISO date parsed from the contract_date field
    // The end of its life: the end_date field, else the contract date plus
    // the duration; and the date it was cancelled or cut (the earliest date
    // the cancelled field names). ISO dates; nullopt: none known.
    std::optional<std::string> end_date, cancelled_date;
    std::vector<province_share> provinces;
    std::vector<overlap_share> overlaps;  // largest first; empty unless the collection is measured (overlaps_with)
    bool repaired = false;  // geometry was invalid and went through MakeValid
    std::uint16_t purpose_classes = 0;  // bits of geo::purpose_classes(), from the purpose role's text
    // Polygon rings in order, each cut into runs of edge_run edges: the
    // bounding box of each run, so that a box test skips the runs far from
    // the box instead of reading every vertex (made by build_index).
    std::vector<box> edge_runs;
};

inline constexpr std::size_t edge_run = 16;

// How many runs a ring of n vertices is cut into: its n - 1 edges, edge_run
// at a time; run k holds vertices k * edge_run to min((k + 1) * edge_run, n - 1).
inline constexpr std::size_t edge_runs_of(std::size_t n) { return n >= 2 ? (n - 2) / edge_run + 1 : 0; }

// What loading found and did, reported by `info` and never silently dropped.
struct load_report {
    std::size_t repaired = 0;
    std::size_t null_geometries = 0;
    std::size_t unparseable_dates = 0;
    std::vector<std::string> unparseable_date_examples;  // first few distinct values
    std::size_t recoded_text_values = 0;                 // invalid UTF-8 read as Windows-1252
    std::size_t recoded_features = 0;                    // features with at least one such value
    std::size_t without_province = 0;  // polygons overlapping no province (with boundaries)
    std::vector<std::string> unknown_province_names;  // when parsed from text
    std::map<std::string, std::size_t> geometry_types;
    std::vector<std::string> warnings;
    // The first few feature ids (smallest first) of each kind of problem,
    // for the summary a person reads on stderr (print_problems).
    static constexpr std::size_t example_count = 5;
    std::vector<std::int64_t> repaired_ids, null_geometry_ids, recoded_ids, unparseable_date_ids;
    // Life dates that could not be read: a duration ("forever"), an end
    // date, a cancelled field with no date in it (counted, then taken as
    // not cancelled).
    std::size_t unreadable_durations = 0, unreadable_end_dates = 0, undated_cancellations = 0;
    std::vector<std::int64_t> unreadable_duration_ids, unreadable_end_date_ids, undated_cancellation_ids;
};

// Where a collection's end dates come from, as a reader would check it:
// "EndDate", "Contract + Duration" (a number of years, or "2 months"), or ""
// when it has none.
struct collection;
std::string end_source(collection const& c);
// Whether its features have an end_date (end_source is not empty) and a
// cancelled_date (a cancelled role): items, CSV and file downloads then
// carry the property, and it is a queryable.
bool has_end_dates(collection const& c);
// The source's field names in capitals: the names taken in a flat format
// (CSV, GeoPackage, shapefile), where names compare without case.
std::set<std::string> source_field_names(collection const& c);
// A field this server adds (area_ha, provinces...) under a name no field
// has yet, whatever the case: `base`, else base_1, base_2...; taken grows.
std::string added_field_name(std::string const& base, std::set<std::string>& taken);
// The names of the properties this server adds to a feature's GeoJSON, each
// as added_field_name gives it: a source field of the same name in any case
// (the ELC layer's Provinces) moves ours to provinces_1, as CSV and file
// downloads name it, so that no two properties differ only by case (QGIS,
// GeoPackage and shapefiles cannot hold both).
struct added_names {
    std::string area_ha, contract_date, end_date, cancelled_date, provinces, province_names, main_province,
        main_province_share, purpose_class, overlaps;
};
added_names added_property_names(collection const& c);
// The property this server adds that `name` stands for, as written in a
// GeoJSON, CSV or file download: "provinces" for provinces or provinces_1
// (id, area_ha, contract_date, end_date, cancelled_date, provinces,
// province_names, main_province, main_province_share, purpose_class,
// overlaps); "" for any other name (a source field's, such as Zone_2).
std::string_view added_base_name(std::string_view name);
bool has_cancellations(collection const& c);

// A feature's name: its name role's text, or "".
struct feature;
std::string name_of(collection const& c, feature const& f);

// Adds id to the examples if it is among the first example_count.
void note_example(std::vector<std::int64_t>& ids, std::int64_t id);

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using index_box = bg::model::box<bg::model::point<double, 2, bg::cs::cartesian>>;
using index_entry = std::pair<index_box, std::uint32_t>;
using spatial_index = bgi::rtree<index_entry, bgi::rstar<16>>;

index_box to_index_box(box const& b);

struct collection {
    std::string id;
    std::string title;
    std::string title_km;        // empty: none given (the catalog's "title_km")
    std::string description;     // empty: none given
    std::string description_km;
    std::string source;      // path as given; a connection string without its password (source_label)
    std::string layer_name;  // OGR layer name
    std::string driver;      // OGR driver short name
    std::string source_crs;  // e.g. "EPSG:32648"
    std::string color;
    std::string kind = "concession";  // or "context" (see catalog.hpp)
    struct provenance provenance;
    std::vector<field> fields;
    field_roles roles;
    // The collections it is measured against (the catalog's "overlaps"),
    // and the features of theirs that its features overlap (measure_overlaps).
    std::vector<std::string> overlaps_with;
    std::vector<overlap_target> overlap_targets;
    std::vector<feature> features;
    box extent;
    load_report report;
    spatial_index index;  // feature bounding boxes -> position in `features`
    // Per feature, the text `q` searches (keep_search_text, at dataset
    // build); empty: select() makes it per request.
    std::vector<searchable_text> search_text;
    // The positions of the features with a contract date, in date order
    // (index_dates, at dataset build and after a store is read; not
    // stored): a temporal filter on contract_date looks up its range here.
    std::vector<std::uint32_t> by_contract_date;
    bool dates_indexed = false;  // whether by_contract_date is filled (a bare collection's is not)
    void index_dates();
    // Per province (its index in the dataset's province_index), the
    // positions of the features that lie in it, in position order
    // (index_provinces, when and as by_contract_date): province= reads
    // them, not every feature's provinces. Empty until indexed.
    std::vector<std::vector<std::uint32_t>> by_province;
    bool provinces_indexed = false;
    void index_provinces();

    // Position of the field in `fields`, or -1.
    int field_index(std::string const& name) const;
    // Fills each feature's edge_runs, then the R-tree (build_tree).
    void build_index();
    void build_tree();
};

}  // namespace geo
