// The prepared store (geo/store.hpp): a dataset read back from it answers
// exactly as the one loaded from the sources, and a store that is stale,
// from another build, cut short or damaged is refused with its reason and
// the sources loaded again, never served.

#include "geo/store.hpp"
#include "geo/feature_query.hpp"
#include "geo/summary.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

fs::path sample(std::string const& name) {
    return test::source_dir() / "data/sample" / name;
}

geo::load_options sample_options() {
    geo::load_options o;
    o.provinces_path = sample("synthetic_provinces.shp").string();
    return o;
}

// Everything a request could read from the two, compared: the loading
// summary, each feature's GeoJSON, the tiles over each collection at
// several zooms in both formats, selections.
void expect_same(geo::dataset const& a, geo::dataset const& b) {
    ASSERT_EQ(a.collections().size(), b.collections().size());
    auto summary = [](geo::dataset const& d) {
        auto j = geo::summarize(d.loaded());
        j.erase("timings_s");  // how long each took to load
        return j.dump();
    };
    EXPECT_EQ(summary(a), summary(b));
    EXPECT_EQ(a.version(), b.version());
    EXPECT_EQ(a.title(), b.title());
    for (std::size_t k = 0; k < a.collections().size(); ++k) {
        auto const& ca = a.collections()[k];
        auto const& cb = b.collections()[k];
        ASSERT_EQ(ca.features.size(), cb.features.size()) << ca.id;
        EXPECT_EQ(a.queryables(ca), b.queryables(cb));
        for (std::uint32_t i = 0; i < ca.features.size(); ++i) {
            std::string ta, tb;
            a.append_feature(ta, ca, i);
            b.append_feature(tb, cb, i);
            ASSERT_EQ(ta, tb) << ca.id << " feature " << ca.features[i].id;
            EXPECT_EQ(b.position_of(cb, cb.features[i].id), i);
        }
        if (!ca.extent.valid()) continue;
        geo::point const mid{(ca.extent.min_x + ca.extent.max_x) / 2, (ca.extent.min_y + ca.extent.max_y) / 2};
        for (unsigned z : {5u, 8u, 11u, 14u}) {
            auto const t = geo::tiles::tile_for(mid, z);
            EXPECT_EQ(a.tiles(ca).mvt(t).body, b.tiles(cb).mvt(t).body) << ca.id << " z" << z;
            EXPECT_EQ(a.tiles(ca).geojson(t).body, b.tiles(cb).geojson(t).body) << ca.id << " z" << z;
        }
        geo::feature_query q;
        q.bbox = geo::box{mid.x - 0.3, mid.y - 0.3, mid.x + 0.3, mid.y + 0.3};
        q.text = "co";
        EXPECT_EQ(geo::select(ca, q), geo::select(cb, q)) << ca.id;
        // Derived members too, which the text does not show to a filter.
        geo::feature_query classes;
        classes.equals = {{"purpose_class", "Rubber"}};
        EXPECT_EQ(geo::select(ca, classes), geo::select(cb, classes)) << ca.id;
        for (std::size_t i = 0; i < ca.features.size(); ++i)
            ASSERT_EQ(ca.features[i].purpose_classes, cb.features[i].purpose_classes) << ca.id << " feature " << i;
    }
}

class store : public ::testing::Test {
protected:
    void SetUp() override {
        for (auto const& name : {"synthetic_concessions.shp", "synthetic_concessions.shx", "synthetic_concessions.dbf",
                                 "synthetic_concessions.prj", "synthetic_concessions.cpg"})
            fs::copy_file(sample(name), dir / name);
        sources = {(dir / "synthetic_concessions.shp").string()};
    }
    test::scratch_dir dir;
    std::vector<std::string> sources;
    geo::dataset_options options;
    fs::path store_dir() const { return dir / "store"; }
    geo::store_outcome load() { return geo::load_through_store(sources, sample_options(), options, store_dir()); }
    // Loads (through the store), writes the store when it was not read.
    geo::store_outcome load_and_keep() {
        auto o = load();
        if (!o.from_store) geo::write_store(*o.data, o.key, o.file);
        return o;
    }
};

TEST_F(store, a_dataset_read_back_answers_exactly_as_the_one_loaded) {
    auto const first = load_and_keep();
    EXPECT_FALSE(first.from_store);
    EXPECT_NE(first.note.find("no store yet"), std::string::npos) << first.note;
    ASSERT_TRUE(fs::exists(first.file));
    auto const second = load();
    EXPECT_TRUE(second.from_store) << second.note;
    expect_same(*first.data, *second.data);
    geo::feature_query rubber;  // so that the purpose classes' comparison could fail
    rubber.equals = {{"purpose_class", "Rubber"}};
    EXPECT_FALSE(geo::select(second.data->collections().front(), rubber).empty());
    // Whole features kept as text, or only their properties: both read back.
    options.feature_text_bytes = 0;
    auto const third = load_and_keep();
    EXPECT_FALSE(third.from_store) << "another budget is another store";
    auto const fourth = load();
    EXPECT_TRUE(fourth.from_store) << fourth.note;
    expect_same(*third.data, *fourth.data);
}

TEST_F(store, a_changed_source_is_loaded_again_not_read_from_the_stale_store) {
    auto const first = load_and_keep();
    // The same bytes a second later: the data version (size, time) changes.
    fs::last_write_time(dir / "synthetic_concessions.dbf",
                        fs::last_write_time(dir / "synthetic_concessions.dbf") + std::chrono::seconds(2));
    auto const second = load_and_keep();
    EXPECT_FALSE(second.from_store);
    EXPECT_NE(second.note.find("other data"), std::string::npos) << second.note;
    EXPECT_NE(second.data->version(), first.data->version());
    auto const third = load();
    EXPECT_TRUE(third.from_store) << "rewritten for the new version: " << third.note;
    EXPECT_EQ(third.data->version(), second.data->version());
}

TEST_F(store, a_store_from_another_build_is_refused) {
    auto const first = load_and_keep();
    std::string other = first.key;
    other.replace(0, other.find('\n'), "0123456789abcdef");
    geo::write_store(*first.data, other, first.file);
    auto const second = load();
    EXPECT_FALSE(second.from_store);
    EXPECT_NE(second.note.find("another build"), std::string::npos) << second.note;
    expect_same(*first.data, *second.data);
}

TEST_F(store, a_store_cut_short_is_refused) {
    auto const first = load_and_keep();
    auto const size = fs::file_size(first.file);
    for (auto cut : {size - 1, size / 2, std::uintmax_t{20}}) {
        geo::write_store(*first.data, first.key, first.file);
        fs::resize_file(first.file, cut);
        EXPECT_THROW(geo::read_store(first.file, first.key, options), geo::store_error) << cut;
        auto const again = load();
        EXPECT_FALSE(again.from_store) << cut;
        expect_same(*first.data, *again.data);
    }
}

TEST_F(store, a_store_with_a_changed_byte_is_refused) {
    auto const first = load_and_keep();
    auto const bytes = test::slurp(first.file);
    // Bytes spread over the payload, each changed alone: lengths, kinds,
    // coordinates, text. Every one is caught (a format error or the checksum).
    std::size_t refused = 0, tried = 0;
    for (std::size_t at = bytes.size() / 3; at < bytes.size(); at += bytes.size() / 40 + 1) {
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        std::ofstream(first.file, std::ios::binary | std::ios::trunc) << damaged;
        ++tried;
        try {
            geo::read_store(first.file, first.key, options);
            ADD_FAILURE() << "a store with byte " << at << " changed was read";
        } catch (geo::store_error const& e) {
            ++refused;
            EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(refused, tried);
    EXPECT_FALSE(load().from_store);
}

TEST(store_real, the_real_catalog_reads_back_as_it_loaded) {
    REQUIRE_SHARED_DATA();
    test::scratch_dir dir;
    std::vector<std::string> const sources = {(test::source_dir() / "data/odc-catalog.json").string()};
    geo::dataset_options const options;
    auto const first = geo::load_through_store(sources, {}, options, dir.path());
    ASSERT_FALSE(first.from_store);
    geo::write_store(*first.data, first.key, first.file);
    auto const second = geo::load_through_store(sources, {}, options, dir.path());
    ASSERT_TRUE(second.from_store) << second.note;
    expect_same(*first.data, *second.data);
}

}  // namespace
