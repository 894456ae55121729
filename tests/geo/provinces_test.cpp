// Province assignment by geometry, checked against SpatiaLite's own
// intersection areas on the source files.

#include "geo/loader.hpp"
#include "geo/province_names.hpp"
#include "geo/vector_reader.hpp"

#include "tests/support/test_support.hpp"

#include <cmath>
#include <map>
#include <set>

namespace {

namespace fs = std::filesystem;

using test::provinces_shp;

geo::collection load_one(fs::path const& path) { return std::move(geo::read_vector_source(path.string(), {}).front()); }

// (fid, NIS code) -> share of the feature's area, from SpatiaLite on a
// GeoPackage holding the layer (in UTM 48N, as the provinces, invalid rings
// repaired by ogr2ogr -makevalid) and the provinces.
std::map<std::pair<long, std::string>, double> oracle_shares(fs::path const& layer) {
    test::scratch_dir dir;
    fs::path const gpkg = dir / "overlay.gpkg";
    test::overlay_geopackage(gpkg, layer);
    auto const rows = test::sqlite_oracle(
        gpkg,
        "SELECT f.src_fid AS src_fid, p.PROV_CODE AS code, ST_Area(ST_Intersection(f.geom, p.geom)) / "
        "ST_Area(f.geom) AS share FROM features f JOIN provinces p ON ST_Intersects(f.geom, "
        "p.geom)");
    std::map<std::pair<long, std::string>, double> shares;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() == 3 && !rows[i][2].empty()) shares[{std::stol(rows[i][0]), rows[i][1]}] = std::stod(rows[i][2]);
    return shares;
}

void expect_assignment_matches_spatialite(fs::path const& layer_path) {
    auto const boundaries = load_one(provinces_shp());
    auto const index = geo::province_index::from_boundaries(boundaries, "PROV_NAME", "PROV_CODE");
    auto layer = load_one(layer_path);
    index.assign(layer);
    auto const oracle = oracle_shares(layer_path);
    ASSERT_FALSE(oracle.empty());

    std::map<std::string, int> ours_by_code, oracle_by_code;
    std::set<std::pair<long, std::string>> ours_pairs;
    for (auto const& f : layer.features) {
        for (auto const& s : f.provinces) {
            std::string const code = index.provinces()[s.province].code;
            ours_pairs.insert({f.id, code});
            ++ours_by_code[code];
            auto const it = oracle.find({f.id, code});
            ASSERT_NE(it, oracle.end()) << "feature " << f.id << " placed in " << code << " which SpatiaLite says it misses";
            EXPECT_NEAR(s.share, it->second, 0.002) << "feature " << f.id << " in province " << code;
        }
    }
    for (auto const& [key, share] : oracle) {
        if (share >= 0.001) ++oracle_by_code[key.second];
        if (share >= 0.002) {
            EXPECT_TRUE(ours_pairs.count(key)) << "feature " << key.first << " has " << share << " of its area in province "
                                               << key.second << " but was not placed there";
        }
        if (share < 0.0005) {
            EXPECT_FALSE(ours_pairs.count(key)) << "sliver kept for feature " << key.first;
        }
    }
    // Every province: the same number of features as SpatiaLite finds.
    for (auto const& p : index.provinces()) EXPECT_EQ(ours_by_code[p.code], oracle_by_code[p.code]) << p.name;
}

}  // namespace

TEST(provinces, elc_assignment_agrees_with_spatialite_for_every_province) {
    REQUIRE_SHARED_DATA();
    expect_assignment_matches_spatialite(test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp");
}

TEST(provinces, mining_assignment_agrees_with_spatialite_for_every_province) {
    REQUIRE_SHARED_DATA();
    expect_assignment_matches_spatialite(test::shared_data_dir() / "odc-mining/kh_mining_concessions_wgs84.shp");
}

TEST(provinces, spelling_variants_and_codes_find_one_province_in_each_boundary_layer) {
    REQUIRE_SHARED_DATA();
    auto const nis = geo::province_index::from_boundaries(load_one(provinces_shp()));
    auto const gb = geo::province_index::from_boundaries(
        load_one(test::shared_data_dir() / "geoboundaries-khm-adm1/geoBoundaries-KHM-ADM1_simplified.geojson"));
    EXPECT_EQ(nis.provinces().size(), 24u);
    EXPECT_EQ(gb.provinces().size(), 25u);
    std::vector<std::vector<std::string>> const groups = {
        {"Ratanakiri", "Ratanak Kiri", "ratanak-kiri", "16", "KH-16", "Ratanakiri Province"},
        {"Mondulkiri", "Mondul Kiri", "Mundul kiri", "11"},
        {"Oddar Meanchey", "Otdar Meanchey", "Oddarmeanchey", "22"},
        {"Preah Sihanouk", "Sihanoukville", "Preach Sihanouk", "18"},
        {"Banteay Meanchey", "Bantey Meanchey", "01"},
    };
    for (auto const* index : {&nis, &gb}) {
        for (auto const& group : groups) {
            auto const first = index->find(group.front());
            ASSERT_TRUE(first) << group.front();
            EXPECT_EQ(index->provinces()[*first].name, group.front());
            for (auto const& variant : group) EXPECT_EQ(index->find(variant), first) << variant << " in " << index->source();
        }
    }
    // The layers' own spellings are kept beside the display name.
    EXPECT_EQ(nis.provinces()[*nis.find("16")].source_name, "Ratanak Kiri");
    EXPECT_EQ(gb.provinces()[*gb.find("16")].source_name, "Ratanakiri Province");
    EXPECT_FALSE(nis.find("Tbong Khmum"));  // split from Kampong Cham in 2013, after the census
    EXPECT_TRUE(gb.find("Tbong Khmum"));
}

TEST(provinces, without_boundaries_the_attribute_is_parsed) {
    REQUIRE_SHARED_DATA();
    auto layer = load_one(test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp");
    layer.roles.province = "Provinces";
    geo::province_index const gazetteer;
    gazetteer.assign(layer);
    int const field = layer.field_index("Provinces");
    std::size_t multi = 0;
    for (auto const& f : layer.features) {
        auto const& text = std::get<std::string>(f.properties[field]);
        if (text == "Kratie, Mondulkiri") {
            ASSERT_EQ(f.provinces.size(), 2u);
            EXPECT_EQ(gazetteer.provinces()[f.provinces[0].province].name, "Kratie");
            EXPECT_EQ(gazetteer.provinces()[f.provinces[1].province].name, "Mondulkiri");
            EXPECT_TRUE(std::isnan(f.provinces[0].share));
            ++multi;
        }
        if (text == "Mundul kiri") {
            EXPECT_EQ(gazetteer.provinces()[f.provinces.at(0).province].name, "Mondulkiri");
        }
        if (text == "Oddarmeanchey") {
            EXPECT_EQ(gazetteer.provinces()[f.provinces.at(0).province].name, "Oddar Meanchey");
        }
    }
    EXPECT_GT(multi, 0u);
    // Whatever cannot be matched is reported, not dropped in silence.
    for (auto const& name : layer.report.unknown_province_names) EXPECT_FALSE(gazetteer.find(name)) << name;
}
