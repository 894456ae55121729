#pragma once
// What an answer writes of each feature (issue 13 part 3): skipGeometry=true
// leaves the geometry out (null in GeoJSON, no WKT column in CSV), and
// properties=a,b keeps only those properties, for smaller answers for tables
// and spreadsheets. The features are written whole as always, then cut to
// the members asked for: the writers' fast path stays as it is.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

struct feature_projection {
    bool geometry = true;
    std::optional<std::vector<std::string>> properties;  // nullopt: every one

    bool whole() const { return geometry && !properties; }
};

// The top-level members of a JSON object written by this server, as
// (name, value text) pairs; names are unescaped only for plain ASCII keys.
std::vector<std::pair<std::string, std::string_view>> object_members(std::string_view object);

// A GeoJSON feature object cut to the projection.
void append_projected_feature(std::string& out, std::string_view feature, feature_projection const& p);

// The CSV columns to keep, from the header row (without its line end):
// the id always, the properties asked for, the WKT unless skipGeometry.
std::vector<std::size_t> csv_columns(std::string_view header, feature_projection const& p);
// One CSV row (without its line end) cut to the columns, with "\r\n".
void append_projected_csv_row(std::string& out, std::string_view row, std::vector<std::size_t> const& keep);

}  // namespace server
