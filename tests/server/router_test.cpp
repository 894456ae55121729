// parse_target and match_route on strings alone: what a browser sends, what
// a scanner sends, and the routes of DESIGN.md's HTTP API section.

#include "server/router.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using server::match_route;
using server::parse_target;
using server::query_list;
using server::route_kind;

// The decoded path, or "<rejected>" so a failure shows what came back.
std::string path_of(std::string_view raw) {
    auto const t = parse_target(raw);
    return t ? t->path : "<rejected>";
}

query_list query_of(std::string_view raw) {
    auto const t = parse_target(raw);
    if (!t) {
        ADD_FAILURE() << "rejected: " << raw;
        return {};
    }
    return t->query;
}

// ---- parse_target: good targets ----

TEST(parse_target, splits_path_and_query) {
    auto const t = parse_target("/collections/elc/items?limit=5&offset=10");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/collections/elc/items");
    EXPECT_EQ(t->query, (query_list{{"limit", "5"}, {"offset", "10"}}));
}

TEST(parse_target, root_keeps_its_slash) {
    EXPECT_EQ(path_of("/"), "/");
    auto const t = parse_target("/?f=json");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/");
    EXPECT_EQ(t->query, (query_list{{"f", "json"}}));
}

TEST(parse_target, strips_one_trailing_slash_and_collapses_nothing_else) {
    EXPECT_EQ(path_of("/collections/"), "/collections");
    EXPECT_EQ(path_of("/collections/elc/items/?limit=1"), "/collections/elc/items");
    EXPECT_EQ(path_of("/collections//"), "/collections/");
    EXPECT_EQ(path_of("/collections//elc"), "/collections//elc");
    EXPECT_EQ(path_of("//"), "/");
}

TEST(parse_target, percent_decodes_the_path_with_plus_kept_literal) {
    EXPECT_EQ(path_of("/collections/my%20layer"), "/collections/my layer");
    EXPECT_EQ(path_of("/provinces/Kampong+Thom"), "/provinces/Kampong+Thom");
    EXPECT_EQ(path_of("/provinces/%E1%9E%80"), "/provinces/\xE1\x9E\x80");  // Khmer KA, as UTF-8
    EXPECT_EQ(path_of("/assets/%61pp.js"), "/assets/app.js");
    // An escaped slash is a slash once decoded: the header promises a decoded path.
    EXPECT_EQ(path_of("/collections/a%2Fb"), "/collections/a/b");
}

TEST(parse_target, dots_inside_names_are_not_dot_segments) {
    EXPECT_EQ(path_of("/assets/app.min.js"), "/assets/app.min.js");
    EXPECT_EQ(path_of("/assets/.hidden"), "/assets/.hidden");
    EXPECT_EQ(path_of("/assets/..."), "/assets/...");
    EXPECT_EQ(path_of("/assets/..x"), "/assets/..x");
    EXPECT_EQ(path_of("/collections/elc/tiles.json"), "/collections/elc/tiles.json");
}

TEST(parse_target, decodes_query_with_plus_as_space) {
    EXPECT_EQ(query_of("/x?q=rubber+plantation&province=Kampong%20Thom&sortby=%2Bname"),
              (query_list{{"q", "rubber plantation"}, {"province", "Kampong Thom"}, {"sortby", "+name"}}));
    EXPECT_EQ(query_of("/x?sortby=+name"), (query_list{{"sortby", " name"}}));
    EXPECT_EQ(query_of("/x?Company%20Name=Yes"), (query_list{{"Company Name", "Yes"}}));
    EXPECT_EQ(query_of("/x?Company+Name=Yes+No"), (query_list{{"Company Name", "Yes No"}}));
}

TEST(parse_target, query_splits_on_the_first_equals_sign) {
    EXPECT_EQ(query_of("/x?a=b=c"), (query_list{{"a", "b=c"}}));
    EXPECT_EQ(query_of("/x?a=%3D"), (query_list{{"a", "="}}));
    EXPECT_EQ(query_of("/x?a%3Db=c"), (query_list{{"a=b", "c"}}));
}

TEST(parse_target, key_without_equals_sign_gets_empty_value) {
    EXPECT_EQ(query_of("/x?download"), (query_list{{"download", ""}}));
    EXPECT_EQ(query_of("/x?a=&b"), (query_list{{"a", ""}, {"b", ""}}));
}

TEST(parse_target, skips_empty_pieces_and_keeps_order_and_repeats) {
    EXPECT_EQ(query_of("/x?&&b=2&&a=1&"), (query_list{{"b", "2"}, {"a", "1"}}));
    // Repeats are kept: parse_items_params is the one that refuses them.
    EXPECT_EQ(query_of("/x?limit=1&limit=2"), (query_list{{"limit", "1"}, {"limit", "2"}}));
    EXPECT_EQ(query_of("/x?"), query_list{});
    EXPECT_EQ(query_of("/x?&"), query_list{});
}

TEST(parse_target, drops_a_fragment) {
    EXPECT_EQ(path_of("/conformance#top"), "/conformance");
    EXPECT_EQ(query_of("/x?limit=5#next"), (query_list{{"limit", "5"}}));
    EXPECT_EQ(query_of("/x#a?limit=5"), query_list{});  // '?' inside the fragment is not a query
    EXPECT_EQ(path_of("/collections/#x"), "/collections");
}

TEST(parse_target, does_not_limit_length) {
    std::string const long_path = "/assets/" + std::string(100'000, 'a');
    EXPECT_EQ(path_of(long_path), long_path);
    auto const t = parse_target("/x?q=" + std::string(100'000, 'b'));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->query.at(0).second.size(), 100'000u);
}

// ---- parse_target: malformed and hostile targets ----

TEST(parse_target, rejects_targets_not_starting_with_slash) {
    for (std::string_view raw : {"", "collections", "?a=1", "*", "http://example.com/collections", "#/x"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_invalid_escapes_in_path) {
    for (std::string_view raw : {"/%G1", "/a%4", "/a%", "/a%4g/b", "/%%41", "/%x"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_invalid_escapes_in_query_keys_and_values) {
    for (std::string_view raw : {"/x?q=%G1", "/x?q=%4", "/x?q=abc%", "/x?%zz=1", "/x?a%2=1", "/x?a=1&b=%"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_nul_and_control_characters_raw_or_escaped) {
    using namespace std::string_literals;
    for (std::string const& raw :
         {"/a%00b"s, "/a\0b"s, "/a%0Ab"s, "/a%0d%0aSet-Cookie:x"s, "/a%7Fb"s, "/a\x7f"s, "/a\tb"s, "/a%1F"s,
          "/x?q=%00"s, "/x?%00=1"s, "/x?q=a%0D%0Ab"s, "/x?q=\x01"s, "/x?q=%7f"s})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_plain_path_traversal) {
    for (std::string_view raw : {"/../../etc/passwd", "/assets/../x", "/assets/./x", "/assets/.", "/assets/..", "/..",
                                 "/.", "/./", "/a/../", "/collections/elc/items/..?limit=1"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_encoded_path_traversal) {
    for (std::string_view raw : {"/%2e%2e/%2e%2e/etc/passwd", "/collections/%2E%2E/x", "/assets/%2e./x",
                                 "/assets/.%2E/x", "/assets/%2e", "/a%2F..%2Fb", "/assets%2F..%2F..%2Fetc%2Fpasswd"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

TEST(parse_target, rejects_backslashes_raw_or_encoded) {
    for (std::string_view raw : {"/assets/..\\x", "/a\\b", "/assets/%5c..%5cwin.ini", "/assets/%5C"})
        EXPECT_EQ(parse_target(raw), std::nullopt) << raw;
}

// ---- match_route ----

TEST(match_route, fixed_routes) {
    struct {
        std::string_view path;
        route_kind kind;
    } const cases[] = {
        {"/", route_kind::landing},
        {"/api", route_kind::api},
        {"/conformance", route_kind::conformance},
        {"/collections", route_kind::collections},
        {"/provinces", route_kind::provinces},
        {"/companies", route_kind::companies},
        {"/healthz", route_kind::healthz},
        {"/metrics", route_kind::metrics},
        {"/download", route_kind::download},
    };
    for (auto const& c : cases) {
        auto const r = match_route(c.path);
        ASSERT_TRUE(r) << c.path;
        EXPECT_EQ(r->kind, c.kind) << c.path;
        EXPECT_EQ(r->collection, "") << c.path;
        EXPECT_EQ(r->id, "") << c.path;
    }
}

TEST(match_route, collection_routes_carry_the_collection) {
    struct {
        std::string_view path;
        route_kind kind;
    } const cases[] = {
        {"/collections/elc", route_kind::collection},          {"/collections/elc/queryables", route_kind::queryables},
        {"/collections/elc/items", route_kind::items},         {"/collections/elc/stats", route_kind::stats},
        {"/collections/elc/tiles.json", route_kind::tilejson}, {"/collections/elc/timeline", route_kind::timeline},
    };
    for (auto const& c : cases) {
        auto const r = match_route(c.path);
        ASSERT_TRUE(r) << c.path;
        EXPECT_EQ(r->kind, c.kind) << c.path;
        EXPECT_EQ(r->collection, "elc") << c.path;
        EXPECT_EQ(r->id, "") << c.path;
    }
}

TEST(match_route, collection_names_are_just_names) {
    auto const r = match_route("/collections/items");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, route_kind::collection);
    EXPECT_EQ(r->collection, "items");
    auto const spaced = match_route("/collections/mining licences");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->collection, "mining licences");
}

TEST(match_route, routes_with_an_id_carry_it_as_given) {
    struct {
        std::string_view path;
        route_kind kind;
        std::string_view collection, id;
    } const cases[] = {
        {"/collections/elc/overlaps/protected-areas", route_kind::overlaps, "elc", "protected-areas"},
        {"/collections/elc/items/elc-0042", route_kind::item, "elc", "elc-0042"},
        {"/provinces/Kampong Thom", route_kind::province, "", "Kampong Thom"},
        {"/companies/Angkor Sugar Co., Ltd (Region 1)", route_kind::company, "", "Angkor Sugar Co., Ltd (Region 1)"},
    };
    for (auto const& c : cases) {
        auto const r = match_route(c.path);
        ASSERT_TRUE(r) << c.path;
        EXPECT_EQ(r->kind, c.kind) << c.path;
        EXPECT_EQ(r->collection, c.collection) << c.path;
        EXPECT_EQ(r->id, c.id) << c.path;
    }
    for (std::string_view path : {"/collections/elc/overlaps", "/collections/elc/overlaps/protected-areas/1",
                                  "/companies/angkor-sugar/records", "/companies/"})
        EXPECT_EQ(match_route(path), std::nullopt) << path;
}

TEST(match_route, tile_keeps_z_x_y_as_given_and_the_extension) {
    auto const r = match_route("/collections/elc/tiles/7/101/60.mvt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, route_kind::tile);
    EXPECT_EQ(r->collection, "elc");
    EXPECT_EQ(r->z, "7");
    EXPECT_EQ(r->x, "101");
    EXPECT_EQ(r->y, "60");
    EXPECT_EQ(r->extension, "mvt");

    auto const g = match_route("/collections/elc/tiles/12/3240/1930.geojson");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->y, "1930");
    EXPECT_EQ(g->extension, "geojson");

    // Not validated here: the handler checks numbers and the zoom range.
    auto const odd = match_route("/collections/elc/tiles/-1/abc/1.5.png");
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->z, "-1");
    EXPECT_EQ(odd->x, "abc");
    EXPECT_EQ(odd->y, "1.5");  // split at the last '.'
    EXPECT_EQ(odd->extension, "png");
}

TEST(match_route, tile_needs_a_dot_and_every_part) {
    for (std::string_view path :
         {"/collections/elc/tiles/7/101/60", "/collections/elc/tiles/7/101/.mvt", "/collections/elc/tiles/7/101/60.",
          "/collections/elc/tiles//101/60.mvt", "/collections/elc/tiles/7//60.mvt", "/collections//tiles/7/101/60.mvt",
          "/collections/elc/tiles/7/101", "/collections/elc/tiles/7/101/60.mvt/x", "/collections/elc/tile/7/101/60.mvt",
          "/collections/elc/tiles"})
        EXPECT_EQ(match_route(path), std::nullopt) << path;
}

TEST(match_route, asset_keeps_its_slashes) {
    auto const r = match_route("/assets/app.js");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, route_kind::asset);
    EXPECT_EQ(r->id, "app.js");
    auto const nested = match_route("/assets/vendor/leaflet/leaflet.css");
    ASSERT_TRUE(nested);
    EXPECT_EQ(nested->kind, route_kind::asset);
    EXPECT_EQ(nested->id, "vendor/leaflet/leaflet.css");
}

TEST(match_route, asset_needs_a_path) {
    for (std::string_view path : {"/assets", "/assets/", "/assets//", "/assets/js//map.js", "/assetsx/app.js"})
        EXPECT_EQ(match_route(path), std::nullopt) << path;
}

TEST(match_route, segments_must_be_non_empty) {
    for (std::string_view path : {"/collections//items", "/collections/", "/collections//", "/provinces/",
                                  "/collections/elc/items/", "//", "/collections/elc//items", "//api"})
        EXPECT_EQ(match_route(path), std::nullopt) << path;
}

TEST(match_route, anything_else_is_not_found) {
    for (std::string_view path :
         {"", "api", "/api.json", "/api/", "/openapi", "/Collections", "/API", "/index.html", "/healthz/x",
          "/metrics/x", "/conformance/x", "/download/elc", "/Download", "/collections/elc/items/1/extra", "/collections/elc/unknown",
          "/collections/elc/tiles.json/x", "/collections/elc/queryables/x", "/collections/elc/stats/x",
          "/provinces/a/b", "/collections/elc/a/b/c/d/e", "/x"})
        EXPECT_EQ(match_route(path), std::nullopt) << path;
}

TEST(match_route, follows_parse_target) {
    auto const t = parse_target("/collections/elc/items/?limit=5");
    ASSERT_TRUE(t);
    auto const r = match_route(t->path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, route_kind::items);
    EXPECT_EQ(r->collection, "elc");

    auto const encoded = parse_target("/collections/%65lc/items/a%20b");
    ASSERT_TRUE(encoded);
    auto const item = match_route(encoded->path);
    ASSERT_TRUE(item);
    EXPECT_EQ(item->kind, route_kind::item);
    EXPECT_EQ(item->collection, "elc");
    EXPECT_EQ(item->id, "a b");
}

TEST(match_route, download_of_several_collections_keeps_its_query) {
    auto const t = parse_target("/download/?collections=elc,mining&f=gpkg&province=Koh+Kong");
    ASSERT_TRUE(t);
    auto const r = match_route(t->path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, route_kind::download);
    EXPECT_EQ(r->collection, "");
    EXPECT_EQ(t->query, (query_list{{"collections", "elc,mining"}, {"f", "gpkg"}, {"province", "Koh Kong"}}));
    EXPECT_STREQ(metrics_label(r->kind), "download");
}

}  // namespace
