#pragma once
// CQL2 (OGC 21-065, Common Query Language) as the `filter` parameter of
// OGC API - Features Part 3 reads it: parsed by a pure function into a
// tree, printed back in one canonical spelling (cache keys), then compiled
// against a collection (names resolved to fields, types checked, literals
// parsed, spatial literals prepared) into a predicate over its features.
//
// Text (cql2-text) covers: Basic CQL2 (AND, OR, NOT, = <> < > <= >=,
// IS [NOT] NULL, string, number, boolean, DATE and TIMESTAMP literals),
// Advanced Comparison ([NOT] LIKE with % and _, [NOT] BETWEEN, [NOT] IN),
// Case-insensitive and Accent-insensitive Comparison (CASEI, ACCENTI: ASCII,
// Latin-1, Latin Extended-A and -B and Vietnamese's Latin Extended
// Additional; Khmer has neither case nor accents to fold), Spatial
// Functions (S_INTERSECTS, S_DISJOINT, S_WITHIN, S_CONTAINS, S_TOUCHES,
// S_OVERLAPS, S_CROSSES, S_EQUALS on a POINT, LINESTRING, POLYGON,
// MULTIPOLYGON or BBOX in longitude/latitude, or in filter-crs), Temporal Functions (T_AFTER,
// T_BEFORE, T_DURING, T_INTERSECTS and the rest of Allen's relations, on
// date queryables, DATE, TIMESTAMP and INTERVAL) and Arithmetic (+ - * /).
// JSON (cql2-json) reads into the same tree.

#include "geo/collection.hpp"
#include "geo/geometry.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace geo {
class province_index;  // geo/provinces.hpp
}

namespace geo::cql2 {

// What is wrong and where: the byte offset in the text (0 for JSON, whose
// message names the member).
struct error {
    std::string message;
    std::size_t offset = 0;
};

enum class kind : std::uint8_t {
    // boolean
    and_, or_, not_, boolean, comparison, like, between, in, is_null, spatial, temporal,
    // scalar
    property, string, number, date, timestamp, interval, geometry, casei, accenti, arithmetic,
    open_bound,  // ".." in an INTERVAL
};

struct node {
    kind k = kind::boolean;
    std::string text;  // property name, string literal, date text, operator ("=", "+"), function ("s_intersects")
    double number = 0;
    bool flag = false;  // a boolean literal's value; NOT for LIKE, BETWEEN, IN, IS NULL
    std::shared_ptr<geometry const> geom;  // a geometry literal, in lon/lat
    std::vector<node> args;  // AND and OR: every operand of a run (a OR b OR c is one node)
    std::size_t offset = 0;
};

// Nesting deeper than this is refused (10,000 NOTs would overflow the stack).
inline constexpr std::size_t max_depth = 200;

// filter-crs: takes a spatial literal's points, given in another CRS, to
// lon/lat in place, false when it cannot. Empty: literals are lon/lat. A
// BBOX given so becomes the polygon its edges make in lon/lat.
using literal_crs = std::function<bool(std::span<point>)>;

std::variant<node, error> parse_text(std::string_view text, literal_crs const& crs = {});
std::variant<node, error> parse_json(std::string_view text, literal_crs const& crs = {});

// a AND b, either of which may be missing (then the other, or null).
std::shared_ptr<node const> all_of(std::shared_ptr<node const> a, std::shared_ptr<node const> b);
// S_INTERSECTS(geometry, <area>): what meets an area in lon/lat.
node meets(std::shared_ptr<geometry const> area);

// The canonical cql2-text of a tree: keywords in capitals, numbers in their
// shortest form, one space around operators. parse_text(to_text(n)) gives n.
std::string to_text(node const& n);

// A tree checked against a collection and ready to test its features:
// queryable names resolved, types checked (a number compared with text is
// an error, not false), spatial literals prepared. One per thread (the
// spatial tests keep GEOS state); cheap to make.
class predicate {
public:
    ~predicate();
    predicate(predicate&&) noexcept;
    bool matches(feature const& f) const;  // unknown (a null compared) is false, as SQL's WHERE reads it
    // The contract dates ("YYYY-MM-DD", inclusive) a matching feature must
    // have, where the filter says so in a temporal function on
    // contract_date with literal instants at its top level: a range to
    // look up in collection::by_contract_date rather than test every
    // feature. Nullopt when it says nothing of them.
    std::optional<std::pair<std::string, std::string>> contract_date_bounds() const;
    // The box a matching feature must meet, where the filter has a spatial
    // function (other than S_DISJOINT) at its top level: its literal's
    // bounds, for the R-tree to narrow to. An empty box when two of them
    // cannot both hold; nullopt when it says nothing of where.
    std::optional<box> spatial_bounds() const;

    struct compiled;  // geo/cql2.cpp

private:
    // Each condition the filter ANDs at its top level (the root itself when
    // it is no AND): what contract_date_bounds and spatial_bounds read.
    template <class Fn>
    void for_each_conjunct(Fn&& fn) const;

    friend std::variant<predicate, error> compile(node const& n, collection const& c, std::vector<std::string> const& queryables,
                                                  province_index const* provinces);
    explicit predicate(std::unique_ptr<compiled> root);
    std::unique_ptr<compiled> root_;
};

// queryables: the names a client may use (geo::queryable_names), plus
// "geometry" for the feature's geometry, and, given the province index,
// "main_province" (the province holding most of a feature) and
// "province_names" ("Kratie; Mondulkiri"), as items write them.
std::variant<predicate, error> compile(node const& n, collection const& c, std::vector<std::string> const& queryables,
                                       province_index const* provinces = nullptr);

}  // namespace geo::cql2
