// CQL2 filter= (issue 13 part 1) on the real layers against GDAL's SQLite
// dialect on the source files: each filter of the list selects exactly the
// rows its SQL translation does (SQL's three-valued logic on nulls, LIKE
// made case-sensitive with GLOB, text equality kept from GDAL's own
// (case-insensitive) attribute filter by comparing `x || ''`, dates from the Contract text, geometry
// repaired and in WGS 84 for SpatiaLite's predicates).

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

struct case_ {
    std::string cql2;
    std::string sql;  // WHERE clause on table f; {g} is the feature's geometry in WGS 84, repaired
};

std::string replaced(std::string sql, std::string const& geometry) {
    for (std::size_t at; (at = sql.find("{g}")) != std::string::npos;) sql.replace(at, 3, geometry);
    return sql;
}

// get: the suite's GET (a member of the fixture).
template <typename Get>
void expect_same_selection(Get const& get, source_layer const& layer, std::vector<case_> const& cases) {
    std::size_t selective = 0;
    long const total = static_cast<long>(oracle_ids(layer.path, "SELECT rowid FROM " + layer.table).size());
    for (auto const& c : cases) {
        SCOPED_TRACE(c.cql2);
        auto const expected =
            oracle_ids(layer.path, "SELECT f.rowid FROM " + layer.table + " f WHERE " + replaced(c.sql, layer.geometry));
        auto const reply = get("/collections/" + layer.collection + "/items?limit=10000&filter=" + url_encode(c.cql2));
        ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 400);
        json const doc = json::parse(reply.body);
        std::set<long> served;
        for (auto const& f : doc["features"]) served.insert(f["id"].get<long>());
        EXPECT_EQ(served, expected) << "SQL: " << c.sql;
        selective += !expected.empty() && static_cast<long>(expected.size()) < total;
    }
    // Filters that select nothing or everything could not fail: most must not.
    EXPECT_GE(selective, cases.size() * 9 / 10);
}

TEST_F(server_e2e_api, cql2_filters_select_what_sqlite_selects_on_the_elc_layer) {
    time_bound bound;
    bound.limit = std::chrono::seconds(120);
    std::string const date = contract_is_date + " AND " + contract_iso;
    std::vector<case_> const cases = {
        {"Hectares > 10000", "Hectares > 10000"},
        {"Hectares <= 500", "Hectares <= 500"},
        {"Hectares <> 10000", "Hectares <> 10000"},
        {"Duration >= 70", "Duration >= 70"},
        {"Duration BETWEEN 50 AND 70", "Duration BETWEEN 50 AND 70"},
        {"Duration NOT BETWEEN 50 AND 70", "Duration NOT BETWEEN 50 AND 70"},
        {"Nation = 'Chinese'", "(Nation || '') = 'Chinese'"},
        {"Nation IN ('Thai', 'Vietnamese', 'Vietnam')", "(Nation || '') IN ('Thai', 'Vietnamese', 'Vietnam')"},
        {"Nation NOT IN ('Cambodian', 'Cambodia')", "(Nation || '') NOT IN ('Cambodian', 'Cambodia')"},
        {"CASEI(Nation) = CASEI('CHINESE')", "lower(Nation) = 'chinese'"},
        {"Nation IS NULL", "Nation IS NULL"},
        {"Nation IS NOT NULL AND Hectares < 1000", "Nation IS NOT NULL AND Hectares < 1000"},
        {"NOT (Nation = 'Chinese')", "NOT ((Nation || '') = 'Chinese')"},
        {"Nation = 'Chinese' OR Nation = 'Vietnamese' OR Hectares > 20000",
         "(Nation || '') = 'Chinese' OR (Nation || '') = 'Vietnamese' OR Hectares > 20000"},
        {"(Hectares > 5000 OR Duration < 50) AND Nation IS NOT NULL", "(Hectares > 5000 OR Duration < 50) AND Nation IS NOT NULL"},
        {"NOT (Hectares > 5000 AND Nation = 'Cambodian')", "NOT (Hectares > 5000 AND (Nation || '') = 'Cambodian')"},
        {"Name LIKE '%Rubber%'", "Name GLOB '*Rubber*'"},
        {"Name NOT LIKE '%Co%'", "NOT (Name GLOB '*Co*')"},
        {"CASEI(Name) LIKE '%sugar%'", "lower(Name) LIKE '%sugar%'"},
        {"Name LIKE 'Angkor Sugar Co., Ltd (Region _)'", "Name GLOB 'Angkor Sugar Co., Ltd (Region ?)'"},
        {"Purpose LIKE 'Rubber%'", "Purpose GLOB 'Rubber*'"},
        {"ACCENTI(CASEI(Purpose)) LIKE '%cassava%'", "lower(Purpose) LIKE '%cassava%'"},
        {"Provinces = 'Kratie'", "(Provinces || '') = 'Kratie'"},
        {"Provinces LIKE '%Kratie%' AND Hectares > 2000", "Provinces GLOB '*Kratie*' AND Hectares > 2000"},
        {"Cancelled IS NOT NULL", "Cancelled IS NOT NULL"},
        {"Hectares * 2 > 20000", "Hectares * 2 > 20000"},
        {"Hectares + 100 < 1000", "Hectares + 100 < 1000"},
        {"Hectares / Duration > 100", "Hectares * 1.0 / Duration > 100"},
        {"area_ha > Hectares * 1.1", "ST_Area({g}, 1) / 10000 > Hectares * 1.1"},
        {"id < 50", "rowid < 50"},
        {"id IN (1, 5, 9, 200)", "rowid IN (1, 5, 9, 200)"},
        {"Duration <> 70 OR Duration IS NULL", "Duration <> 70 OR Duration IS NULL"},
        {"contract_date >= DATE('2010-01-01')", date + " >= '2010-01-01'"},
        {"contract_date < DATE('2005-01-01')", date + " < '2005-01-01'"},
        {"contract_date IS NULL", "NOT (" + contract_is_date + ") OR Contract IS NULL"},
        {"T_BEFORE(contract_date, DATE('2005-01-01'))", date + " < '2005-01-01'"},
        {"T_AFTER(contract_date, DATE('2011-06-30'))", date + " > '2011-06-30'"},
        {"T_INTERSECTS(contract_date, INTERVAL('2008-01-01', '2008-12-31'))", date + " BETWEEN '2008-01-01' AND '2008-12-31'"},
        {"T_DURING(contract_date, INTERVAL('2006-01-01', '2009-12-31'))",
         date + " > '2006-01-01' AND " + contract_iso + " < '2009-12-31'"},
        {"T_INTERSECTS(contract_date, INTERVAL('2011-01-01', '..'))", date + " >= '2011-01-01'"},
        {"NOT T_BEFORE(contract_date, TIMESTAMP('2009-06-01T00:00:00Z'))", date + " >= '2009-06-01'"},
        {"end_date < DATE('2070-01-01')",
         contract_is_date + " AND Duration > 0 AND printf('%04d', CAST(substr(Contract, 7, 4) AS INTEGER) + Duration) || '-' || "
                            "substr(Contract, 4, 2) || '-' || substr(Contract, 1, 2) < '2070-01-01'"},
        {"purpose_class = 'Rubber'", "lower(Purpose) LIKE '%rubber%'"},
        {"S_INTERSECTS(geometry, BBOX(106, 12, 107, 13))", "ST_Intersects({g}, BuildMbr(106, 12, 107, 13, 4326))"},
        {"S_DISJOINT(geometry, BBOX(106, 12, 107, 13))", "NOT ST_Intersects({g}, BuildMbr(106, 12, 107, 13, 4326))"},
        {"S_WITHIN(geometry, BBOX(105, 11, 108, 15))", "ST_Within({g}, BuildMbr(105, 11, 108, 15, 4326))"},
        {"S_INTERSECTS(geometry, POLYGON((104 12,105 12,105 13,104 13,104 12)))",
         "ST_Intersects({g}, GeomFromText('POLYGON((104 12,105 12,105 13,104 13,104 12))', 4326))"},
        {"S_INTERSECTS(geometry, LINESTRING(102 12.5, 108 12.5))",
         "ST_Intersects({g}, GeomFromText('LINESTRING(102 12.5,108 12.5)', 4326))"},
        {"S_CROSSES(geometry, LINESTRING(102 12.5, 108 12.5))", "ST_Crosses({g}, GeomFromText('LINESTRING(102 12.5,108 12.5)', 4326))"},
        {"S_INTERSECTS(geometry, BBOX(106, 12, 107, 13)) AND Hectares > 1000",
         "ST_Intersects({g}, BuildMbr(106, 12, 107, 13, 4326)) AND Hectares > 1000"},
        {"NOT S_INTERSECTS(geometry, BBOX(104, 11, 106, 13)) AND Nation = 'Cambodian'",
         "NOT ST_Intersects({g}, BuildMbr(104, 11, 106, 13, 4326)) AND (Nation || '') = 'Cambodian'"},
        // Rectangles decide the features strictly inside them without GEOS
        // (a clockwise ring too), and narrow the R-tree walk with a date range.
        {"S_OVERLAPS(geometry, POLYGON((104 11,104 14,107 14,107 11,104 11)))",
         "ST_Overlaps({g}, GeomFromText('POLYGON((104 11,104 14,107 14,107 11,104 11))', 4326))"},
        {"S_WITHIN(geometry, POLYGON((104 11,104 14,107 14,107 11,104 11))) AND T_DURING(contract_date, INTERVAL('2006-01-01', '2009-12-31'))",
         "ST_Within({g}, GeomFromText('POLYGON((104 11,104 14,107 14,107 11,104 11))', 4326)) AND " + date +
             " > '2006-01-01' AND " + contract_iso + " < '2009-12-31'"},
        {"S_CONTAINS(geometry, BBOX(106.5, 12.5, 106.52, 12.52)) OR S_TOUCHES(geometry, BBOX(104, 11, 107, 14)) OR Hectares < 200",
         "ST_Contains({g}, BuildMbr(106.5, 12.5, 106.52, 12.52, 4326)) OR ST_Touches({g}, BuildMbr(104, 11, 107, 14, 4326)) OR "
         "Hectares < 200"},
    };
    expect_same_selection([](std::string const& t) { return get(t); }, elc_layer(), cases);
    // A bbox holding the whole layer selects what the filter alone selects.
    for (std::string const filter : {"T_DURING(contract_date, INTERVAL('2006-01-01', '2009-12-31'))", "Hectares > 10000"}) {
        auto ids = [](std::string const& body) {
            std::set<long> out;
            json const doc = json::parse(body);
            for (auto const& f : doc["features"]) out.insert(f["id"].get<long>());
            return out;
        };
        auto const alone = get("/collections/elc/items?limit=10000&filter=" + url_encode(filter));
        auto const boxed = get("/collections/elc/items?limit=10000&bbox=100,5,110,20&filter=" + url_encode(filter));
        EXPECT_FALSE(ids(alone.body).empty()) << filter;
        EXPECT_EQ(ids(boxed.body), ids(alone.body)) << filter;
    }
}

TEST_F(server_e2e_api, cql2_filters_select_what_sqlite_selects_on_the_mining_layer) {
    time_bound bound;
    std::vector<case_> const cases = {
        {"commodity = 'Gold'", "(commodity || '') = 'Gold'"},
        {"CASEI(commodity) LIKE '%gold%'", "lower(commodity) LIKE '%gold%'"},
        {"in_country IN ('Australia', 'China')", "(in_country || '') IN ('Australia', 'China')"},
        {"min_name LIKE 'Pheapimex%'", "min_name GLOB 'Pheapimex*'"},
        {"con_date >= DATE('2008-01-01')", "con_date >= '2008-01-01'"},
        {"T_DURING(con_date, INTERVAL('2006-01-01', '2008-12-31'))", "con_date > '2006-01-01' AND con_date < '2008-12-31'"},
        {"S_INTERSECTS(geometry, BBOX(106, 13, 107.5, 14.5))", "ST_Intersects({g}, BuildMbr(106, 13, 107.5, 14.5, 4326))"},
        {"S_WITHIN(geometry, BBOX(102, 10, 105, 14)) OR commodity = 'Gold'",
         "ST_Within({g}, BuildMbr(102, 10, 105, 14, 4326)) OR (commodity || '') = 'Gold'"},
    };
    expect_same_selection([](std::string const& t) { return get(t); }, mining_layer(), cases);
}

// The same filter in cql2-json; it narrows stats, tiles and downloads as it
// does items; what does not fit is a 400 naming where.
TEST_F(server_e2e_api, a_cql2_filter_is_one_filter_everywhere_and_its_mistakes_are_400s) {
    time_bound bound;
    std::string const text = "Hectares > 10000 AND Nation IS NOT NULL";
    std::string const as_json =
        R"({"op":"and","args":[{"op":">","args":[{"property":"Hectares"},10000]},{"op":"not","args":[{"op":"isNull","args":[{"property":"Nation"}]}]}]})";
    auto const ids = item_id_set("elc", "filter=" + url_encode(text));
    ASSERT_GT(ids.size(), 2u);
    EXPECT_EQ(item_id_set("elc", "filter-lang=cql2-json&filter=" + url_encode(as_json)), ids);
    EXPECT_EQ(matched("/collections/elc/stats?filter=" + url_encode(text)), static_cast<long>(ids.size()));
    auto const csv = test::parse_csv(get("/collections/elc/items?f=csv&download=1&filter=" + url_encode(text)).body);
    EXPECT_EQ(csv.size(), ids.size() + 1);
    // With the other filters, by AND.
    auto const both = item_id_set("elc", "province=Kratie&filter=" + url_encode(text));
    auto const kratie = item_id_set("elc", "province=Kratie");
    std::set<long> expected;
    for (long id : ids)
        if (kratie.count(id)) expected.insert(id);
    EXPECT_EQ(both, expected);

    struct bad {
        std::string query;
        std::string says;
    };
    for (auto const& b : std::vector<bad>{
             {"filter=" + url_encode("Hectares > 'big'"), "at character 11: cannot compare a number with text"},
             {"filter=" + url_encode("Colour = 'red'"), "'Colour' is not a queryable of elc"},
             {"filter=" + url_encode("Hectares >"), "cannot be read at character 10"},
             {"filter=" + url_encode("frob(Name) = 1"), "unknown function frob"},
             {"filter=" + url_encode("purpose_class = 'Rubbr'"), "'Rubbr' is not a purpose class"},
             {"filter-lang=cql2-xml&filter=a%3D1", "filter-lang 'cql2-xml' is not known"},
             {"filter-crs=EPSG:2000&filter=a%3D1", "filter-crs 'EPSG:2000' is not offered"},
             {"filter-lang=cql2-json&filter=" + url_encode("{\"op\":\"=\"}"), "= takes 2 arguments"},
         }) {
        auto const r = get("/collections/elc/items?" + b.query);
        EXPECT_EQ(r.status, 400) << b.query;
        EXPECT_NE(r.body.find(b.says), std::string::npos) << b.query << ": " << r.body;
    }
    // /conformance says what is there.
    json const conformance = get_json("/conformance");
    std::string const classes = conformance["conformsTo"].dump();
    for (char const* c : {"ogcapi-features-3/1.0/conf/filter", "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json",
                          "cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/advanced-comparison-operators",
                          "cql2/1.0/conf/basic-spatial-functions", "cql2/1.0/conf/temporal-functions"})
        EXPECT_NE(classes.find(c), std::string::npos) << c;
    EXPECT_EQ(classes.find("array-functions"), std::string::npos);
}

// The provinces as CQL2 reads them: province_names LIKE '%Mondulkiri%'
// selects what province=Mondulkiri selects (every province a concession
// lies in), and main_province the features whose main_province property
// names it, a part of those.
TEST_F(server_e2e_api, cql2_reads_the_provinces_as_items_write_them) {
    time_bound bound;
    json const all = get_json("/collections/elc/items?limit=10000");
    std::size_t tested = 0;
    for (std::string const province : {"Mondulkiri", "Kratie", "Koh Kong", "Preah Vihear"}) {
        SCOPED_TRACE(province);
        auto const in = item_id_set("elc", "province=" + url_encode(province));
        ASSERT_FALSE(in.empty());
        EXPECT_EQ(item_id_set("elc", "filter=" + url_encode("province_names LIKE '%" + province + "%'")), in);
        std::set<long> main;
        for (auto const& f : all["features"])
            if (f["properties"]["main_province"] == province) main.insert(f["id"].get<long>());
        auto const served = item_id_set("elc", "filter=" + url_encode("main_province = '" + province + "'"));
        EXPECT_EQ(served, main);
        EXPECT_TRUE(std::includes(in.begin(), in.end(), served.begin(), served.end()));
        tested += !main.empty() && main.size() < in.size();
    }
    EXPECT_GE(tested, 1u);  // some concession lies mostly in another province
    json const q = get_json("/collections/elc/queryables");
    EXPECT_EQ(q["properties"]["main_province"]["enum"].size(), 24u) << q["properties"]["main_province"].dump();
    EXPECT_TRUE(q["properties"].contains("province_names"));
}

}  // namespace
