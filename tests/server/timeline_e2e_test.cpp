// The ELC layer through time, end to end on the real data (issue 15): the
// timeline's grants and cancellations per year and the concessions in force
// on a day (as_of, and the timeline's year's-end rows), each against
// SpatiaLite reading the same fields of the shapefile: Contract as
// dd/mm/yyyy, the date in the first of Cancelled's document names
// ("Sub_Decree_No_124__16.08.2012.pdf"), Duration in years (0: unknown).

#include "tests/server/api_e2e_support.hpp"

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

std::string const table = "elc_complete_utm48n";
std::string const start_year = "CAST(substr(Contract, 7, 4) AS INTEGER)";
// The first "__dd.mm.yyyy" in Cancelled, as ISO, and its year.
std::string const cancel_at = "instr(Cancelled, '__')";
std::string const cancel_iso = "substr(Cancelled, " + cancel_at + " + 8, 4) || '-' || substr(Cancelled, " + cancel_at +
                               " + 5, 2) || '-' || substr(Cancelled, " + cancel_at + " + 2, 2)";
std::string const cancel_year = "CAST(substr(Cancelled, " + cancel_at + " + 8, 4) AS INTEGER)";
std::string const cancelled = "(Cancelled IS NOT NULL AND Cancelled <> '')";
std::string const end_iso =
    "printf('%04d', " + start_year + " + Duration) || '-' || substr(Contract, 4, 2) || '-' || substr(Contract, 1, 2)";

// In force on `day`: granted by then, not ended, not cancelled.
std::string in_force_on(std::string const& day) {
    return contract_is_date + " AND " + contract_iso + " <= '" + day + "' AND (NOT " + cancelled + " OR " + cancel_iso +
           " > '" + day + "') AND (Duration IS NULL OR Duration = 0 OR " + end_iso + " > '" + day + "')";
}

struct year_figures {
    long count = 0;
    double declared_ha = 0;
};

// year -> count and summed Hectares of the rows `where` selects, grouped by `year`.
std::map<int, year_figures> oracle_per_year(std::string const& year, std::string const& where) {
    auto const rows = test::sqlite_oracle(elc_shp(), "SELECT " + year + " AS y, count(*), sum(Hectares) FROM " + table +
                                                         " WHERE " + where + " GROUP BY y");
    std::map<int, year_figures> out;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() >= 3 && !rows[i][0].empty())
            out[std::stoi(rows[i][0])] = {std::stol(rows[i][1]), rows[i][2].empty() ? 0 : std::stod(rows[i][2])};
    return out;
}

// The server's timeline rows: year -> the figures of `part`.
std::map<int, year_figures> served_per_year(json const& doc, std::string const& part) {
    std::map<int, year_figures> out;
    for (auto const& y : doc["years"])
        if (y[part]["count"].get<long>() > 0)
            out[y["year"].get<int>()] = {y[part]["count"].get<long>(), y[part]["declared_ha"].get<double>()};
    return out;
}

void expect_same(std::map<int, year_figures> const& served, std::map<int, year_figures> const& oracle,
                 std::string const& what) {
    std::ostringstream s, o;
    for (auto const& [y, f] : served) s << y << ":" << f.count << " ";
    for (auto const& [y, f] : oracle) o << y << ":" << f.count << " ";
    ASSERT_EQ(s.str(), o.str()) << what << " per year: the server's, then SpatiaLite's";
    for (auto const& [y, f] : oracle) EXPECT_NEAR(served.at(y).declared_ha, f.declared_ha, 0.01) << what << " in " << y;
}

TEST_F(server_e2e_api, timeline_grants_and_cancellations_per_year_match_spatialite) {
    time_bound bound;
    json const doc = get_json("/collections/elc/timeline");
    ASSERT_TRUE(doc.is_object());
    auto const granted = oracle_per_year(start_year, contract_is_date);
    ASSERT_GT(granted.size(), 10u);
    expect_same(served_per_year(doc, "granted"), granted, "granted");
    auto const cut = oracle_per_year(cancel_year, contract_is_date + " AND " + cancelled);
    ASSERT_GE(cut.size(), 2u);  // 2010, 2011 and 2012 in this layer
    expect_same(served_per_year(doc, "cancelled"), cut, "cancelled");
    EXPECT_TRUE(served_per_year(doc, "ended").empty()) << "70- and 90-year terms from 1996 on end after 2013";

    // Every feature is on a row or undated, once.
    long dated = 0;
    for (auto const& [y, f] : granted) dated += f.count;
    EXPECT_EQ(dated + doc["undated"]["count"].get<long>(), ogr_feature_count(elc_shp().string()));
    // The rows run without a gap from the first grant to the data's date (2013).
    auto const& years = doc["years"];
    EXPECT_EQ(years.front()["year"].get<int>(), granted.begin()->first);
    EXPECT_EQ(years.back()["year"].get<int>(), 2013);
    EXPECT_EQ(years.size(), static_cast<std::size_t>(2013 - granted.begin()->first + 1));
    // Where each number comes from.
    EXPECT_EQ(doc["sources"]["declared_ha"], "the source's Hectares field");
    EXPECT_EQ(doc["sources"]["ended"], "Contract + Duration");
    EXPECT_FALSE(doc["sources"]["data_version"].get<std::string>().empty());
}

TEST_F(server_e2e_api, as_of_selects_what_spatialite_finds_in_force_that_day) {
    time_bound bound;
    // Days around the layer's cancellations (04.04.2011, 08.04.2011,
    // 16.08.2012): a concession cancelled on a day is no longer in force on it.
    for (std::string const day : {"1999-12-31", "2005-06-30", "2010-07-01", "2010-07-02", "2011-04-03", "2011-04-04",
                                  "2012-08-15", "2012-08-16", "2013-01-10"}) {
        auto const expected = oracle_ids(elc_shp(), "SELECT rowid FROM " + table + " WHERE " + in_force_on(day));
        EXPECT_EQ(item_id_set("elc", "as_of=" + day), expected) << "as_of=" << day;
    }
    auto const before = item_id_set("elc", "as_of=2012-08-15"), on = item_id_set("elc", "as_of=2012-08-16");
    EXPECT_EQ(before.size(), on.size() + 1) << "Sub_Decree_No_124__16.08.2012 cancels one concession that day";
}

TEST_F(server_e2e_api, the_timelines_years_end_rows_are_what_as_of_selects) {
    time_bound bound;
    json const doc = get_json("/collections/elc/timeline?province=Kratie");
    ASSERT_GT(doc["years"].size(), 3u);
    long previous = 0;
    for (auto const& y : doc["years"]) {
        std::string const day = std::to_string(y["year"].get<int>()) + "-12-31";
        long const in_force = y["in_force"]["count"].get<long>();
        EXPECT_EQ(in_force, matched("/collections/elc/items?limit=1&province=Kratie&as_of=" + day)) << day;
        // Each year's end is the last one's plus what was granted less what was cut or ended.
        EXPECT_EQ(in_force, previous + y["granted"]["count"].get<long>() - y["cancelled"]["count"].get<long>() -
                                y["ended"]["count"].get<long>())
            << day;
        previous = in_force;
    }
}

TEST_F(server_e2e_api, as_of_narrows_stats_tiles_and_downloads_as_it_does_items) {
    time_bound bound;
    std::string const q = "as_of=2011-04-04";
    long const n = matched("/collections/elc/items?limit=1&" + q);
    ASSERT_GT(n, 100);
    EXPECT_EQ(get_json("/collections/elc/stats?" + q)["numberMatched"].get<long>(), n);
    auto const csv = get("/collections/elc/items?f=csv&limit=10000&" + q);
    ASSERT_EQ(csv.status, 200);
    std::size_t rows = 0;
    for (std::size_t at = csv.body.find("\r\n"); at != std::string::npos; at = csv.body.find("\r\n", at + 2)) ++rows;
    EXPECT_EQ(static_cast<long>(rows) - 1, n) << "CSV rows after the header";
    // A tile of all Cambodia: the filter takes out exactly the features not
    // in force (a tile may leave out features smaller than a pixel either way).
    auto const tile_ids = [](json const& tile) {
        std::set<long> ids;
        for (auto const& f : tile["features"]) ids.insert(f["id"].get<long>());
        return ids;
    };
    auto const all = tile_ids(get_json("/collections/elc/tiles/4/12/7.geojson"));
    auto const filtered = tile_ids(get_json("/collections/elc/tiles/4/12/7.geojson?" + q));
    auto const in_force = item_id_set("elc", q);
    std::set<long> expected;
    for (long id : all)
        if (in_force.count(id)) expected.insert(id);
    EXPECT_GT(all.size(), filtered.size());
    EXPECT_GT(filtered.size(), 100u);
    EXPECT_EQ(filtered, expected);
}

TEST_F(server_e2e_api, the_timeline_as_csv_has_the_json_rows) {
    time_bound bound;
    json const doc = get_json("/collections/elc/timeline?q=rubber");
    auto const csv = get("/collections/elc/timeline?q=rubber&f=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(header(csv, "content-type"), "text/csv; charset=utf-8");
    std::istringstream lines(csv.body);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line,
              "year,granted_count,granted_ha,granted_declared_ha,cancelled_count,cancelled_ha,cancelled_declared_ha,"
              "ended_count,ended_ha,ended_declared_ha,in_force_count,in_force_ha,in_force_declared_ha\r");
    for (auto const& y : doc["years"]) {
        ASSERT_TRUE(std::getline(lines, line));
        std::ostringstream expected;
        expected.setf(std::ios::fixed);
        expected.precision(2);
        expected << y["year"].get<int>();
        for (char const* part : {"granted", "cancelled", "ended", "in_force"})
            expected << "," << y[part]["count"].get<long>() << "," << y[part]["area_ha"].get<double>() << ","
                     << y[part]["declared_ha"].get<double>();
        EXPECT_EQ(line, expected.str() + "\r");
    }
}

// Each item carries its end and cancellation dates, as the oracle reads
// them from Contract + Duration and Cancelled; both sort and filter.
TEST_F(server_e2e_api, items_carry_their_end_and_cancellation_dates) {
    time_bound bound;
    auto const rows = test::sqlite_oracle(
        elc_shp(), "SELECT rowid, CASE WHEN " + contract_is_date + " AND Duration > 0 THEN " + end_iso +
                       " END, CASE WHEN " + cancelled + " AND " + cancel_at + " > 0 THEN " + cancel_iso + " END FROM " + table);
    std::map<long, std::pair<std::string, std::string>> oracle;  // id -> (end, cancelled)
    std::size_t ends = 0, cancellations = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        oracle[std::stol(rows[i][0])] = {rows[i][1], rows[i][2]};
        ends += !rows[i][1].empty();
        cancellations += !rows[i][2].empty();
    }
    ASSERT_GT(ends, 50u);
    ASSERT_GT(cancellations, 5u);
    json const doc = get_json("/collections/elc/items?limit=10000");
    ASSERT_EQ(doc["features"].size(), oracle.size());
    for (auto const& f : doc["features"]) {
        auto const& [end, cancel] = oracle[f["id"].get<long>()];
        auto const& p = f["properties"];
        EXPECT_EQ(p["end_date"].is_null() ? "" : p["end_date"].get<std::string>(), end) << f["id"];
        EXPECT_EQ(p["cancelled_date"].is_null() ? "" : p["cancelled_date"].get<std::string>(), cancel) << f["id"];
    }
    // Queryables: sorted by, and filtered on, like any date.
    json const q = get_json("/collections/elc/queryables");
    EXPECT_EQ(q["properties"]["end_date"]["format"], "date");
    EXPECT_EQ(q["properties"]["cancelled_date"]["format"], "date");
    json const first = get_json("/collections/elc/items?sortby=cancelled_date&limit=1");
    std::string earliest = "9999";
    for (auto const& [id, dates] : oracle)
        if (!dates.second.empty()) earliest = std::min(earliest, dates.second);
    EXPECT_EQ(first["features"][0]["properties"]["cancelled_date"], earliest);
    auto const csv = test::parse_csv(get("/collections/elc/items?f=csv&download=1&limit=3").body);
    ASSERT_GT(csv.size(), 1u);
    EXPECT_NE(std::find(csv[0].begin(), csv[0].end(), "cancelled_date"), csv[0].end());
}

TEST_F(server_e2e_api, a_day_that_is_no_date_is_a_400_naming_as_of) {
    time_bound bound;
    for (std::string const bad : {"2012", "2012-02-30", "yesterday", "16.08.2012"}) {
        auto const r = get("/collections/elc/items?as_of=" + bad);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_NE(r.body.find("as_of must be a date"), std::string::npos) << r.body;
    }
    EXPECT_EQ(get("/collections/elc/timeline?f=xml").status, 400);
}

}  // namespace
