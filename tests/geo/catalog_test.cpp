#include "geo/catalog.hpp"

#include "tests/support/test_support.hpp"

#include <cstdlib>
#include <fstream>

TEST(catalog, expands_environment_variables_with_defaults) {
    ::setenv("CONCESSIONS_TEST_VAR", "/data/here", 1);
    EXPECT_EQ(geo::expand_variables("${CONCESSIONS_TEST_VAR}/x"), "/data/here/x");
    EXPECT_EQ(geo::expand_variables("${CONCESSIONS_TEST_VAR:-/other}/x"), "/data/here/x");
    ::unsetenv("CONCESSIONS_TEST_VAR");
    EXPECT_EQ(geo::expand_variables("${CONCESSIONS_TEST_VAR:-../shared/data}/x"), "../shared/data/x");
    EXPECT_EQ(geo::expand_variables("plain"), "plain");
    EXPECT_THROW(geo::expand_variables("${OPEN"), geo::catalog_error);
}

TEST(catalog, ids_come_from_file_names) {
    EXPECT_EQ(geo::id_from_name("elc_complete_utm48n"), "elc-complete-utm48n");
    EXPECT_EQ(geo::id_from_name("KBA"), "kba");
    EXPECT_EQ(geo::id_from_name("__"), "collection");
}

TEST(catalog, roles_are_guessed_from_common_field_names) {
    std::vector<geo::field> const fields = {{"Name", geo::field_type::string},     {"Provinces", geo::field_type::string},
                                            {"Hectares", geo::field_type::real},   {"Purpose", geo::field_type::string},
                                            {"Contract", geo::field_type::string}, {"Nation", geo::field_type::string},
                                            {"Duration", geo::field_type::integer}};
    auto const r = geo::guess_roles(fields);
    EXPECT_EQ(r.name, "Name");
    EXPECT_EQ(r.province, "Provinces");
    EXPECT_EQ(r.area_ha, "Hectares");
    EXPECT_EQ(r.purpose, "Purpose");
    EXPECT_EQ(r.contract_date, "Contract");
    EXPECT_EQ(r.nationality, "Nation");
    EXPECT_EQ(r.duration_years, "Duration");
}

TEST(catalog, reads_sources_relative_to_its_data_root) {
    test::scratch_dir dir;
    std::ofstream(dir / "c.json") << R"({"title": "T", "data_root": "layers",
        "provinces": {"source": "p.shp", "name_field": "N"},
        "collections": [{"id": "elc", "source": "e.shp", "crs": "EPSG:32648", "fields": {"name": "Name"}},
                        {"source": "/abs/m.geojson"}]})";
    ASSERT_TRUE(geo::is_catalog_file(dir / "c.json"));
    auto const cat = geo::read_catalog(dir / "c.json");
    EXPECT_EQ(cat.title, "T");
    ASSERT_EQ(cat.collections.size(), 2u);
    EXPECT_EQ(cat.collections[0].source, (dir.path() / "layers" / "e.shp").string());
    EXPECT_EQ(cat.collections[0].crs, "EPSG:32648");
    ASSERT_TRUE(cat.collections[0].roles);
    EXPECT_EQ(cat.collections[0].roles->name, "Name");
    EXPECT_EQ(cat.collections[1].source, "/abs/m.geojson");
    EXPECT_FALSE(cat.collections[1].roles);
    ASSERT_TRUE(cat.provinces);
    EXPECT_EQ(cat.provinces->name_field, "N");
}

TEST(catalog, a_collection_is_a_concession_layer_unless_it_says_context) {
    test::scratch_dir dir;
    std::ofstream(dir / "k.json") << R"({"collections": [{"id": "elc", "source": "e.shp"},
        {"id": "pa", "source": "p.shp", "kind": "context"}, {"id": "m", "source": "m.shp", "kind": "concession"}]})";
    auto const cat = geo::read_catalog(dir / "k.json");
    ASSERT_EQ(cat.collections.size(), 3u);
    EXPECT_EQ(cat.collections[0].kind, "concession");
    EXPECT_EQ(cat.collections[1].kind, "context");
    EXPECT_EQ(cat.collections[2].kind, "concession");
    std::ofstream(dir / "bad.json") << R"({"collections": [{"id": "pa", "source": "p.shp", "kind": "background"}]})";
    try {
        geo::read_catalog(dir / "bad.json");
        FAIL() << "an unknown kind was accepted";
    } catch (geo::catalog_error const& e) {
        EXPECT_NE(std::string(e.what()).find("\"background\""), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    }
}

TEST(catalog, provenance_is_read_and_its_date_and_document_template_checked) {
    test::scratch_dir dir;
    std::ofstream(dir / "p.json") << R"({"collections": [{"id": "elc", "source": "e.shp", "attribution": "ODC",
        "license": "CC BY-SA 4.0", "source_url": "https://example.org/elc", "as_of": "2013-01-10",
        "document_url": "https://example.org/docs/{document}"}]})";
    auto const pv = geo::read_catalog(dir / "p.json").collections.at(0).provenance;
    EXPECT_EQ(pv.attribution, "ODC");
    EXPECT_EQ(pv.license, "CC BY-SA 4.0");
    EXPECT_EQ(pv.source_url, "https://example.org/elc");
    EXPECT_EQ(pv.as_of, "2013-01-10");
    EXPECT_EQ(pv.document_url, "https://example.org/docs/{document}");
    for (std::string const bad : {R"("as_of": "10/01/2013")", R"("as_of": "2013-13")", R"("document_url": "https://example.org/docs/")"}) {
        std::ofstream(dir / "bad.json") << R"({"collections": [{"id": "elc", "source": "e.shp", )" + bad + "}]}";
        EXPECT_THROW(geo::read_catalog(dir / "bad.json"), geo::catalog_error) << bad;
    }
    for (std::string const good : {"2013", "2013-06", "2013-06-30"}) {
        std::ofstream(dir / "good.json") << R"({"collections": [{"id": "elc", "source": "e.shp", "as_of": ")" + good + "\"}]}";
        EXPECT_EQ(geo::read_catalog(dir / "good.json").collections.at(0).provenance.as_of, good);
    }
}

TEST(catalog, rejects_malformed_catalogs_with_the_file_named) {
    test::scratch_dir dir;
    std::ofstream(dir / "bad.json") << R"({"collections": [{"id": "x"}]})";
    try {
        geo::read_catalog(dir / "bad.json");
        FAIL() << "a collection without a source was accepted";
    } catch (geo::catalog_error const& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("\"source\" is required"), std::string::npos);
    }
    std::ofstream(dir / "role.json") << R"({"collections": [{"source": "x.shp", "fields": {"owner": "X"}}]})";
    EXPECT_THROW(geo::read_catalog(dir / "role.json"), geo::catalog_error);
    std::ofstream(dir / "broken.json") << R"({"collections": [)";
    EXPECT_THROW(geo::read_catalog(dir / "broken.json"), geo::catalog_error);
    std::ofstream(dir / "feature.json") << R"({"type": "FeatureCollection", "features": []})";
    EXPECT_FALSE(geo::is_catalog_file(dir / "feature.json"));
}

TEST(catalog, database_sources_are_taken_as_they_are_with_their_query_keys) {
    test::scratch_dir dir;
    std::ofstream(dir / "c.json") << R"({"data_root": "layers", "collections": [
        {"id": "elc", "source": "PG:host=db dbname=odc user=reader", "layer": "public.elc",
         "version_sql": "SELECT count(*), max(updated_at) FROM elc"},
        {"id": "active", "source": "pg:dbname=odc", "sql": "SELECT fid AS ogc_fid, * FROM elc"}]})";
    auto const cat = geo::read_catalog(dir / "c.json");
    ASSERT_EQ(cat.collections.size(), 2u);
    EXPECT_EQ(cat.collections[0].source, "PG:host=db dbname=odc user=reader");  // not under data_root
    EXPECT_EQ(cat.collections[0].layer, "public.elc");
    EXPECT_EQ(cat.collections[0].version_sql, "SELECT count(*), max(updated_at) FROM elc");
    EXPECT_EQ(cat.collections[1].source, "pg:dbname=odc");
    EXPECT_EQ(cat.collections[1].sql, "SELECT fid AS ogc_fid, * FROM elc");

    auto const plain = geo::catalog_from_paths({"PG:dbname=odc tables=elc"});
    ASSERT_EQ(plain.collections.size(), 1u);
    EXPECT_EQ(plain.collections[0].source, "PG:dbname=odc tables=elc");
}

TEST(catalog, refuses_query_keys_where_they_cannot_apply) {
    test::scratch_dir dir;
    auto refused = [&](std::string const& collection, std::string const& words) {
        std::ofstream(dir / "c.json") << R"({"collections": [)" + collection + "]}";
        try {
            geo::read_catalog(dir / "c.json");
            ADD_FAILURE() << "accepted " << collection;
        } catch (geo::catalog_error const& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    refused(R"({"id": "a", "source": "PG:dbname=x", "layer": "t", "sql": "SELECT 1"})", "not both");
    refused(R"({"source": "PG:dbname=x", "sql": "SELECT * FROM t"})", "needs an \"id\"");
    refused(R"({"source": "e.shp", "version_sql": "SELECT 1"})", "database sources");
}
