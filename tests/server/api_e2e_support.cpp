#include "tests/server/api_e2e_support.hpp"

#include "server/links.hpp"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace api_e2e {

fs::path elc_shp() { return test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp"; }
fs::path mining_shp() { return test::shared_data_dir() / "odc-mining/kh_mining_concessions_wgs84.shp"; }
fs::path catalog() { return test::source_dir() / "data/odc-catalog.json"; }

std::string url_encode(std::string_view s) { return server::percent_encode(s); }

std::string target_of(std::string const& href) {
    auto const scheme = href.find("://");
    if (scheme == std::string::npos) return href;
    auto const slash = href.find('/', scheme + 3);
    return slash == std::string::npos ? "/" : href.substr(slash);
}

std::string header(test::http_reply const& r, std::string const& name) {
    auto const it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
}

void write_file(fs::path const& p, std::string const& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string box_text(double min_x, double min_y, double max_x, double max_y) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.6f,%.6f,%.6f,%.6f", min_x, min_y, max_x, max_y);
    return buf;
}

std::set<long> parse_ids(std::string const& comma_separated) {
    std::set<long> ids;
    std::stringstream s(comma_separated);
    std::string item;
    while (std::getline(s, item, ','))
        if (!item.empty()) ids.insert(std::stol(item));
    return ids;
}

std::string describe(std::set<long> const& ids) {
    std::string out = "{";
    for (long id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
    return out + "}";
}

long ogr_feature_count(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    long total = -1;
    std::regex const count_line(R"(Feature Count: (\d+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), count_line), end; it != end; ++it)
        total = (total < 0 ? 0 : total) + std::stol((*it)[1]);
    return total;
}

std::map<std::string, std::string> ogr_fields(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    std::map<std::string, std::string> fields;
    std::regex const field_line(R"((?:^|\n)([A-Za-z_][A-Za-z0-9_]*): (Integer64|Integer|Real|String|Date|DateTime|Time)(List)? \()");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), field_line), end; it != end; ++it) fields[(*it)[1]] = (*it)[2];
    return fields;
}

std::string ogrinfo_text(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    return r.out;
}

std::set<long> oracle_ids(fs::path const& datasource, std::string const& sql) {
    std::set<long> ids;
    auto const rows = test::sqlite_oracle(datasource, sql);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (!rows[i].empty() && !rows[i][0].empty()) ids.insert(std::stol(rows[i][0]));
    return ids;
}

std::vector<long> oracle_id_order(fs::path const& datasource, std::string const& sql) {
    std::vector<long> ids;
    auto const rows = test::sqlite_oracle(datasource, sql);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (!rows[i].empty() && !rows[i][0].empty()) ids.push_back(std::stol(rows[i][0]));
    return ids;
}

source_layer elc_layer() {
    return {"elc", elc_shp(), "elc_complete_utm48n", "ST_Transform(ST_MakeValid(f.geometry), 4326)"};
}
source_layer mining_layer() { return {"mining", mining_shp(), "kh_mining_concessions_wgs84", "ST_MakeValid(f.geometry)"}; }

std::vector<std::set<long>> oracle_bbox_ids(source_layer const& layer, std::vector<query_box> const& boxes) {
    std::string values;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        values += (i ? "," : "") + ("(" + std::to_string(i) + "," + boxes[i].text() + ")");
    std::string const sql = "WITH boxes(id, a, b, c, d) AS (VALUES " + values +
                            "), g AS (SELECT f.rowid AS fid, " + layer.geometry + " AS geom FROM " + layer.table +
                            " f) SELECT boxes.id AS id, group_concat(g.fid) AS fids FROM boxes LEFT JOIN g ON "
                            "ST_Intersects(g.geom, BuildMbr(boxes.a, boxes.b, boxes.c, boxes.d, 4326)) GROUP BY boxes.id";
    auto const rows = test::sqlite_oracle(layer.path, sql);
    std::vector<std::set<long>> out(boxes.size());
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].size() < 2) continue;
        out.at(std::stoul(rows[i][0])) = parse_ids(rows[i][1]);
    }
    return out;
}

std::map<std::string, province_count> oracle_province_counts(fs::path const& layer) {
    test::scratch_dir dir;
    fs::path const gpkg = dir / "overlay.gpkg";
    test::overlay_geopackage(gpkg, layer);
    auto const rows = test::sqlite_oracle(
        gpkg,
        "SELECT p.PROV_NAME AS name, p.PROV_CODE AS code, count(f.src_fid) AS n FROM provinces p LEFT JOIN features f "
        "ON ST_Intersects(f.geom, p.geom) AND ST_Area(ST_Intersection(f.geom, p.geom)) >= 0.001 * ST_Area(f.geom) "
        "GROUP BY p.PROV_CODE, p.PROV_NAME");
    std::map<std::string, province_count> out;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() == 3) out[rows[i][0]] = {rows[i][1], std::stol(rows[i][2])};
    return out;
}

}  // namespace api_e2e
