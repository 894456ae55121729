#include "geo/vector_reader.hpp"

#include "geo/area.hpp"
#include "geo/gdal_handles.hpp"
#include "geo/projection.hpp"
#include "geo/simple_ring.hpp"
#include "geo/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <string_view>
#include <thread>

namespace geo {

namespace fs = std::filesystem;
using gdal::dataset_ptr;
using gdal::error_capture;

namespace {

struct open_result {
    dataset_ptr dataset;
    std::string error;
};

open_result open_vector(std::string const& path, source_options const& options) {
    error_capture errors;
    CPLStringList open_options;
    std::string const ext = fs::path(path).extension().string();
    bool const is_shapefile = ext == ".shp" || ext == ".SHP" || ext == ".dbf";
    if (!options.encoding.empty() && is_shapefile) open_options.SetNameValue("ENCODING", options.encoding.c_str());
    auto* ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options.List(), nullptr);
    open_result result{dataset_ptr(ds), {}};
    if (!ds) {
        std::string why = errors.failures.empty() ? "GDAL recognises no vector format in it" : errors.failures.front();
        if (why.find(".shx") != std::string::npos)
            why += " (the .shx index is missing or unreadable: copy it from the original set, or rebuild it with "
                   "`ogr2ogr --config SHAPE_RESTORE_SHX YES fixed.shp " + path + "`)";
        result.error = why;
    }
    return result;
}

// libpq's messages run over several lines ("...failed: Connection
// refused\n\tIs the server running..."); a failure is reported on one.
std::string one_line(std::string const& text) {
    std::string out;
    for (char ch : text) {
        bool const blank = std::isspace(static_cast<unsigned char>(ch));
        if (blank && (out.empty() || out.back() == ' ')) continue;
        out += blank ? ' ' : ch;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string describe_crs(OGRSpatialReference const& srs) {
    OGRSpatialReference copy(srs);
    char const* auth = copy.GetAuthorityName(nullptr);
    if (!auth) {
        copy.AutoIdentifyEPSG();
        auth = copy.GetAuthorityName(nullptr);
    }
    if (auth && copy.GetAuthorityCode(nullptr)) return std::string(auth) + ":" + copy.GetAuthorityCode(nullptr);
    char* wkt = nullptr;
    char const* const wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
    copy.exportToWkt(&wkt, wkt_options);
    gdal::cpl_string_ptr const owned(wkt);
    return wkt ? wkt : "";
}

field_type to_field_type(OGRFieldType t) {
    switch (t) {
        case OFTInteger:
        case OFTInteger64: return field_type::integer;
        case OFTReal: return field_type::real;
        case OFTDate: return field_type::date;
        case OFTDateTime: return field_type::datetime;
        default: return field_type::string;
    }
}

// --- geometry conversion -------------------------------------------------

void read_curve(OGRSimpleCurve const& curve, std::vector<point>& out) {
    out.resize(static_cast<std::size_t>(curve.getNumPoints()));
    // OGRRawPoint and geo::point are both {double x, y}.
    static_assert(sizeof(OGRRawPoint) == sizeof(point));
    if (!out.empty()) curve.getPoints(reinterpret_cast<OGRRawPoint*>(out.data()), nullptr);
}

void add_polygon(OGRPolygon const& poly, geometry& g) {
    if (poly.IsEmpty()) return;
    polygon p;
    for (auto const* r : poly) {
        ring pts;
        read_curve(*r, pts);
        if (pts.empty()) continue;
        if (!(pts.front() == pts.back())) pts.push_back(pts.front());
        p.rings.push_back(std::move(pts));
    }
    if (!p.rings.empty()) g.polygons.push_back(std::move(p));
}

void add_parts(OGRGeometry const& og, geometry& g) {
    switch (wkbFlatten(og.getGeometryType())) {
        case wkbPoint: {
            auto const& p = *og.toPoint();
            if (!p.IsEmpty()) g.points.push_back({p.getX(), p.getY()});
            break;
        }
        case wkbLineString: {
            line_string l;
            read_curve(*og.toLineString(), l);
            if (!l.empty()) g.lines.push_back(std::move(l));
            break;
        }
        case wkbPolygon: add_polygon(*og.toPolygon(), g); break;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (auto const* part : *og.toGeometryCollection()) add_parts(*part, g);
            break;
        default: {
            // Curves, TINs, polyhedral surfaces: take their linear form.
            gdal::geometry_ptr const linear(og.getLinearGeometry());
            if (linear && wkbFlatten(linear->getGeometryType()) != wkbFlatten(og.getGeometryType()))
                add_parts(*linear, g);
        }
    }
}

geometry to_geometry(OGRGeometry const& og) {
    geometry g;
    add_parts(og, g);
    // A collection keeps its highest-dimension parts, as MakeValid's
    // polygon-plus-stray-line results need; "multi" only when the source
    // said so or there really are several parts.
    auto const source = wkbFlatten(og.getGeometryType());
    if (!g.polygons.empty()) {
        g.points.clear();
        g.lines.clear();
        bool const single = g.polygons.size() == 1 && source != wkbMultiPolygon && source != wkbMultiSurface;
        g.type = single ? geometry_type::polygon : geometry_type::multi_polygon;
    } else if (!g.lines.empty()) {
        g.points.clear();
        bool const single = g.lines.size() == 1 && source != wkbMultiLineString && source != wkbMultiCurve;
        g.type = single ? geometry_type::line_string : geometry_type::multi_line_string;
    } else if (!g.points.empty()) {
        bool const single = g.points.size() == 1 && source != wkbMultiPoint;
        g.type = single ? geometry_type::point : geometry_type::multi_point;
    }
    return g;
}

// GDAL opens a shapefile whose .dbf it cannot parse (empty, truncated, not
// dBASE) as geometry only, silently dropping every attribute; refuse that, and
// warn when the .dbf is missing altogether.
void check_attribute_table(std::string const& path, OGRLayer& layer, std::string const& where, load_report& report) {
    fs::path const base = fs::is_directory(path) ? fs::path(path) / layer.GetName() : fs::path(path);
    std::string const ext = base.extension().string();
    if (ext != ".shp" && ext != ".SHP") return;
    std::string dbf;
    for (char const* candidate : {".dbf", ".DBF"}) {
        fs::path p = base;
        if (fs::exists(p.replace_extension(candidate))) dbf = p.string();
    }
    if (dbf.empty()) {
        report.warnings.push_back("no .dbf beside the .shp: the features have no attributes");
        return;
    }
    if (layer.GetLayerDefn()->GetFieldCount() > 0) return;
    // A table with no fields is legal, if odd: its header (32 bytes, then 32
    // per field and a terminator) is under 64 bytes long, as bytes 8-9 say.
    // https://www.dbase.com/Knowledgebase/INT/db7_file_fmt.htm
    unsigned char header[32] = {};
    std::ifstream in(dbf, std::ios::binary);
    bool const has_header = static_cast<bool>(in.read(reinterpret_cast<char*>(header), sizeof header));
    unsigned const header_length = header[8] | header[9] << 8;
    if (!has_header || header_length < 32 || header_length >= 64)
        throw load_error(where + ": its attribute table " + dbf +
                         " cannot be read: it is empty, truncated or not a dBASE file; restore the .dbf from the "
                         "original set");
}

bool is_polygonal(OGRGeometry const& og) {
    auto const t = wkbFlatten(og.getGeometryType());
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}

// --- reading features ------------------------------------------------------

struct layer_plan {
    std::string path;
    int layer_index = 0;
    std::string crs;  // definition handed to PROJ
    std::vector<field> fields;
    std::vector<OGRFieldType> ogr_types;
};

struct chunk_result {
    std::vector<feature> features;
    load_report report;
    std::vector<std::string> failures;
    std::size_t wanted = 0;
};

value read_value(OGRFeature const& f, int i, OGRFieldType type, load_report& report) {
    if (!f.IsFieldSetAndNotNull(i)) return std::monostate{};
    switch (type) {
        case OFTInteger:
        case OFTInteger64: return static_cast<std::int64_t>(f.GetFieldAsInteger64(i));
        case OFTReal: return f.GetFieldAsDouble(i);
        case OFTDate:
        case OFTDateTime: {
            int y, m, d, hh, mm, tz;
            float ss;
            if (!f.GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz)) return std::monostate{};
            char buf[40];
            if (type == OFTDate)
                std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
            else
                std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, static_cast<int>(ss));
            return std::string(buf);
        }
        default: {
            std::string s = f.GetFieldAsString(i);
            if (!is_valid_utf8(s)) {
                ++report.recoded_text_values;
                s = windows1252_to_utf8(s);
            }
            return s;
        }
    }
}

// Reads features [begin, end) of `shared`, or of the layer at
// plan.layer_index in a dataset of its own when `shared` is null (a thread
// of a parallel read). end == INT64_MAX: to the last one.
void read_chunk(layer_plan const& plan, OGRLayer* shared, source_options const& options, std::int64_t begin,
                std::int64_t end, chunk_result& out) {
    error_capture errors;
    out.wanted = static_cast<std::size_t>(end - begin);
    try {
        dataset_ptr own;
        OGRLayer* layer = shared;
        if (!layer) {
            auto opened = open_vector(plan.path, options);
            if (!opened.dataset) throw load_error(opened.error);
            own = std::move(opened.dataset);
            layer = own->GetLayer(plan.layer_index);
        }
        lonlat_transform const transform(plan.crs);
        layer->ResetReading();
        if (begin > 0 && layer->SetNextByIndex(begin) != OGRERR_NONE) throw load_error("cannot seek to feature " + std::to_string(begin));
        if (end != INT64_MAX) out.features.reserve(out.wanted);
        for (std::int64_t n = begin; n < end; ++n) {
            gdal::feature_ptr const f(layer->GetNextFeature());
            if (!f) break;
            feature ft;
            ft.id = f->GetFID() == OGRNullFID ? n : f->GetFID();
            geometry geom;  // kept compactly (ft.geom) once reprojected and measured
            try {
                OGRGeometry const* og = f->GetGeometryRef();
                if (og && !og->IsEmpty()) {
                    geom = to_geometry(*og);
                    ++out.report.geometry_types[to_string(geom.type)];
                    std::size_t const warnings_before = errors.warnings.size();
                    if (is_polygonal(*og) && !certainly_valid(geom) && !og->IsValid()) {
                        // GEOS says why through a GDAL warning; report it with the feature.
                        std::string why = errors.warnings.size() > warnings_before ? errors.warnings.back() : "invalid";
                        errors.warnings.resize(warnings_before);
                        gdal::geometry_ptr const fixed(og->MakeValid());
                        if (fixed && !fixed->IsEmpty()) {
                            geom = to_geometry(*fixed);
                            ft.repaired = true;
                            ++out.report.repaired;
                            note_example(out.report.repaired_ids, ft.id);
                            out.report.warnings.push_back("feature " + std::to_string(ft.id) + ": " + why +
                                                          " (source coordinates); repaired with MakeValid");
                        } else {
                            out.report.warnings.push_back("feature " + std::to_string(ft.id) + ": " + why +
                                                          "; MakeValid could not repair it, kept as given");
                        }
                    }
                }
                if (geom.empty()) {
                    geom = geometry{};
                    ++out.report.null_geometries;
                    note_example(out.report.null_geometry_ids, ft.id);
                }
                for (auto& l : geom.lines) transform.transform(l);
                for (auto& p : geom.polygons)
                    for (auto& r : p.rings) transform.transform(r);
                transform.transform(geom.points);
                ft.bbox = bounds(geom);
            } catch (std::exception const& e) {
                throw load_error("feature " + std::to_string(ft.id) + ": " + e.what());
            }
            // PROJ passes metres through untouched when told they are degrees
            // (`--crs EPSG:4326` on a UTM layer), so check the result is on Earth.
            auto const& b = ft.bbox;
            if (b.valid() && (b.min_x < -360 || b.max_x > 360 || b.min_y < -90.000001 || b.max_y > 90.000001))
                throw load_error("feature " + std::to_string(ft.id) + ": its coordinates are not longitude/latitude "
                                 "once read as " + plan.crs + " (" + std::to_string(b.min_x) + ", " +
                                 std::to_string(b.min_y) + " .. " + std::to_string(b.max_x) + ", " +
                                 std::to_string(b.max_y) + "): the CRS is wrong; give the right one with --crs "
                                 "EPSG:NNNN (EPSG:32648 for UTM zone 48N)");
            ft.area_ha = area_ha(geom);
            try {
                ft.geom = compact_geometry(geom);
            } catch (std::exception const& e) {
                throw load_error("feature " + std::to_string(ft.id) + ": " + e.what());
            }
            ft.properties.reserve(plan.fields.size());
            std::size_t const recoded_before = out.report.recoded_text_values;
            for (std::size_t i = 0; i < plan.fields.size(); ++i)
                ft.properties.push_back(read_value(*f, static_cast<int>(i), plan.ogr_types[i], out.report));
            if (out.report.recoded_text_values != recoded_before) {
                ++out.report.recoded_features;
                note_example(out.report.recoded_ids, ft.id);
            }
            out.features.push_back(std::move(ft));
        }
    } catch (std::exception const& e) {
        out.failures.emplace_back(e.what());
    }
    for (auto& f : errors.failures) out.failures.push_back(std::move(f));
    for (auto& w : errors.warnings) out.report.warnings.push_back(std::move(w));
}

void merge(load_report& into, load_report&& from) {
    into.repaired += from.repaired;
    into.null_geometries += from.null_geometries;
    into.recoded_text_values += from.recoded_text_values;
    into.recoded_features += from.recoded_features;
    for (auto const& [type, n] : from.geometry_types) into.geometry_types[type] += n;
    for (auto& w : from.warnings) into.warnings.push_back(std::move(w));
    for (auto id : from.repaired_ids) note_example(into.repaired_ids, id);
    for (auto id : from.null_geometry_ids) note_example(into.null_geometry_ids, id);
    for (auto id : from.recoded_ids) note_example(into.recoded_ids, id);
}

// `layer_index` is the layer's place in `ds`, for a parallel read to find
// it again; -1 for a layer that has none (a query's result).
collection read_layer(std::string const& path, GDALDataset& ds, OGRLayer* layer, int layer_index,
                      source_options const& options) {
    bool const database = is_database_source(path);
    collection c;
    c.source = source_label(path);
    c.layer_name = layer->GetName();
    c.driver = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
    std::string const where = gdal::context{c.source, c.layer_name, {}}.str();

    layer_plan plan;
    plan.path = path;
    plan.layer_index = layer_index;
    if (!options.crs.empty()) {
        plan.crs = options.crs;
    } else if (auto const* srs = layer->GetSpatialRef()) {
        plan.crs = describe_crs(*srs);
    } else {
        throw load_error(where + ": declares no coordinate reference system (a shapefile needs its .prj); supply one "
                         "with --crs EPSG:NNNN on the command line (EPSG:4326 for longitude/latitude, EPSG:32648 for "
                         "UTM zone 48N), or \"crs\" for this collection in the catalog");
    }
    try {
        lonlat_transform const probe(plan.crs);  // fail early, once, with the file named
        c.source_crs = plan.crs.rfind("EPSG:", 0) == 0 || plan.crs.size() < 40 ? plan.crs : probe.source_name();
    } catch (projection_error const& e) {
        throw load_error(where + ": " + e.what());
    }

    if (c.driver == "ESRI Shapefile") check_attribute_table(path, *layer, where, c.report);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* fd = defn->GetFieldDefn(i);
        plan.fields.push_back({fd->GetNameRef(), to_field_type(fd->GetType())});
        plan.ogr_types.push_back(fd->GetType());
    }
    c.fields = plan.fields;
    if (database && !*layer->GetFIDColumn())
        c.report.warnings.push_back(
            "no integer primary key: ids are row numbers, which change when rows are deleted; give the table an "
            "integer primary key (OGR takes it as the id), or with \"sql\" select the key AS ogc_fid");

    // A database is read to its last row, counted or not: rows come and go
    // between a count and the read, and counting costs a scan.
    std::int64_t const count = database ? -1 : layer->GetFeatureCount(TRUE);
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    // Parallel reading opens the source once per thread, which only pays
    // for large layers in drivers with cheap random access.
    bool const parallel = count >= 20'000 && threads > 1 && layer_index >= 0 &&
                          layer->TestCapability(OLCFastSetNextByIndex) && c.driver == "ESRI Shapefile";
    if (!parallel) threads = 1;

    std::vector<chunk_result> chunks(threads);
    if (threads == 1) {
        read_chunk(plan, layer, options, 0, count < 0 ? INT64_MAX : count, chunks[0]);
    } else {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t) {
            std::int64_t const b = count * t / threads;
            std::int64_t const e = count * (t + 1) / threads;
            pool.emplace_back([&, t, b, e] { read_chunk(plan, nullptr, options, b, e, chunks[t]); });
        }
        for (auto& th : pool) th.join();
    }

    std::size_t total = 0;
    for (auto const& ch : chunks) total += ch.features.size();
    c.features.reserve(total);
    for (auto& ch : chunks) {
        if (!ch.failures.empty()) {
            // shapelib's words for a short or garbled .shp or .dbf; say what they mean.
            std::string const& first = ch.failures.front();
            auto const says = [&](char const* words) { return first.find(words) != std::string::npos; };
            char const* damaged = says("from .shp file") || says("Corrupted .shp file") ? ".shp"
                                  : says("DBF file")                                     ? ".dbf"
                                                                                         : nullptr;
            if (damaged)
                throw load_error(where + ": the " + damaged + " file is truncated or corrupt: GDAL cannot read all of it (" +
                                 first + "); restore the file from the original set");
            throw load_error(where + ": cannot read it: " + first);
        }
        if (count >= 0 && ch.features.size() < ch.wanted)
            throw load_error(where + ": the file is truncated or corrupt: read " + std::to_string(ch.features.size()) +
                             " of the " + std::to_string(ch.wanted) + " features its index announces");
        for (auto& f : ch.features) {
            c.extent.expand(f.bbox);
            c.features.push_back(std::move(f));
        }
        merge(c.report, std::move(ch.report));
    }
    if (c.features.empty()) c.report.warnings.push_back("the layer has no features");
    return c;
}

bool is_vector_extension(std::string ext) {
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    static std::set<std::string> const known = {".shp", ".geojson", ".json", ".topojson", ".gpkg", ".kml", ".fgb",
                                                ".gml", ".sqlite", ".tab", ".mif", ".gpx", ".geojsonl", ".geojsons"};
    return known.count(ext) > 0;
}

}  // namespace

std::vector<fs::path> list_vector_files(fs::path const& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto const& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && is_vector_extension(entry.path().extension().string())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

namespace {
// iconv (through GDAL) silently passes text through when it does not know
// an encoding; catch the name before it costs the user their attributes.
void check_encoding(std::string const& path, std::string const& encoding) {
    if (encoding.empty()) return;
    error_capture errors;
    gdal::cpl_string_ptr const recoded(CPLRecode("a", encoding.c_str(), CPL_ENC_UTF8));
    if (!errors.failures.empty() || !errors.warnings.empty())
        throw load_error(path + ": unknown text encoding '" + encoding + "' (try CP1252, LATIN1, UTF-8 or another name `iconv -l` lists)");
}
}  // namespace

bool is_database_source(std::string const& source) {
    return source.size() >= 3 && std::toupper(static_cast<unsigned char>(source[0])) == 'P' &&
           std::toupper(static_cast<unsigned char>(source[1])) == 'G' && source[2] == ':';
}

namespace {
// "password=secret" or "password = 'sec ret'" in libpq's key = value form
// (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING).
std::string without_password_keyword(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    auto const space = [&](std::size_t at) {
        return at < text.size() && std::isspace(static_cast<unsigned char>(text[at]));
    };
    while (i < text.size()) {
        while (space(i)) out += text[i++];
        std::size_t const key_start = i;
        while (i < text.size() && !space(i) && text[i] != '=') ++i;
        std::string_view const key = text.substr(key_start, i - key_start);
        out += key;
        while (space(i)) out += text[i++];
        if (i >= text.size() || text[i] != '=') continue;
        out += text[i++];
        while (space(i)) out += text[i++];
        std::size_t const value_start = i;
        if (i < text.size() && text[i] == '\'') {
            for (++i; i < text.size() && text[i] != '\''; ++i)
                if (text[i] == '\\') ++i;
            ++i;
        } else {
            while (i < text.size() && !space(i)) ++i;
        }
        i = std::min(i, text.size());
        out += key == "password" ? std::string_view("***") : text.substr(value_start, i - value_start);
    }
    return out;
}

// postgresql://user:secret@host/db?password=secret
std::string without_password_uri(std::string_view text) {
    std::string out(text);
    std::size_t const authority = out.find("://") + 3;
    std::size_t const authority_end = std::min(out.find_first_of("/?", authority), out.size());
    std::size_t const at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
        std::size_t const colon = out.find(':', authority);
        if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    for (std::size_t p = out.find("password=", authority); p != std::string::npos; p = out.find("password=", p + 1)) {
        if (out[p - 1] != '?' && out[p - 1] != '&') continue;
        std::size_t const value = p + 9;
        out.replace(value, std::min(out.find('&', value), out.size()) - value, "***");
    }
    return out;
}
}  // namespace

std::string source_label(std::string const& source) {
    if (!is_database_source(source)) return source;
    std::string_view const rest = std::string_view(source).substr(3);
    bool const uri = rest.rfind("postgresql://", 0) == 0 || rest.rfind("postgres://", 0) == 0;
    return source.substr(0, 3) + (uri ? without_password_uri(rest) : without_password_keyword(rest));
}

namespace {
// "a.b" -> "a"."b": a layer name as OGR's PostgreSQL driver gives it
// (schema-qualified outside the search path), quoted for SQL.
std::string quote_identifier(std::string const& name) {
    std::string out = "\"";
    for (char ch : name) out += ch == '"' ? "\"\"" : ch == '.' ? "\".\"" : std::string(1, ch);
    return out + "\"";
}

std::string quote_literal(std::string const& text) {
    std::string out = "'";
    for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
    return out + "'";
}

// The rows `sql` gives, fields joined by '|', rows ended by '\n'.
std::string rows_of(GDALDataset& ds, std::string const& sql, std::string const& label, error_capture const& errors) {
    std::size_t const failures_before = errors.failures.size();
    gdal::result_set const result(ds, ds.ExecuteSQL(sql.c_str(), nullptr, nullptr));
    if (!result) {
        if (errors.failures.size() == failures_before) return {};  // no rows
        throw load_error(label + ": the version query fails: " + one_line(errors.last_failure()) + " (query: " + sql +
                         ")");
    }
    std::string out;
    for (gdal::feature_ptr f(result.get()->GetNextFeature()); f; f.reset(result.get()->GetNextFeature())) {
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            if (i > 0) out += '|';
            out += f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "null";
        }
        out += '\n';
    }
    return out;
}

// Rows themselves, hashed in the database: for what has no row versions.
std::string content_version_query(std::string const& from) {
    return "SELECT count(*)::text, coalesce(sum(hashtext(q::text)), 0)::text FROM " + from + " q";
}

// The default version of a table is count(*) and the sum of a hash of each
// row version's (xmin, ctid): an INSERT adds a hash, a DELETE takes one away
// (and changes the count), an UPDATE writes a new row version (new xmin, new
// place), so every committed change shows at once and a rolled-back one does
// not. It reads system columns only, never the TOASTed geometry: one scan of
// the heap, 0.2 ms for the 225 ELC rows and 40 ms for 45,000 of them, where
// hashing the rows themselves takes 2.2 s. It is the same on every physical
// replica (same heap, same xids), so replicas of this server agree on ETags.
// Not pg_stat_user_tables' n_tup_ins/n_tup_upd/n_tup_del: PostgreSQL 15
// publishes a backend's counts only when it goes idle (an UPDATE here showed
// 4 s late, behind a session that stayed in a transaction), a standby does
// not count replayed changes at all, and the counters reset. Not max(xmin)
// alone: xids are 32 bits and wrap around, after which updates fall below
// the maximum. Views, foreign tables and "sql" sources have no row versions:
// their rows are hashed, reading everything, so give them a "version_sql".
std::string table_version(GDALDataset& ds, std::string const& table, std::string const& label,
                          error_capture const& errors) {
    std::string const name = quote_identifier(table);
    std::string const kind_query =
        "SELECT coalesce((SELECT relkind::text FROM pg_class WHERE oid = to_regclass(" + quote_literal(name) + ")), '')";
    std::string const kind = rows_of(ds, kind_query, label, errors);
    if (kind.empty() || kind == "\n") throw load_error(label + ": has no table or view named '" + table + "'");
    // Tables, partitioned tables, materialized views.
    bool const has_row_versions = kind == "r\n" || kind == "p\n" || kind == "m\n";
    std::string const row_versions_query =
        "SELECT count(*)::text, coalesce(sum(hashtext(xmin::text || ',' || ctid::text)), 0)::text FROM " + name;
    return rows_of(ds, has_row_versions ? row_versions_query : content_version_query(name), label, errors);
}

std::string without_trailing_semicolons(std::string sql) {
    while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
    return sql;
}
}  // namespace

std::string database_version(std::string const& source, source_options const& options, std::string const& version_sql) {
    gdal::register_drivers();
    std::string const label = source_label(source);
    auto opened = open_vector(source, options);
    if (!opened.dataset) throw load_error(label + ": cannot open it: " + one_line(opened.error));
    GDALDataset& ds = *opened.dataset;
    error_capture errors;
    if (!version_sql.empty()) return rows_of(ds, version_sql, label, errors);
    if (!options.sql.empty())
        return rows_of(ds, content_version_query("(" + without_trailing_semicolons(options.sql) + ")"), label, errors);
    std::vector<std::string> tables;
    if (!options.layer.empty()) {
        tables.push_back(options.layer);
    } else {
        for (int i = 0; i < ds.GetLayerCount(); ++i) tables.emplace_back(ds.GetLayer(i)->GetName());
    }
    std::string out;
    for (auto const& table : tables) out += table + ": " + table_version(ds, table, label, errors);
    return out;
}

std::vector<collection> read_vector_source(std::string const& path, source_options const& options) {
    gdal::register_drivers();
    std::string const label = source_label(path);
    check_encoding(label, options.encoding);
    bool const database = is_database_source(path);
    bool const looks_like_file = !database && (path.find(':') == std::string::npos || fs::exists(path));
    if (looks_like_file && !fs::exists(path)) throw load_error(path + ": no such file or directory");
    auto opened = open_vector(path, options);
    if (!opened.dataset)
        throw load_error(label + ": cannot open it: " + (database ? one_line(opened.error) : opened.error));
    GDALDataset& ds = *opened.dataset;
    std::vector<collection> out;
    if (!options.sql.empty()) {
        OGRLayer* rows = nullptr;
        {
            error_capture errors;
            rows = ds.ExecuteSQL(options.sql.c_str(), nullptr, nullptr);
            if (!rows) throw load_error(label + ": its query fails: " + one_line(errors.last_failure()));
        }
        gdal::result_set const result(ds, rows);
        out.push_back(read_layer(path, ds, result.get(), -1, options));
    } else if (database && !options.layer.empty()) {
        // By name: a database may hold many tables, and views and tables
        // outside the search path are not listed.
        OGRLayer* layer = nullptr;
        {
            error_capture errors;
            layer = ds.GetLayerByName(options.layer.c_str());
            if (!layer)
                throw load_error(label + ": has no table or view named '" + options.layer + "'" +
                                 (errors.failures.empty() ? "" : " (" + one_line(errors.failures.back()) + ")"));
        }
        out.push_back(read_layer(path, ds, layer, -1, options));
    } else {
        for (int i = 0; i < ds.GetLayerCount(); ++i) {
            if (!options.layer.empty() && options.layer != ds.GetLayer(i)->GetName()) continue;
            out.push_back(read_layer(path, ds, ds.GetLayer(i), i, options));
        }
    }
    if (out.empty())
        throw load_error(label + (options.layer.empty() ? ": holds no vector layer"
                                                        : ": has no layer named '" + options.layer + "'"));
    return out;
}

}  // namespace geo
