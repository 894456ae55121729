// Query parameters of items, stats and tiles: the good requests, and every
// malformed one a client or scanner sends, each with the 400 message the
// client will read.

#include "server/request_params.hpp"
#include "server/router.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

using namespace server;

std::vector<std::string> const queryables = {"Name", "Provinces", "area_ha"};

::testing::AssertionResult mentions(std::string const& text, std::string_view part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not mention '" << part << "'";
}

// The value of a variant that should hold one, or a default after a failure
// naming the error.
template <typename T, typename V>
T value_of(V const& parsed, std::string_view input) {
    if (auto const* e = std::get_if<param_error>(&parsed)) {
        ADD_FAILURE() << "refused " << input << ": " << e->description;
        return T{};
    }
    return std::get<T>(parsed);
}

// The error description of a variant that should hold one, "" after a failure.
template <typename V>
std::string error_of(V const& parsed, std::string_view input) {
    if (auto const* e = std::get_if<param_error>(&parsed)) return e->description;
    ADD_FAILURE() << "accepted " << input;
    return "";
}

items_params items(query_list const& query) {
    return value_of<items_params>(parse_items_params(query, queryables), "");
}

std::string items_error(query_list const& query) { return error_of(parse_items_params(query, queryables), ""); }

stats_params stats(query_list const& query) {
    return value_of<stats_params>(parse_stats_params(query, queryables), "");
}

std::string stats_error(query_list const& query) { return error_of(parse_stats_params(query, queryables), ""); }

std::array<double, 4> bbox(std::string_view text) { return value_of<std::array<double, 4>>(parse_bbox(text), text); }

std::string bbox_error(std::string_view text) { return error_of(parse_bbox(text), text); }

using date_range = std::pair<std::optional<std::string>, std::optional<std::string>>;

date_range datetime(std::string_view text) { return value_of<date_range>(parse_datetime(text), text); }

std::string datetime_error(std::string_view text) { return error_of(parse_datetime(text), text); }

std::vector<sort_key> sortby(std::string_view text) {
    return value_of<std::vector<sort_key>>(parse_sortby(text, queryables), text);
}

std::string sortby_error(std::string_view text) { return error_of(parse_sortby(text, queryables), text); }

// The query of a raw request target, as the session would hand it on.
query_list query_of(std::string_view raw) {
    auto const t = parse_target(raw);
    if (!t) {
        ADD_FAILURE() << "target rejected: " << raw;
        return {};
    }
    return t->query;
}

bool is_valid_utf8_without_controls(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80                 ? 1
                        : c >= 0xC2 && c <= 0xDF ? 2
                        : c >= 0xE0 && c <= 0xEF ? 3
                        : c >= 0xF0 && c <= 0xF4 ? 4
                                                 : 0;
        if (n == 0 || i + n > s.size() || c < 0x20 || c == 0x7f) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

// ---- items: defaults and good requests ----

TEST(parse_items_params, defaults_for_an_empty_query) {
    auto const p = items({});
    EXPECT_EQ(p.limit, 10u);
    EXPECT_EQ(p.offset, 0u);
    EXPECT_EQ(p.format, output_format::geojson);
    EXPECT_FALSE(p.download);
    EXPECT_TRUE(p.sortby.empty());
    EXPECT_FALSE(p.filters.bbox);
    EXPECT_FALSE(p.filters.province);
    EXPECT_FALSE(p.filters.q);
    EXPECT_FALSE(p.filters.date_from);
    EXPECT_FALSE(p.filters.date_to);
    EXPECT_TRUE(p.filters.properties.empty());
}

TEST(parse_items_params, every_parameter_at_once) {
    auto const p = items(
        query_of("/collections/elc/items?f=csv&bbox=102.5,11,107.5,14.5&limit=50&offset=100&province=Kampong+Thom"
                 "&q=rubber&datetime=2010-01-01/2012-12-31&sortby=-area_ha,Name&download=1&Provinces=Kratie&Name=Sok"));
    EXPECT_EQ(p.format, output_format::csv);
    ASSERT_TRUE(p.filters.bbox);
    EXPECT_EQ(*p.filters.bbox, (std::array<double, 4>{102.5, 11, 107.5, 14.5}));
    EXPECT_EQ(p.limit, 50u);
    EXPECT_EQ(p.offset, 100u);
    EXPECT_EQ(p.filters.province, "Kampong Thom");
    EXPECT_EQ(p.filters.q, "rubber");
    EXPECT_EQ(p.filters.date_from, "2010-01-01");
    EXPECT_EQ(p.filters.date_to, "2012-12-31");
    ASSERT_EQ(p.sortby.size(), 2u);
    EXPECT_EQ(p.sortby[0].field, "area_ha");
    EXPECT_TRUE(p.sortby[0].descending);
    EXPECT_EQ(p.sortby[1].field, "Name");
    EXPECT_FALSE(p.sortby[1].descending);
    EXPECT_TRUE(p.download);
    EXPECT_EQ(p.filters.properties,
              (std::vector<std::pair<std::string, std::string>>{{"Provinces", "Kratie"}, {"Name", "Sok"}}));
}

// v= (the data version a tile URL was made for, issue 14): taken by tiles,
// where it selects nothing; items refuse it as any unknown key.
TEST(parse_tile_params, v_is_the_version_and_changes_no_filter) {
    auto const tile = [](std::string_view target) {
        return value_of<tile_params>(parse_tile_params(query_of(target), queryables), target);
    };
    auto const plain = tile("/t?province=Kratie&q=rubber");
    auto const versioned = tile("/t?province=Kratie&q=rubber&v=5d15e7fbe2c85156");
    EXPECT_EQ(plain.version, "");
    EXPECT_EQ(versioned.version, "5d15e7fbe2c85156");
    EXPECT_EQ(versioned.items.filters.province, plain.items.filters.province);
    EXPECT_EQ(versioned.items.filters.q, plain.items.filters.q);
    EXPECT_TRUE(versioned.items.filters.properties.empty());
    EXPECT_EQ(tile("/t?v=abc").version, "abc");
    EXPECT_TRUE(mentions(error_of(parse_tile_params(query_of("/t?v=a&v=b"), queryables), "v twice"), "more than once"));
    EXPECT_TRUE(mentions(error_of(parse_tile_params(query_of("/t?v="), queryables), "empty v"), "needs a value"));
    EXPECT_TRUE(mentions(error_of(parse_tile_params(query_of("/t?w=1"), queryables), "w"), "lang, v"));
    EXPECT_TRUE(mentions(items_error(query_of("/collections/elc/items?v=abc")), "unknown parameter"));
}

TEST(parse_items_params, property_filter_may_be_empty) {
    // Matching an empty attribute is the handler's business, not a 400.
    auto const p = items({{"Name", ""}});
    EXPECT_EQ(p.filters.properties, (std::vector<std::pair<std::string, std::string>>{{"Name", ""}}));
}

TEST(parse_items_params, fixed_name_wins_over_a_queryable_of_the_same_name) {
    std::vector<std::string> const with_province = {"province", "Name"};
    auto const parsed = parse_items_params({{"province", "Kratie"}}, with_province);
    auto const p = value_of<items_params>(parsed, "province=Kratie");
    EXPECT_EQ(p.filters.province, "Kratie");
    EXPECT_TRUE(p.filters.properties.empty());
    // ... and is listed once among the accepted names.
    std::string const e = error_of(parse_items_params({{"x", "1"}}, with_province), "x=1");
    EXPECT_TRUE(mentions(e, "download, skipGeometry, properties, crs, lang, Name"));
    EXPECT_EQ(e.find("province"), e.rfind("province")) << e;
}

// ---- items: limit ----

TEST(parse_items_params, limit_good_values) {
    EXPECT_EQ(items({{"limit", "1"}}).limit, 1u);
    EXPECT_EQ(items({{"limit", "25"}}).limit, 25u);
    EXPECT_EQ(items({{"limit", "007"}}).limit, 7u);
    EXPECT_EQ(items({{"limit", "10000"}}).limit, 10000u);
}

TEST(parse_items_params, limit_above_the_maximum_is_clamped) {
    EXPECT_EQ(items({{"limit", "10001"}}).limit, max_limit);
    EXPECT_EQ(items({{"limit", "4294967296"}}).limit, max_limit);
    EXPECT_EQ(items({{"limit", "18446744073709551616"}}).limit, max_limit);  // SIZE_MAX + 1 on 64 bits
    EXPECT_EQ(items({{"limit", "99999999999999999999999"}}).limit, max_limit);
    EXPECT_EQ(items({{"limit", std::string(1000, '9')}}).limit, max_limit);
}

TEST(parse_items_params, limit_below_one_is_refused) {
    EXPECT_EQ(items_error({{"limit", "0"}}), "limit must be at least 1, got '0'");
    EXPECT_EQ(items_error({{"limit", "000"}}), "limit must be at least 1, got '000'");
    EXPECT_EQ(items_error({{"limit", "-1"}}), "limit must be at least 1, got '-1'");
    EXPECT_TRUE(mentions(items_error({{"limit", "-99999999999999999999999"}}), "at least 1"));
}

TEST(parse_items_params, limit_must_be_plain_decimal_digits) {
    for (std::string_view text : {"abc", "1e3", "0x10", " 5", "5 ", "+5", "1.5", "5abc", "１０", "1,000", "--1"}) {
        std::string const e = items_error({{"limit", std::string(text)}});
        EXPECT_TRUE(mentions(e, "limit must be a whole number from 1 to 10000")) << text;
    }
}

TEST(parse_items_params, limit_needs_a_value) {
    EXPECT_EQ(items_error({{"limit", ""}}), "parameter 'limit' needs a value");
    EXPECT_EQ(items_error(query_of("/x?limit")), "parameter 'limit' needs a value");
}

// ---- items: offset ----

TEST(parse_items_params, offset_good_values) {
    EXPECT_EQ(items({{"offset", "0"}}).offset, 0u);
    EXPECT_EQ(items({{"offset", "12345"}}).offset, 12345u);
    EXPECT_EQ(items({{"offset", "99999999999999999999999"}}).offset, std::numeric_limits<std::size_t>::max());
    EXPECT_EQ(items({{"offset", "18446744073709551615"}}).offset, std::numeric_limits<std::size_t>::max());
}

TEST(parse_items_params, offset_refuses_signs_and_junk) {
    for (std::string_view text : {"-1", "abc", "1e3", "0x10", " 1", "+1", "1.0"}) {
        std::string const e = items_error({{"offset", std::string(text)}});
        EXPECT_EQ(e, "offset must be a whole number, 0 or more, got '" + std::string(text) + "'");
    }
    EXPECT_EQ(items_error({{"offset", ""}}), "parameter 'offset' needs a value");
}

// ---- items: f and download ----

TEST(parse_items_params, formats_case_insensitive) {
    EXPECT_EQ(items({{"f", "json"}}).format, output_format::geojson);
    EXPECT_EQ(items({{"f", "geojson"}}).format, output_format::geojson);
    EXPECT_EQ(items({{"f", "GeoJSON"}}).format, output_format::geojson);
    EXPECT_EQ(items({{"f", "CSV"}}).format, output_format::csv);
    EXPECT_EQ(items({{"f", "kml"}}).format, output_format::kml);
    EXPECT_EQ(items({{"f", "gpkg"}}).format, output_format::gpkg);
    EXPECT_EQ(items({{"f", "Shp"}}).format, output_format::shp);
    EXPECT_EQ(items({{"f", "html"}}).format, output_format::html);
}

TEST(parse_items_params, unknown_format_lists_the_known_ones) {
    EXPECT_EQ(items_error({{"f", "xml"}}), "f must be one of json, geojson, csv, kml, gpkg, shp, html, got 'xml'");
    EXPECT_TRUE(mentions(items_error({{"f", "geojson "}}), "f must be one of"));
    EXPECT_EQ(items_error({{"f", ""}}), "parameter 'f' needs a value");
}

TEST(parse_items_params, download_flag) {
    for (std::string_view yes : {"1", "true", "yes", "TRUE", "Yes"})
        EXPECT_TRUE(items({{"download", std::string(yes)}}).download) << yes;
    for (std::string_view no : {"0", "false", "no", "FALSE"})
        EXPECT_FALSE(items({{"download", std::string(no)}}).download) << no;
    EXPECT_EQ(items_error({{"download", "maybe"}}), "download must be 1, true, yes, 0, false or no, got 'maybe'");
    EXPECT_TRUE(mentions(items_error({{"download", "2"}}), "download must be"));
    EXPECT_EQ(items_error({{"download", ""}}), "parameter 'download' needs a value");
}

// ---- items: province, q ----

TEST(parse_items_params, province_and_q_are_free_text_but_not_empty) {
    auto const p = items(query_of("/x?province=%E1%9E%80&q=Sugar%20Cane+Ltd."));
    EXPECT_EQ(p.filters.province, "\xE1\x9E\x80");
    EXPECT_EQ(p.filters.q, "Sugar Cane Ltd.");
    EXPECT_EQ(items_error({{"province", ""}}), "parameter 'province' needs a value");
    EXPECT_EQ(items_error({{"q", ""}}), "parameter 'q' needs a value");
}

TEST(parse_items_params, overlaps_names_a_collection_and_may_name_one_of_its_features) {
    auto const any = items(query_of("/x?overlaps=protected-areas")).filters.overlaps;
    ASSERT_TRUE(any);
    EXPECT_EQ(any->collection, "protected-areas");
    EXPECT_EQ(any->name, "");
    // The first colon parts them; a name may hold more.
    auto const named = items(query_of("/x?overlaps=protected-areas%3ABeng%20Per%3A%20North")).filters.overlaps;
    ASSERT_TRUE(named);
    EXPECT_EQ(named->collection, "protected-areas");
    EXPECT_EQ(named->name, "Beng Per: North");
    for (std::string const bad : {":Beng Per", "protected-areas:", ":"})
        EXPECT_TRUE(mentions(items_error({{"overlaps", bad}}), "overlaps must name a collection")) << bad;
    EXPECT_EQ(items_error({{"overlaps", ""}}), "parameter 'overlaps' needs a value");
}

// ---- items: unknown and repeated parameters ----

TEST(parse_items_params, unknown_parameter_lists_every_accepted_name) {
    EXPECT_EQ(items_error({{"foo", "1"}}),
              "unknown parameter 'foo'; accepted: f, bbox, limit, offset, province, q, datetime, intersects, as_of, "
              "overlaps, company, filter, filter-lang, filter-crs, bbox-crs, sortby, download, skipGeometry, "
              "properties, crs, lang, "
              "Name, Provinces, area_ha");
}

TEST(parse_items_params, parameter_names_are_case_sensitive) {
    EXPECT_TRUE(mentions(items_error({{"LIMIT", "5"}}), "unknown parameter 'LIMIT'"));
    EXPECT_TRUE(mentions(items_error({{"name", "Sok"}}), "unknown parameter 'name'"));
    EXPECT_TRUE(mentions(items_error({{"Bbox", "1,2,3,4"}}), "unknown parameter 'Bbox'"));
}

TEST(parse_items_params, unknown_parameter_even_after_good_ones) {
    EXPECT_TRUE(mentions(items_error({{"limit", "5"}, {"propertyName", "Name"}}), "unknown parameter 'propertyName'"));
    EXPECT_TRUE(mentions(items_error(query_of("/x?=5")), "unknown parameter ''"));
}

TEST(parse_items_params, queryables_listed_even_when_there_are_none) {
    auto const e = error_of(parse_items_params({{"foo", ""}}, {}), "foo");
    EXPECT_EQ(e,
              "unknown parameter 'foo'; accepted: f, bbox, limit, offset, province, q, datetime, intersects, as_of, "
              "overlaps, company, filter, filter-lang, filter-crs, bbox-crs, sortby, download, skipGeometry, "
              "properties, crs, lang");
}

TEST(parse_items_params, repeated_parameter_is_refused) {
    EXPECT_EQ(items_error({{"limit", "5"}, {"limit", "6"}}), "parameter 'limit' given more than once");
    EXPECT_EQ(items_error({{"limit", "5"}, {"limit", "5"}}), "parameter 'limit' given more than once");
    EXPECT_EQ(items_error(query_of("/x?bbox=102,10,108,15&q=a&bbox=102,10,108,15")),
              "parameter 'bbox' given more than once");
    EXPECT_EQ(items_error({{"Name", "a"}, {"Name", "b"}}), "parameter 'Name' given more than once");
    EXPECT_EQ(items_error({{"download", "1"}, {"download", ""}}), "parameter 'download' given more than once");
}

TEST(parse_items_params, the_first_error_wins) {
    EXPECT_EQ(items_error({{"limit", "abc"}, {"foo", "1"}}).substr(0, 5), "limit");
    EXPECT_TRUE(mentions(items_error({{"foo", "1"}, {"limit", "abc"}}), "unknown parameter 'foo'"));
}

TEST(parse_items_params, echoed_client_text_stays_valid_utf8) {
    // A JSON writer may throw on invalid UTF-8; the message must survive it.
    std::string const bad_key =
        items_error({{"a\xFF\xFE"
                      "b",
                      "1"}});
    EXPECT_TRUE(mentions(bad_key,
                         "unknown parameter 'a\xEF\xBF\xBD\xEF\xBF\xBD"
                         "b'"));
    EXPECT_TRUE(is_valid_utf8_without_controls(bad_key)) << bad_key;
    std::string const control = items_error({{"limit", "1\n2"}});
    EXPECT_TRUE(is_valid_utf8_without_controls(control)) << control;
    std::string const khmer = items_error({{"\xE1\x9E\x80", "1"}});
    EXPECT_TRUE(mentions(khmer, "'\xE1\x9E\x80'"));
    std::string const truncated = items_error({{"limit", "\xE1\x9E"}});
    EXPECT_TRUE(is_valid_utf8_without_controls(truncated)) << truncated;
    std::string const surrogate = items_error({{"limit", "\xED\xA0\x80"}});
    EXPECT_TRUE(mentions(surrogate, "got '\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD'"));
}

TEST(parse_items_params, long_client_text_is_cut_in_the_message) {
    std::string const e = items_error({{std::string(5000, 'x'), "1"}});
    EXPECT_EQ(e.find(std::string(200, 'x')), std::string::npos);  // the name is cut; the accepted names follow it
    EXPECT_LT(e.size(), 400u);
    EXPECT_TRUE(mentions(e, "...'"));
}

// ---- items: the pieces pass through ----

TEST(parse_items_params, bbox_datetime_and_sortby_errors_pass_through) {
    EXPECT_TRUE(mentions(items_error({{"bbox", "1,2,3"}}), "bbox needs 4 numbers"));
    EXPECT_TRUE(mentions(items_error({{"datetime", "2011-02-30"}}), "datetime '2011-02-30'"));
    EXPECT_TRUE(mentions(items_error({{"sortby", "nope"}}), "sortby field 'nope' is not queryable"));
    EXPECT_EQ(items_error({{"bbox", ""}}), "parameter 'bbox' needs a value");
    EXPECT_EQ(items_error({{"datetime", ""}}), "parameter 'datetime' needs a value");
    EXPECT_EQ(items_error({{"sortby", ""}}), "parameter 'sortby' needs a value");
}

TEST(parse_items_params, instant_datetime_gives_one_day) {
    auto const p = items({{"datetime", "2011-03-15T10:00:00Z"}});
    EXPECT_EQ(p.filters.date_from, "2011-03-15");
    EXPECT_EQ(p.filters.date_to, "2011-03-15");
    auto const open = items({{"datetime", "../2012-01-01"}});
    EXPECT_EQ(open.filters.date_from, std::nullopt);
    EXPECT_EQ(open.filters.date_to, "2012-01-01");
}

TEST(parse_items_params, sortby_with_an_unescaped_plus) {
    auto const p = items(query_of("/collections/elc/items?sortby=+Name,-area_ha"));
    ASSERT_EQ(p.sortby.size(), 2u);
    EXPECT_EQ(p.sortby[0].field, "Name");
    EXPECT_FALSE(p.sortby[0].descending);
    EXPECT_EQ(p.sortby[1].field, "area_ha");
    EXPECT_TRUE(p.sortby[1].descending);
}

// ---- bbox ----

TEST(parse_bbox, four_numbers) {
    EXPECT_EQ(bbox("102.3,10.4,107.7,14.7"), (std::array<double, 4>{102.3, 10.4, 107.7, 14.7}));
    EXPECT_EQ(bbox("102,10,108,15"), (std::array<double, 4>{102, 10, 108, 15}));
    EXPECT_EQ(bbox("-180,-90,180,90"), (std::array<double, 4>{-180, -90, 180, 90}));
    EXPECT_EQ(bbox("1.05e2,1e1,1.08E2,15"), (std::array<double, 4>{105, 10, 108, 15}));
    EXPECT_EQ(bbox("-0.5,-0.25,.5,0.25"), (std::array<double, 4>{-0.5, -0.25, 0.5, 0.25}));
}

TEST(parse_bbox, a_point_is_a_box) { EXPECT_EQ(bbox("104,12,104,12"), (std::array<double, 4>{104, 12, 104, 12})); }

TEST(parse_bbox, spaces_around_commas) {
    EXPECT_EQ(bbox("102.3, 10.4 ,107.7 ,  14.7"), (std::array<double, 4>{102.3, 10.4, 107.7, 14.7}));
    EXPECT_EQ(bbox(" 102,10,108,15 "), (std::array<double, 4>{102, 10, 108, 15}));
    // "bbox=102,+10,..." unescaped: the '+' arrives as a space.
    auto const p = items(query_of("/x?bbox=102,+10,108,+15"));
    ASSERT_TRUE(p.filters.bbox);
    EXPECT_EQ(*p.filters.bbox, (std::array<double, 4>{102, 10, 108, 15}));
}

TEST(parse_bbox, six_numbers_drop_the_heights) {
    EXPECT_EQ(bbox("102,10,-50,108,15,3000"), (std::array<double, 4>{102, 10, 108, 15}));
    EXPECT_EQ(bbox_error("102,10,x,108,15,3000"), "bbox minHeight 'x' is not a finite number");
    EXPECT_EQ(bbox_error("102,10,0,108,15,nan"), "bbox maxHeight 'nan' is not a finite number");
    EXPECT_EQ(bbox_error("102,10,0,200,15,10"), "bbox maxLon '200' is outside -180..180");
}

TEST(parse_bbox, wrong_count) {
    std::string const needs = "bbox needs 4 numbers: minLon,minLat,maxLon,maxLat";
    for (std::string_view text : {"102,10,108", "102,10,108,15,20", "102", "", "1,2,3,4,5,6,7", "1,2,3,4,",
                                  "102;10;108;15;1;2", "102 10 108 15"})
        EXPECT_TRUE(mentions(bbox_error(text), needs)) << text;
    EXPECT_EQ(bbox_error("102,10,108"), needs + " (got 3)");
    EXPECT_EQ(bbox_error("102,10,108,15,20"), needs + " (got 5)");
}

TEST(parse_bbox, not_finite_numbers) {
    for (std::string_view text : {"nan,10,108,15", "102,NaN,108,15", "102,10,inf,15", "102,10,108,-inf",
                                  "infinity,10,108,15", "1e999,10,108,15", "102,10,108,-1e999"})
        EXPECT_TRUE(mentions(bbox_error(text), "is not a finite number")) << text;
    EXPECT_EQ(bbox_error("nan,10,108,15"), "bbox minLon 'nan' is not a finite number");
}

TEST(parse_bbox, trailing_junk_and_empty_numbers) {
    for (std::string_view text : {"102abc,10,108,15", "102,10 11,108,15", "102,,108,15", "0x66,10,108,15",
                                  "102,10,108,15.0.0", "+102,10,108,15", "1 0 2,10,108,15"})
        EXPECT_TRUE(mentions(bbox_error(text), "is not a finite number")) << text;
    EXPECT_EQ(bbox_error("102,,108,15"), "bbox minLat '' is not a finite number");
}

TEST(parse_bbox, out_of_range) {
    EXPECT_EQ(bbox_error("181,10,182,15"), "bbox minLon '181' is outside -180..180");
    EXPECT_EQ(bbox_error("102,-91,108,15"), "bbox minLat '-91' is outside -90..90");
    EXPECT_EQ(bbox_error("102,10,108,90.0001"), "bbox maxLat '90.0001' is outside -90..90");
    EXPECT_TRUE(mentions(bbox_error("-180.5,10,108,15"), "outside -180..180"));
    // The classic lat/lon swap.
    EXPECT_TRUE(mentions(bbox_error("10,102,15,108"), "minLat '102' is outside -90..90"));
}

TEST(parse_bbox, min_greater_than_max) {
    EXPECT_EQ(bbox_error("108,10,102,15"), "bbox minLon '108' is greater than maxLon '102'");
    EXPECT_EQ(bbox_error("102,15,108,10"), "bbox minLat '15' is greater than maxLat '10'");
    EXPECT_TRUE(mentions(bbox_error("108,10,-50,102,15,50"), "minLon '108' is greater than maxLon '102'"));
}

// ---- datetime ----

TEST(parse_datetime, instant_date) {
    EXPECT_EQ(datetime("2011-03-15"), (date_range{"2011-03-15", "2011-03-15"}));
    EXPECT_EQ(datetime("2012-02-29"), (date_range{"2012-02-29", "2012-02-29"}));
    EXPECT_EQ(datetime("2000-02-29"), (date_range{"2000-02-29", "2000-02-29"}));
}

TEST(parse_datetime, instant_date_time_keeps_the_date) {
    EXPECT_EQ(datetime("2011-03-15T10:00:00Z"), (date_range{"2011-03-15", "2011-03-15"}));
    EXPECT_EQ(datetime("2011-03-15t23:59:60z"), (date_range{"2011-03-15", "2011-03-15"}));
    EXPECT_EQ(datetime("2011-03-15T10:00:00.125+07:00"), (date_range{"2011-03-15", "2011-03-15"}));
    EXPECT_EQ(datetime("2011-03-15T10:00:00-05:30"), (date_range{"2011-03-15", "2011-03-15"}));
    // "+07:00" sent unescaped arrives as " 07:00".
    EXPECT_EQ(datetime("2011-03-15T10:00:00 07:00"), (date_range{"2011-03-15", "2011-03-15"}));
}

TEST(parse_datetime, closed_interval) {
    EXPECT_EQ(datetime("2010-01-01/2012-12-31"), (date_range{"2010-01-01", "2012-12-31"}));
    EXPECT_EQ(datetime("2010-01-01T00:00:00Z/2012-12-31T23:59:59Z"), (date_range{"2010-01-01", "2012-12-31"}));
    EXPECT_EQ(datetime("2011-03-15/2011-03-15"), (date_range{"2011-03-15", "2011-03-15"}));
    // Same day, later time first: equal once the time is dropped.
    EXPECT_EQ(datetime("2011-03-15T18:00:00Z/2011-03-15T06:00:00Z"), (date_range{"2011-03-15", "2011-03-15"}));
}

TEST(parse_datetime, open_intervals) {
    EXPECT_EQ(datetime("../2012-01-01"), (date_range{std::nullopt, "2012-01-01"}));
    EXPECT_EQ(datetime("2010-01-01/.."), (date_range{"2010-01-01", std::nullopt}));
    EXPECT_EQ(datetime("/2012-01-01"), (date_range{std::nullopt, "2012-01-01"}));
    EXPECT_EQ(datetime("2010-01-01/"), (date_range{"2010-01-01", std::nullopt}));
    EXPECT_EQ(datetime("../.."), (date_range{std::nullopt, std::nullopt}));
    EXPECT_EQ(datetime("/"), (date_range{std::nullopt, std::nullopt}));
}

TEST(parse_datetime, invalid_calendar_dates) {
    for (std::string_view text : {"2011-02-30", "2011-02-29", "1900-02-29", "2011-13-01", "2011-00-10", "2011-04-31",
                                  "2011-01-00", "2011-01-32"})
        EXPECT_EQ(datetime_error(text),
                  "datetime '" + std::string(text) +
                      "' is not a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or an "
                      "interval start/end with '..' for an open end");
}

TEST(parse_datetime, junk) {
    for (std::string_view text : {"",
                                  "yesterday",
                                  "..",
                                  "2011",
                                  "2011-03",
                                  "2011-3-15",
                                  "15-03-2011",
                                  "2011-03-15x",
                                  "2011-03-15T",
                                  "2011-03-15 10:00:00Z",
                                  "2011-03-15T10:00:00",
                                  "2011-03-15T10:00Z",
                                  "2011-03-15T25:00:00Z",
                                  "2011-03-15T10:60:00Z",
                                  "2011-03-15T10:00:61Z",
                                  "2011-03-15T10:00:00.Z",
                                  "2011-03-15T10:00:00+0700",
                                  "2011-03-15T10:00:00+24:00",
                                  "20110315",
                                  "2011_03_15",
                                  " 2011-03-15",
                                  "2011-03-15 ",
                                  "+2011-03-15"})
        EXPECT_TRUE(mentions(datetime_error(text), "is not a date or date-time")) << text;
}

TEST(parse_datetime, bad_interval_ends) {
    EXPECT_EQ(datetime_error("2011-02-30/.."),
              "datetime start '2011-02-30' is not a date or date-time (RFC 3339, e.g. 2011-03-15 or "
              "2011-03-15T10:00:00Z) or '..'");
    EXPECT_TRUE(mentions(datetime_error("../soon"), "datetime end 'soon'"));
    EXPECT_TRUE(mentions(datetime_error(".../2012-01-01"), "datetime start '...'"));
    EXPECT_TRUE(mentions(datetime_error("2010-01-01/ .."), "datetime end ' ..'"));
}

TEST(parse_datetime, more_than_one_slash) {
    for (std::string_view text : {"2010-01-01/2011-01-01/2012-01-01", "2011/03/15", "//", "../../..", "2010-01-01//"})
        EXPECT_TRUE(mentions(datetime_error(text), "has more than one '/'")) << text;
}

TEST(parse_datetime, start_after_end) {
    EXPECT_EQ(datetime_error("2012-01-01/2011-12-31"),
              "datetime interval starts (2012-01-01) after it ends (2011-12-31)");
    EXPECT_TRUE(mentions(datetime_error("2012-01-02T00:00:00Z/2012-01-01T23:00:00Z"), "after it ends"));
}

// ---- sortby ----

TEST(parse_sortby, directions) {
    auto const keys = sortby("Name,-area_ha,+Provinces");
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].field, "Name");
    EXPECT_FALSE(keys[0].descending);
    EXPECT_EQ(keys[1].field, "area_ha");
    EXPECT_TRUE(keys[1].descending);
    EXPECT_EQ(keys[2].field, "Provinces");
    EXPECT_FALSE(keys[2].descending);
}

TEST(parse_sortby, plus_decoded_as_space_is_ascending) {
    auto const keys = sortby(" area_ha, Name");
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].field, "area_ha");
    EXPECT_FALSE(keys[0].descending);
    EXPECT_EQ(keys[1].field, "Name");
    EXPECT_FALSE(keys[1].descending);
}

TEST(parse_sortby, spaces_around_keys) {
    auto const keys = sortby("Name , -area_ha ");
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].field, "Name");
    EXPECT_EQ(keys[1].field, "area_ha");
    EXPECT_TRUE(keys[1].descending);
}

TEST(parse_sortby, field_must_be_queryable) {
    EXPECT_EQ(sortby_error("nope"), "sortby field 'nope' is not queryable; queryables: Name, Provinces, area_ha");
    EXPECT_TRUE(mentions(sortby_error("name"), "sortby field 'name' is not queryable"));  // case-sensitive
    EXPECT_TRUE(mentions(sortby_error("--Name"), "sortby field '-Name' is not queryable"));
    EXPECT_EQ(error_of(parse_sortby("Name", {}), "no queryables"),
              "sortby field 'Name' is not queryable; queryables: (none)");
}

TEST(parse_sortby, empty_keys) {
    for (std::string_view text : {"", " ", ",", "Name,", ",Name", "Name,,area_ha", "-", "+", "Name,-"})
        EXPECT_EQ(sortby_error(text), "sortby has an empty key; expected e.g. sortby=-area_ha,name") << text;
}

TEST(parse_sortby, field_once) {
    EXPECT_EQ(sortby_error("Name,-Name"), "sortby field 'Name' given more than once");
    EXPECT_EQ(sortby_error("area_ha,Name, area_ha"), "sortby field 'area_ha' given more than once");
}

// ---- stats ----

TEST(parse_stats_params, defaults_to_province) {
    auto const p = stats({});
    EXPECT_EQ(p.group, "province");
    EXPECT_FALSE(p.filters.bbox);
    EXPECT_TRUE(p.filters.properties.empty());
}

TEST(parse_stats_params, every_group) {
    for (std::string_view group : {"province", "company", "purpose", "nationality", "year"})
        EXPECT_EQ(stats({{"group", std::string(group)}}).group, group);
    EXPECT_EQ(stats({{"group", "Year"}}).group, "year");
}

TEST(parse_stats_params, unknown_group_lists_the_known_ones) {
    EXPECT_EQ(
        stats_error({{"group", "colour"}}),
        "group must be one of province, company, purpose, nationality, year, purpose_class, overlap, got 'colour'");
    EXPECT_EQ(stats_error({{"group", ""}}), "parameter 'group' needs a value");
}

TEST(parse_stats_params, filters_as_for_items) {
    auto const p =
        stats(query_of("/collections/elc/stats?group=company&bbox=102,10,108,15&province=Kratie&q=rubber"
                       "&datetime=2010-01-01/..&Name=Sok&f=JSON"));
    EXPECT_EQ(p.group, "company");
    ASSERT_TRUE(p.filters.bbox);
    EXPECT_EQ(*p.filters.bbox, (std::array<double, 4>{102, 10, 108, 15}));
    EXPECT_EQ(p.filters.province, "Kratie");
    EXPECT_EQ(p.filters.q, "rubber");
    EXPECT_EQ(p.filters.date_from, "2010-01-01");
    EXPECT_EQ(p.filters.date_to, std::nullopt);
    EXPECT_EQ(p.filters.properties, (std::vector<std::pair<std::string, std::string>>{{"Name", "Sok"}}));
}

TEST(parse_stats_params, json_only) {
    EXPECT_EQ(stats({{"f", "json"}}).group, "province");
    EXPECT_EQ(stats_error({{"f", "csv"}}), "f must be json for stats, got 'csv'");
    EXPECT_EQ(stats_error({{"f", "geojson"}}), "f must be json for stats, got 'geojson'");
    EXPECT_EQ(stats_error({{"f", ""}}), "parameter 'f' needs a value");
}

TEST(parse_stats_params, items_only_parameters_are_unknown) {
    EXPECT_EQ(stats_error({{"limit", "5"}}),
              "unknown parameter 'limit'; accepted: group, bbox, province, q, datetime, intersects, as_of, overlaps, "
              "company, filter, filter-lang, filter-crs, bbox-crs, f, lang, Name, Provinces, area_ha");
    EXPECT_TRUE(mentions(stats_error({{"sortby", "Name"}}), "unknown parameter 'sortby'"));
    EXPECT_TRUE(mentions(stats_error({{"download", "1"}}), "unknown parameter 'download'"));
}

TEST(parse_stats_params, errors_as_for_items) {
    EXPECT_EQ(stats_error({{"group", "year"}, {"group", "company"}}), "parameter 'group' given more than once");
    EXPECT_EQ(stats_error({{"Name", "a"}, {"Name", "a"}}), "parameter 'Name' given more than once");
    EXPECT_TRUE(mentions(stats_error({{"bbox", "nan,10,108,15"}}), "not a finite number"));
    EXPECT_TRUE(mentions(stats_error({{"datetime", "2012-01-01/2011-01-01"}}), "after it ends"));
    EXPECT_EQ(stats_error({{"province", ""}}), "parameter 'province' needs a value");
}

// --- GET /download ---------------------------------------------------------------

TEST(parse_collection_list, names_in_order_trimmed) {
    EXPECT_EQ(value_of<std::vector<std::string>>(parse_collection_list("elc,mining"), "elc,mining"),
              (std::vector<std::string>{"elc", "mining"}));
    EXPECT_EQ(value_of<std::vector<std::string>>(parse_collection_list(" kba , elc"), "kba , elc"),
              (std::vector<std::string>{"kba", "elc"}));
}

TEST(parse_collection_list, empty_names_and_repeats_are_refused_by_name) {
    EXPECT_TRUE(mentions(error_of(parse_collection_list("elc,,mining"), "elc,,mining"), "empty name"));
    EXPECT_TRUE(mentions(error_of(parse_collection_list("elc,"), "elc,"), "empty name"));
    EXPECT_TRUE(mentions(error_of(parse_collection_list("elc,mining,elc"), "elc,mining,elc"), "'elc' is listed more than once"));
}

TEST(parse_multi_download_params, collections_format_context_province_and_filters) {
    query_list const q = {{"collections", "elc,kba"}, {"f", "geojson"}, {"province", "Koh Kong"},
                          {"context_province", "true"}, {"Name", "x"}};
    auto const p = value_of<multi_download_params>(parse_multi_download_params(q, queryables), "a good query");
    EXPECT_EQ(p.collections, (std::vector<std::string>{"elc", "kba"}));
    EXPECT_EQ(p.format, output_format::geojson);
    EXPECT_TRUE(p.context_province);
    EXPECT_EQ(p.filters.province, "Koh Kong");
    ASSERT_EQ(p.filters.properties.size(), 1u);
    EXPECT_EQ(p.filters.properties[0].first, "Name");
}

TEST(parse_multi_download_params, defaults_to_one_geopackage_and_context_layers_whole) {
    auto const p = value_of<multi_download_params>(parse_multi_download_params({{"collections", "elc"}}, queryables), "collections=elc");
    EXPECT_EQ(p.format, output_format::gpkg);
    EXPECT_FALSE(p.context_province);
}

TEST(parse_multi_download_params, refusals_name_the_bad_thing) {
    auto error = [](query_list const& q) { return error_of(parse_multi_download_params(q, queryables), "a bad query"); };
    EXPECT_TRUE(mentions(error({}), "collections is required"));
    EXPECT_EQ(error({{"collections", ""}}), "parameter 'collections' needs a value");
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"f", "pdf"}}), "'pdf'"));
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"f", "html"}}), "for /download"));
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"context_province", "maybe"}}), "context_province"));
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"limit", "5"}}), "unknown parameter 'limit'"));
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"bbox", "1,2,3"}}), "bbox"));
    EXPECT_TRUE(mentions(error({{"collections", "elc"}, {"collections", "kba"}}), "more than once"));
}

}  // namespace

// --- crs= and bbox-crs= (OGC API - Features Part 2) ---------------------------------

TEST(parse_crs, every_spelling_of_a_crs_is_one_code) {
    for (std::string_view text :
         {"EPSG:32648", "epsg:32648", "[EPSG:32648]", "http://www.opengis.net/def/crs/EPSG/0/32648",
          "https://www.opengis.net/def/crs/EPSG/0/32648", "urn:ogc:def:crs:EPSG::32648",
          "urn:ogc:def:crs:EPSG:9.8.15:32648"})
        EXPECT_EQ(std::get<std::string>(server::parse_crs(text)), "EPSG:32648") << text;
    for (std::string_view text : {"CRS84", "OGC:CRS84", "[OGC:CRS84]", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                                  "urn:ogc:def:crs:OGC:1.3:CRS84"})
        EXPECT_EQ(std::get<std::string>(server::parse_crs(text)), "OGC:CRS84") << text;
    for (std::string_view text : {"", "EPSG:", "EPSG:abc", "32648", "utm48", "http://example.com/def/crs/EPSG/0/32648",
                                  "http://www.opengis.net/def/crs/EPSG/0/", "EPSG:1234567890123"}) {
        auto const parsed = server::parse_crs(text);
        ASSERT_TRUE(std::holds_alternative<server::param_error>(parsed)) << text;
        EXPECT_NE(std::get<server::param_error>(parsed).description.find("http://www.opengis.net/def/crs/EPSG/0/3148"),
                  std::string::npos);
    }
}

TEST(parse_items_params, crs_and_bbox_crs_are_read) {
    auto const p = std::get<server::items_params>(
        server::parse_items_params({{"crs", "http://www.opengis.net/def/crs/EPSG/0/4326"},
                                    {"bbox", "12.2,104.5,13,105.3"},
                                    {"bbox-crs", "EPSG:4326"}},
                                   {}));
    EXPECT_EQ(p.projection.crs, "EPSG:4326");
    // Latitude first in EPSG:4326: the box is read back as longitude, latitude.
    ASSERT_TRUE(p.filters.bbox);
    EXPECT_NEAR((*p.filters.bbox)[0], 104.5, 1e-9);
    EXPECT_NEAR((*p.filters.bbox)[1], 12.2, 1e-9);
    EXPECT_NEAR((*p.filters.bbox)[2], 105.3, 1e-9);
    EXPECT_NEAR((*p.filters.bbox)[3], 13.0, 1e-9);
    EXPECT_FALSE(p.filters.bbox_area);  // exact: no polygon needed
    // bbox-crs may come after bbox.
    auto const utm = std::get<server::items_params>(
        server::parse_items_params({{"bbox", "445000,1350000,532000,1437000"}, {"bbox-crs", "EPSG:32648"}}, {}));
    ASSERT_TRUE(utm.filters.bbox && utm.filters.bbox_area);
    EXPECT_NEAR((*utm.filters.bbox)[0], 104.49, 0.02);
    EXPECT_NEAR((*utm.filters.bbox)[3], 13.0, 0.02);
    // Out of the CRS's reach, or corners the wrong way round.
    for (auto const& [box, words] :
         std::vector<std::pair<std::string, std::string>>{{"1e12,1e12,2e12,2e12", "outside"},
                                                          {"532000,1350000,445000,1437000", "first corner"},
                                                          {"1,2,3", "4 numbers"}}) {
        auto const e = server::parse_items_params({{"bbox", box}, {"bbox-crs", "EPSG:32648"}}, {});
        ASSERT_TRUE(std::holds_alternative<server::param_error>(e)) << box;
        EXPECT_NE(std::get<server::param_error>(e).description.find(words), std::string::npos)
            << std::get<server::param_error>(e).description;
    }
}
