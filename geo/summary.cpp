#include "geo/summary.hpp"

#include <cmath>
#include <iomanip>

namespace geo {

using json = nlohmann::json;

json roles_json(field_roles const& r) {
    return {{"name", r.name},
            {"company", r.company},
            {"province", r.province},
            {"area_ha", r.area_ha},
            {"purpose", r.purpose},
            {"contract_date", r.contract_date},
            {"nationality", r.nationality},
            {"duration_years", r.duration_years},
            {"end_date", r.end_date},
            {"cancelled", r.cancelled}};
}

json summarize(collection const& c, province_index const& provinces) {
    json j;
    j["id"] = c.id;
    j["title"] = c.title;
    j["source"] = c.source;
    j["layer"] = c.layer_name;
    j["driver"] = c.driver;
    j["source_crs"] = c.source_crs;
    j["feature_count"] = c.features.size();
    j["geometry_types"] = c.report.geometry_types;
    j["extent"] = c.extent.valid() ? json::array({c.extent.min_x, c.extent.min_y, c.extent.max_x, c.extent.max_y})
                                   : json(nullptr);
    j["repaired"] = c.report.repaired;
    j["null_geometries"] = c.report.null_geometries;
    j["unparseable_dates"] = {{"field", c.roles.contract_date},
                              {"count", c.report.unparseable_dates},
                              {"examples", c.report.unparseable_date_examples}};
    j["recoded_text_values"] = c.report.recoded_text_values;
    j["fields"] = json::array();
    for (auto const& f : c.fields) j["fields"].push_back({{"name", f.name}, {"type", to_string(f.type)}});
    j["roles"] = roles_json(c.roles);
    std::size_t ends = 0, cancellations = 0;
    for (auto const& f : c.features) ends += f.end_date.has_value(), cancellations += f.cancelled_date.has_value();
    j["life_dates"] = {
        {"end", {{"from", end_source(c)}, {"count", ends}}},
        {"unreadable_durations", c.report.unreadable_durations},
        {"unreadable_end_dates", c.report.unreadable_end_dates},
        {"cancelled",
         {{"from", c.roles.cancelled}, {"count", cancellations}, {"undated", c.report.undated_cancellations}}}};
    double area = 0;
    std::map<std::string, std::size_t> by_province;
    for (auto const& f : c.features) {
        area += f.area_ha;
        for (auto const& s : f.provinces) ++by_province[provinces.provinces()[s.province].name];
    }
    j["area_ha"] = std::round(area * 100) / 100;
    j["province_source"] = provinces.has_geometry() ? "geometry: " + provinces.source()
                                                    : (c.roles.province.empty() ? "none" : "attribute: " + c.roles.province);
    j["by_province"] = by_province;
    if (provinces.has_geometry()) j["without_province"] = c.report.without_province;
    if (!c.report.unknown_province_names.empty()) j["unknown_province_names"] = c.report.unknown_province_names;
    j["warnings"] = c.report.warnings;
    return j;
}

json summarize(snapshot const& snap) {
    json j;
    j["title"] = snap.title;
    j["provinces"] = {{"source", snap.provinces.source()},
                      {"count", snap.provinces.provinces().size()},
                      {"from_geometry", snap.provinces.has_geometry()}};
    j["collections"] = json::array();
    for (auto const& c : snap.collections) j["collections"].push_back(summarize(c, snap.provinces));
    j["timings_s"] = {{"read", snap.timings.read},
                      {"provinces", snap.timings.provinces},
                      {"index", snap.timings.index},
                      {"overlaps", snap.timings.overlaps}};
    j["failures"] = json::array();
    for (auto const& f : snap.failures) j["failures"].push_back({{"source", f.source}, {"message", f.message}});
    return j;
}

void print_summary(std::ostream& out, snapshot const& snap) {
    out << snap.title << "\n";
    out << "provinces: " << snap.provinces.provinces().size() << " from "
        << (snap.provinces.has_geometry() ? snap.provinces.source() : "the gazetteer (matched by attribute)") << "\n";
    for (auto const& c : snap.collections) {
        json const j = summarize(c, snap.provinces);
        out << "\n" << c.id << " (" << c.title << ")\n";
        out << "  source:        " << c.source << " [" << c.driver << ", layer " << c.layer_name << "]\n";
        out << "  source CRS:    " << c.source_crs << "\n";
        out << "  features:      " << c.features.size();
        for (auto const& [type, n] : c.report.geometry_types) out << ", " << n << " " << type;
        out << "\n";
        if (c.extent.valid())
            out << std::fixed << std::setprecision(5) << "  extent:        " << c.extent.min_x << ", " << c.extent.min_y
                << " .. " << c.extent.max_x << ", " << c.extent.max_y << " (lon/lat)\n"
                << std::defaultfloat;
        out << "  area:          " << std::fixed << std::setprecision(0) << j["area_ha"].get<double>() << " ha computed\n"
            << std::defaultfloat;
        out << "  repaired:      " << c.report.repaired << " invalid geometries\n";
        out << "  null geometry: " << c.report.null_geometries << "\n";
        if (!c.roles.contract_date.empty()) {
            out << "  dates:         " << c.report.unparseable_dates << " unparseable in " << c.roles.contract_date;
            for (auto const& e : c.report.unparseable_date_examples) out << " \"" << e << "\"";
            out << "\n";
        }
        if (auto const& life = j["life_dates"];
            !c.roles.end_date.empty() || !c.roles.duration_years.empty() || !c.roles.cancelled.empty()) {
            out << "  life:          " << life["end"]["count"].get<std::size_t>() << " with an end date ("
                << end_source(c) << "), " << life["cancelled"]["count"].get<std::size_t>() << " cancelled ("
                << (c.roles.cancelled.empty() ? "no field" : c.roles.cancelled) << ")";
            if (c.report.unreadable_durations) out << "; " << c.report.unreadable_durations << " durations unreadable";
            if (c.report.unreadable_end_dates) out << "; " << c.report.unreadable_end_dates << " end dates unreadable";
            if (c.report.undated_cancellations)
                out << "; " << c.report.undated_cancellations << " cancellations without a date";
            out << "\n";
        }
        if (c.report.recoded_text_values)
            out << "  encoding:      " << c.report.recoded_text_values
                << " text values were not UTF-8 and were read as Windows-1252 (set --encoding to override)\n";
        if (!j["by_province"].empty()) {
            out << "  by province (" << j["province_source"].get<std::string>() << "):\n";
            for (auto const& [name, n] : j["by_province"].items()) out << "    " << name << ": " << n.get<std::size_t>() << "\n";
        }
        if (c.report.without_province) out << "  outside every province: " << c.report.without_province << "\n";
        for (auto const& u : c.report.unknown_province_names) out << "  unknown province name: \"" << u << "\"\n";
        for (auto const& w : c.report.warnings) out << "  warning: " << w << "\n";
    }
}

namespace {

// "feature 12" or "features 3, 7, 9, …" (the examples kept, and an ellipsis
// when there were more).
std::string feature_ids(std::vector<std::int64_t> const& ids, std::size_t total) {
    std::string out = total == 1 ? "feature " : "features ";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
    if (total > ids.size()) out += ", …";
    return out;
}

std::string counted(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

void print_problems(std::ostream& err, std::vector<collection> const& collections) {
    for (auto const& c : collections) {
        auto const& r = c.report;
        std::vector<std::string> parts;
        if (r.repaired)
            parts.push_back(counted(r.repaired, "invalid geometry", "invalid geometries") + " repaired with MakeValid (" +
                            feature_ids(r.repaired_ids, r.repaired) + ")");
        if (r.null_geometries)
            parts.push_back(counted(r.null_geometries, "feature", "features") + " without geometry, not on the map (" +
                            feature_ids(r.null_geometry_ids, r.null_geometries) + ")");
        if (r.recoded_text_values)
            parts.push_back(counted(r.recoded_text_values, "text value", "text values") +
                            " not UTF-8, read as Windows-1252; --encoding overrides (" +
                            feature_ids(r.recoded_ids, r.recoded_features) + ")");
        if (r.unparseable_dates)
            parts.push_back(counted(r.unparseable_dates, "date", "dates") + " in " + c.roles.contract_date +
                            " that could not be read (" + feature_ids(r.unparseable_date_ids, r.unparseable_dates) + ")");
        if (r.unreadable_durations)
            parts.push_back(counted(r.unreadable_durations, "duration", "durations") + " in " + c.roles.duration_years +
                            " that could not be read, no end date (" +
                            feature_ids(r.unreadable_duration_ids, r.unreadable_durations) + ")");
        if (r.unreadable_end_dates)
            parts.push_back(counted(r.unreadable_end_dates, "end date", "end dates") + " in " + c.roles.end_date +
                            " that could not be read (" +
                            feature_ids(r.unreadable_end_date_ids, r.unreadable_end_dates) + ")");
        if (r.undated_cancellations)
            parts.push_back(counted(r.undated_cancellations, "value", "values") + " in " + c.roles.cancelled +
                            " without a date, taken as not cancelled (" +
                            feature_ids(r.undated_cancellation_ids, r.undated_cancellations) + ")");
        if (parts.empty()) continue;
        // One write for the line: std::cerr writes each << at once, and the
        // access log's lines, written whole to stdout, would land between
        // the pieces when both go to one file (journald, 2>&1).
        std::string line = "concessions: warning: " + c.id + ": ";
        for (std::size_t i = 0; i < parts.size(); ++i) line += (i ? "; " : "") + parts[i];
        err << line + "\n";
    }
}

}  // namespace geo
