// PostGIS as a source: the real ELC layer copied into a private cluster with
// ogr2ogr reads back as the same features as the shapefile; the data version
// follows every insert, update and delete; failures name the source.

#include "geo/loader.hpp"
#include "geo/vector_reader.hpp"

#include "tests/support/pg_cluster.hpp"
#include "tests/support/test_support.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <memory>

namespace {

namespace fs = std::filesystem;

fs::path elc_shp() { return test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp"; }

// One cluster per test process (ctest runs each test in its own).
class postgis_source : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!test::pg_cluster::unavailable().empty()) return;
        try {
            cluster_ = std::make_unique<test::pg_cluster>();
        } catch (std::exception const& e) {
            start_error_ = e.what();
        }
    }
    static void TearDownTestSuite() { cluster_.reset(); }
    void SetUp() override {
        REQUIRE_PG_CLUSTER();
        ASSERT_TRUE(cluster_) << "the cluster did not start: " << start_error_;
    }

    static test::pg_cluster& cluster() { return *cluster_; }

    // A catalog file holding `collections` (a JSON array's members) and, when
    // the shared data is there, the NIS province boundaries.
    static fs::path write_catalog(test::scratch_dir const& dir, std::string const& name, std::string const& collections,
                                  bool with_provinces) {
        fs::path const path = dir / name;
        std::ofstream out(path);
        out << "{\"title\": \"PostGIS test\", ";
        if (with_provinces)
            out << "\"provinces\": {\"source\": \"" << test::provinces_shp().string()
                << "\", \"name_field\": \"PROV_NAME\", \"code_field\": \"PROV_CODE\"}, ";
        out << "\"collections\": [" << collections << "]}";
        return path;
    }

    // A small point table made with SQL, for the version checks.
    static void make_sites_table(std::string const& name) {
        cluster().psql("CREATE TABLE " + name +
                       " (fid serial PRIMARY KEY, name text, hectares double precision, geom geometry(Point, 4326));"
                       "INSERT INTO " + name + " (name, hectares, geom) VALUES "
                       "('Koh Kong site', 10.5, ST_SetSRID(ST_MakePoint(103.5, 11.6), 4326)),"
                       "('Kratie site', 2000, ST_SetSRID(ST_MakePoint(106.0, 12.5), 4326)),"
                       "('Mondulkiri site', 350, ST_SetSRID(ST_MakePoint(107.2, 12.4), 4326))");
    }

private:
    static std::unique_ptr<test::pg_cluster> cluster_;
    static std::string start_error_;
};

std::unique_ptr<test::pg_cluster> postgis_source::cluster_;
std::string postgis_source::start_error_;

std::map<std::int64_t, geo::feature const*> by_id(geo::collection const& c) {
    std::map<std::int64_t, geo::feature const*> out;
    for (auto const& f : c.features) out[f.id] = &f;
    return out;
}

std::string failures_of(geo::snapshot const& snap) {
    std::string out;
    for (auto const& f : snap.failures) out += f.source + ": " + f.message + "\n";
    return out;
}

}  // namespace

TEST_F(postgis_source, ReadsTheSameElcFeaturesAsTheShapefile) {
    REQUIRE_SHARED_DATA();
    cluster().load(elc_shp(), "elc");
    std::string const roles =
        R"("fields": {"name": "Name", "province": "Provinces", "area_ha": "Hectares", "purpose": "Purpose",
                      "contract_date": "Contract", "nationality": "Nation"})";
    test::scratch_dir dir;
    auto const pg_catalog = write_catalog(
        dir, "pg.json",
        R"({"id": "elc", "source": ")" + cluster().connection() + R"(", "layer": "elc", )" + roles + "}", true);
    auto const shp_catalog = write_catalog(
        dir, "shp.json", R"({"id": "elc", "source": ")" + elc_shp().string() + R"(", )" + roles + "}", true);

    geo::snapshot const from_pg = geo::load({pg_catalog.string()}, {});
    geo::snapshot const from_shp = geo::load({shp_catalog.string()}, {});
    ASSERT_TRUE(from_pg.failures.empty()) << failures_of(from_pg);
    ASSERT_TRUE(from_shp.failures.empty()) << failures_of(from_shp);
    ASSERT_EQ(from_pg.collections.size(), 1u);
    geo::collection const& pg = from_pg.collections[0];
    geo::collection const& shp = from_shp.collections[0];
    EXPECT_EQ(pg.driver, "PostgreSQL");
    EXPECT_EQ(pg.source_crs, "EPSG:32648");
    EXPECT_EQ(pg.source, cluster().connection());
    EXPECT_TRUE(from_pg.provinces.has_geometry());

    ASSERT_EQ(pg.fields.size(), shp.fields.size());
    for (std::size_t i = 0; i < pg.fields.size(); ++i) {
        EXPECT_EQ(pg.fields[i].name, shp.fields[i].name);
        EXPECT_EQ(pg.fields[i].type, shp.fields[i].type) << pg.fields[i].name;
    }
    EXPECT_EQ(pg.report.repaired, shp.report.repaired);
    EXPECT_EQ(pg.report.geometry_types, shp.report.geometry_types);

    // Ids are the primary key, which ogr2ogr -preserve_fid filled with the shapefile's FIDs.
    ASSERT_EQ(pg.features.size(), 225u);
    auto const pg_features = by_id(pg);
    auto const shp_features = by_id(shp);
    ASSERT_EQ(pg_features.size(), shp_features.size());
    auto const& names = from_pg.provinces.provinces();
    for (auto const& [id, s] : shp_features) {
        auto const it = pg_features.find(id);
        ASSERT_NE(it, pg_features.end()) << "no feature " << id << " from PostGIS";
        geo::feature const& p = *it->second;
        EXPECT_EQ(p.properties, s->properties) << "feature " << id;
        EXPECT_EQ(p.contract_date, s->contract_date) << "feature " << id;
        EXPECT_NEAR(p.area_ha, s->area_ha, 1e-6 * s->area_ha) << "feature " << id;
        EXPECT_EQ(p.geom.type(), s->geom.type()) << "feature " << id;
        EXPECT_EQ(p.geom.vertex_count(), s->geom.vertex_count()) << "feature " << id;
        EXPECT_EQ(p.repaired, s->repaired) << "feature " << id;
        ASSERT_EQ(p.provinces.size(), s->provinces.size()) << "feature " << id;
        for (std::size_t k = 0; k < p.provinces.size(); ++k) {
            EXPECT_EQ(names.at(p.provinces[k].province).name,
                      from_shp.provinces.provinces().at(s->provinces[k].province).name)
                << "feature " << id;
            EXPECT_NEAR(p.provinces[k].share, s->provinces[k].share, 1e-9) << "feature " << id;
        }
    }
}

TEST_F(postgis_source, VersionFollowsUpdatesDeletesAndInsertsAndNothingElse) {
    make_sites_table("sites");
    // A connection string on the command line: OGR's tables= picks the table,
    // which names the collection.
    std::vector<std::string> const sources = {cluster().connection() + " tables=sites"};
    geo::load_options const options;
    EXPECT_TRUE(geo::has_database_sources(sources, options));
    EXPECT_TRUE(geo::watched_paths(sources, options).empty());

    geo::snapshot const snap = geo::load(sources, options);
    ASSERT_TRUE(snap.failures.empty()) << failures_of(snap);
    ASSERT_EQ(snap.collections.size(), 1u);
    EXPECT_EQ(snap.collections[0].id, "sites");
    EXPECT_EQ(snap.collections[0].features.size(), 3u);
    EXPECT_TRUE(snap.collections[0].report.warnings.empty()) << snap.collections[0].report.warnings.front();

    std::string const v0 = geo::current_version(sources, options);
    EXPECT_EQ(v0, snap.version) << "load() and current_version() disagree";
    EXPECT_EQ(geo::current_version(sources, options), v0) << "nothing changed, yet the version did";
    cluster().psql("SELECT count(*) FROM sites");
    cluster().psql("BEGIN; UPDATE sites SET hectares = 11 WHERE fid = 1; ROLLBACK");
    EXPECT_EQ(geo::current_version(sources, options), v0) << "a rolled-back update changed the version";

    cluster().psql("UPDATE sites SET hectares = 11 WHERE fid = 1");
    std::string const v1 = geo::current_version(sources, options);
    EXPECT_NE(v1, v0) << "an UPDATE left the version unchanged";
    EXPECT_EQ(geo::current_version(sources, options), v1);

    cluster().psql("DELETE FROM sites WHERE fid = 2");
    std::string const v2 = geo::current_version(sources, options);
    EXPECT_NE(v2, v1) << "a DELETE left the version unchanged";

    cluster().psql("INSERT INTO sites (name, hectares, geom) VALUES ('Pursat site', 1, "
                   "ST_SetSRID(ST_MakePoint(103.9, 12.5), 4326))");
    std::string const v3 = geo::current_version(sources, options);
    EXPECT_NE(v3, v2) << "an INSERT left the version unchanged";
    EXPECT_NE(v3, v1);
    EXPECT_NE(v3, v0);

    // What the version says, the data holds.
    geo::snapshot const again = geo::load(sources, options);
    EXPECT_EQ(again.version, v3);
    auto const features = by_id(again.collections.at(0));
    EXPECT_EQ(features.size(), 3u);
    EXPECT_EQ(features.count(2), 0u);
    EXPECT_EQ(features.count(4), 1u);
}

TEST_F(postgis_source, CatalogVersionSqlReplacesTheDefaultQuery) {
    make_sites_table("counted");
    test::scratch_dir dir;
    auto const catalog = write_catalog(dir, "c.json",
                                       R"({"id": "counted", "source": ")" + cluster().connection() +
                                           R"(", "layer": "counted", "version_sql": "SELECT count(*) FROM counted"})",
                                       false);
    std::vector<std::string> const sources = {catalog.string()};
    EXPECT_TRUE(geo::has_database_sources(sources, {}));
    EXPECT_EQ(geo::watched_paths(sources, {}), std::vector<fs::path>{catalog});
    std::string const v0 = geo::current_version(sources, {});
    EXPECT_EQ(geo::load(sources, {}).version, v0);
    // The catalog's query does not see an update: its count is unchanged.
    cluster().psql("UPDATE counted SET hectares = 1");
    EXPECT_EQ(geo::current_version(sources, {}), v0);
    cluster().psql("DELETE FROM counted WHERE fid = 3");
    EXPECT_NE(geo::current_version(sources, {}), v0);
}

TEST_F(postgis_source, ViewsAndQueriesAreReadWithStableIdsAndVersioned) {
    make_sites_table("places");
    cluster().psql("CREATE VIEW big_places AS SELECT * FROM places WHERE hectares > 100");
    test::scratch_dir dir;
    std::string const source = cluster().connection();
    auto const catalog = write_catalog(
        dir, "c.json",
        R"({"id": "big", "source": ")" + source + R"(", "layer": "big_places"},
           {"id": "queried", "source": ")" + source +
            R"(", "sql": "SELECT fid AS ogc_fid, name, geom FROM places WHERE fid >= 2 ORDER BY fid DESC"})",
        false);
    std::vector<std::string> const sources = {catalog.string()};
    geo::snapshot const snap = geo::load(sources, {});
    ASSERT_TRUE(snap.failures.empty()) << failures_of(snap);
    ASSERT_EQ(snap.collections.size(), 2u);
    geo::collection const& queried = *snap.find("queried");
    EXPECT_EQ(queried.title, "queried");
    ASSERT_EQ(queried.features.size(), 2u);
    EXPECT_EQ(queried.features[0].id, 3);  // the key, not the row number
    EXPECT_EQ(queried.features[1].id, 2);
    EXPECT_TRUE(queried.report.warnings.empty());
    // A view has no primary key OGR can see: its ids are row numbers, and it says so.
    geo::collection const& big = *snap.find("big");
    EXPECT_EQ(big.features.size(), 2u);
    ASSERT_FALSE(big.report.warnings.empty());
    EXPECT_NE(big.report.warnings.front().find("primary key"), std::string::npos);

    std::string const v0 = geo::current_version(sources, {});
    EXPECT_EQ(snap.version, v0);
    cluster().psql("UPDATE places SET name = 'Kratie concession' WHERE fid = 2");
    EXPECT_NE(geo::current_version(sources, {}), v0) << "a change behind a view and a query went unseen";
}

TEST_F(postgis_source, FailuresNameTheSourceAndNeverThrow) {
    make_sites_table("present");
    test::scratch_dir dir;
    // Nothing listens on port 1 (only root could): the database is down.
    std::string const down =
        "PG:host=127.0.0.1 port=1 dbname=concessions user=concessions password=hunter2 connect_timeout=5";
    auto const catalog = write_catalog(dir, "c.json",
                                       R"({"id": "missing", "source": ")" + cluster().connection() +
                                           R"(", "layer": "no_such_table"},
                                          {"id": "down", "source": ")" + down + R"(", "layer": "present"},
                                          {"id": "bad-sql", "source": ")" + cluster().connection() +
                                           R"(", "sql": "SELECT * FROM no_such_table"},
                                          {"id": "present", "source": ")" + cluster().connection() +
                                           R"(", "layer": "present"})",
                                       false);
    std::vector<std::string> const sources = {catalog.string()};
    geo::snapshot snap;
    ASSERT_NO_THROW(snap = geo::load(sources, {}));
    ASSERT_EQ(snap.collections.size(), 1u) << "the source that works still loads";
    EXPECT_EQ(snap.collections[0].id, "present");
    ASSERT_EQ(snap.failures.size(), 3u) << failures_of(snap);

    auto const& missing = snap.failures[0];
    EXPECT_EQ(missing.source, cluster().connection());
    EXPECT_NE(missing.message.find(cluster().connection()), std::string::npos) << missing.message;
    EXPECT_NE(missing.message.find("no table or view named 'no_such_table'"), std::string::npos) << missing.message;

    auto const& unreachable = snap.failures[1];
    std::string const shown = geo::source_label(down);
    EXPECT_NE(shown.find("password=***"), std::string::npos) << shown;
    EXPECT_EQ(unreachable.source, shown);
    EXPECT_NE(unreachable.message.find(shown), std::string::npos) << unreachable.message;
    EXPECT_NE(unreachable.message.find("cannot open it"), std::string::npos) << unreachable.message;
    EXPECT_EQ(unreachable.message.find("hunter2"), std::string::npos) << "the password shows: " << unreachable.message;

    auto const& bad_sql = snap.failures[2];
    EXPECT_NE(bad_sql.message.find(cluster().connection() + ": its query fails: "), std::string::npos)
        << bad_sql.message;
    EXPECT_NE(bad_sql.message.find("no_such_table"), std::string::npos) << bad_sql.message;

    // The version is still computed (and stable) with a source down.
    std::string version;
    ASSERT_NO_THROW(version = geo::current_version(sources, {}));
    EXPECT_EQ(version, snap.version);
    EXPECT_EQ(geo::current_version(sources, {}), version);
    EXPECT_THROW(geo::database_version(down, {}, {}), geo::load_error);
}
