#include "geo/vector_export.hpp"

#include "geo/gdal_handles.hpp"
#include "geo/projection.hpp"
#include "geo/purpose_class.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

namespace geo {

namespace fs = std::filesystem;
using gdal::dataset_ptr;
using gdal::error_capture;

namespace {

enum class geometry_kind { none, point, line, polygon };

geometry_kind kind_of(geometry_type t) {
    switch (t) {
        case geometry_type::point:
        case geometry_type::multi_point: return geometry_kind::point;
        case geometry_type::line_string:
        case geometry_type::multi_line_string: return geometry_kind::line;
        case geometry_type::polygon:
        case geometry_type::multi_polygon: return geometry_kind::polygon;
        case geometry_type::none: break;
    }
    return geometry_kind::none;
}

char const* kind_name(geometry_kind k) {
    switch (k) {
        case geometry_kind::point: return "points";
        case geometry_kind::line: return "lines";
        case geometry_kind::polygon: return "polygons";
        case geometry_kind::none: break;
    }
    return "no geometry";
}

struct layer_shape {
    OGRwkbGeometryType type = wkbUnknown;
    geometry_kind kind = geometry_kind::none;  // the one kind the layer takes; none: any
};

// From the whole collection rather than the selection, so a download's
// layer type does not change with the query that picked its features.
layer_shape plan_shape(collection const& c, export_format format) {
    std::size_t count[4] = {};
    bool multi_point = false;
    for (auto const& f : c.features) {
        ++count[static_cast<int>(kind_of(f.geom.type()))];
        multi_point |= f.geom.type() == geometry_type::multi_point;
    }
    int const kinds = (count[1] > 0) + (count[2] > 0) + (count[3] > 0);
    if (format != export_format::shp && kinds != 1) return {};
    // The most common kind; ties (and a layer with no geometry at all) go to polygons.
    geometry_kind dominant = geometry_kind::polygon;
    for (geometry_kind k : {geometry_kind::line, geometry_kind::point})
        if (count[static_cast<int>(k)] > count[static_cast<int>(dominant)]) dominant = k;
    bool const shp = format == export_format::shp;
    switch (dominant) {
        case geometry_kind::point: return {multi_point ? wkbMultiPoint : wkbPoint, dominant};
        case geometry_kind::line: return {shp ? wkbLineString : wkbMultiLineString, dominant};
        default: return {shp ? wkbPolygon : wkbMultiPolygon, geometry_kind::polygon};
    }
}

template <typename Curve>
void set_points(Curve& curve, std::vector<point> const& pts) {
    static_assert(sizeof(OGRRawPoint) == sizeof(point));
    curve.setPoints(static_cast<int>(pts.size()), reinterpret_cast<OGRRawPoint const*>(pts.data()));
}

OGRPolygon* new_ogr_polygon(polygon const& p) {
    auto* out = new OGRPolygon;
    for (auto const& r : p.rings) {
        auto* ring = new OGRLinearRing;
        set_points(*ring, r);
        out->addRingDirectly(ring);
    }
    return out;
}

// `multi` wraps single parts, so every geometry matches a Multi* layer.
gdal::geometry_ptr to_ogr(geometry const& g, bool multi) {
    switch (g.type) {
        case geometry_type::point:
            if (!multi) return gdal::geometry_ptr(new OGRPoint(g.points.front().x, g.points.front().y));
            [[fallthrough]];
        case geometry_type::multi_point: {
            gdal::geometry_ptr out(new OGRMultiPoint);
            for (auto const& p : g.points) out->toMultiPoint()->addGeometryDirectly(new OGRPoint(p.x, p.y));
            return out;
        }
        case geometry_type::line_string:
            if (!multi) {
                gdal::geometry_ptr out(new OGRLineString);
                set_points(*out->toLineString(), g.lines.front());
                return out;
            }
            [[fallthrough]];
        case geometry_type::multi_line_string: {
            gdal::geometry_ptr out(new OGRMultiLineString);
            for (auto const& l : g.lines) {
                auto* part = new OGRLineString;
                set_points(*part, l);
                out->toMultiLineString()->addGeometryDirectly(part);
            }
            return out;
        }
        case geometry_type::polygon:
            if (!multi) return gdal::geometry_ptr(new_ogr_polygon(g.polygons.front()));
            [[fallthrough]];
        case geometry_type::multi_polygon: {
            gdal::geometry_ptr out(new OGRMultiPolygon);
            for (auto const& p : g.polygons) out->toMultiPolygon()->addGeometryDirectly(new_ogr_polygon(p));
            return out;
        }
        case geometry_type::none: break;
    }
    return nullptr;
}

// --- the attribute table -----------------------------------------------------

enum class column { source, id, area_ha, contract_date, end_date, cancelled_date, provinces, purpose_class };

struct output_field {
    column what = column::source;
    int source = -1;  // index into collection::fields
    std::string name;
    OGRFieldType type = OFTString;
    int width = 0;  // dBASE only; 0 lets the driver choose
    int precision = 0;
};

// dBASE keeps at most 254 bytes of text in a field.
constexpr std::size_t dbf_text_limit = 254;

std::string province_list(feature const& f, province_index const& provinces) {
    std::string out;
    for (auto const& s : f.provinces) {
        if (s.province >= provinces.provinces().size()) continue;
        if (!out.empty()) out += "; ";
        out += provinces.provinces()[s.province].name;
        if (!std::isnan(s.share)) {
            char buf[32];
            std::snprintf(buf, sizeof buf, " (%.1f%%)", s.share * 100);
            out += buf;
        }
    }
    return out;
}

std::size_t decimal_digits(std::int64_t v) {
    return std::to_string(v).size();  // with the sign
}

struct export_plan {
    std::vector<feature const*> features;
    std::vector<std::string> province_text;  // aligned with features
    std::vector<output_field> fields;
    layer_shape shape;
    std::size_t truncated_text = 0;  // values over dbf_text_limit (shapefile)
    std::string crs{crs84_code};     // what the geometry is written in (geo/crs.hpp)
};

// Types (and for dBASE, widths wide enough for every selected value: the
// shapefile driver otherwise cuts text at 80 bytes and numbers at 9 digits).
void plan_field(output_field& f, export_plan& plan, collection const& c, export_format format) {
    bool const dbf = format == export_format::shp;
    bool const kml = format == export_format::kml;
    auto value_of = [&](std::size_t n) -> value {
        feature const& ft = *plan.features[n];
        switch (f.what) {
            case column::id: return ft.id;
            case column::area_ha: return ft.area_ha;
            case column::contract_date: return ft.contract_date ? value(*ft.contract_date) : value();
            case column::end_date: return ft.end_date ? value(*ft.end_date) : value();
            case column::cancelled_date: return ft.cancelled_date ? value(*ft.cancelled_date) : value();
            case column::provinces: return plan.province_text[n].empty() ? value() : value(plan.province_text[n]);
            case column::purpose_class:
                return ft.purpose_classes ? value(purpose_class_text(ft.purpose_classes)) : value();
            case column::source: break;
        }
        return static_cast<std::size_t>(f.source) < ft.properties.size() ? ft.properties[f.source] : value();
    };
    field_type type = field_type::string;
    switch (f.what) {
        case column::id: type = field_type::integer; break;
        case column::area_ha: type = field_type::real; break;
        case column::contract_date:
        case column::end_date:
        case column::cancelled_date: type = field_type::date; break;
        case column::provinces:
        case column::purpose_class:
            type = field_type::string;
            break;
        case column::source: type = c.fields[f.source].type; break;
    }
    std::size_t longest = 1;
    bool all_int32 = true;
    double largest = 0;
    for (std::size_t n = 0; n < plan.features.size(); ++n) {
        value const v = value_of(n);
        if (auto const* i = std::get_if<std::int64_t>(&v)) {
            all_int32 &=
                *i >= std::numeric_limits<std::int32_t>::min() && *i <= std::numeric_limits<std::int32_t>::max();
            longest = std::max(longest, decimal_digits(*i));
        } else if (auto const* d = std::get_if<double>(&v)) {
            if (std::isfinite(*d)) largest = std::max(largest, std::fabs(*d));
        } else if (auto const* s = std::get_if<std::string>(&v)) {
            longest = std::max(longest, s->size());
            if (dbf && s->size() > dbf_text_limit && type == field_type::string) ++plan.truncated_text;
        }
    }
    switch (type) {
        case field_type::integer:
            f.type = all_int32 ? OFTInteger : OFTInteger64;
            if (dbf) f.width = static_cast<int>(longest);
            break;
        case field_type::real:
            f.type = OFTReal;
            if (dbf) {
                // The driver's default, 24 characters with 15 decimals, unless
                // the integer part needs room the decimals must give up.
                int const whole = largest >= 1 ? static_cast<int>(std::floor(std::log10(largest))) + 2 : 2;
                f.width = std::max(24, whole);
                f.precision = std::clamp(24 - whole - 1, 0, 15);
            }
            break;
        // KML's <SimpleField> types (OGC 07-147r2) have no date, nor dBASE a
        // date-time: there they are ISO 8601 text, not GDAL's "2008/02/05".
        case field_type::date: f.type = kml ? OFTString : OFTDate; break;
        case field_type::datetime:
            f.type = dbf || kml ? OFTString : OFTDateTime;
            if (dbf) f.width = static_cast<int>(std::min(longest, dbf_text_limit));
            break;
        case field_type::string:
            f.type = OFTString;
            if (dbf) f.width = static_cast<int>(std::min(longest, dbf_text_limit));
            break;
    }
}

export_plan make_plan(collection const& c, std::vector<std::uint32_t> const& selection, province_index const& provinces,
                      export_format format) {
    export_plan plan;
    plan.features.reserve(selection.size());
    for (std::uint32_t i : selection) {
        if (i >= c.features.size())
            throw export_error("selection names feature position " + std::to_string(i) + " but collection '" + c.id +
                             "' has " + std::to_string(c.features.size()) + " features");
        plan.features.push_back(&c.features[i]);
        plan.province_text.push_back(province_list(c.features[i], provinces));
    }
    plan.shape = plan_shape(c, format);

    // The source's names are the user's: they stay, and the added fields
    // give way to them.
    std::set<std::string> taken = source_field_names(c);
    plan.fields.push_back({column::id, -1, added_field_name("id", taken)});
    for (std::size_t i = 0; i < c.fields.size(); ++i)
        plan.fields.push_back({column::source, static_cast<int>(i), c.fields[i].name});
    plan.fields.push_back({column::area_ha, -1, added_field_name("area_ha", taken)});
    plan.fields.push_back({column::contract_date, -1, added_field_name("contract_date", taken)});
    if (has_end_dates(c)) plan.fields.push_back({column::end_date, -1, added_field_name("end_date", taken)});
    if (has_cancellations(c))
        plan.fields.push_back({column::cancelled_date, -1, added_field_name("cancelled_date", taken)});
    plan.fields.push_back({column::provinces, -1, added_field_name("provinces", taken)});
    if (c.field_index(c.roles.purpose) >= 0)
        plan.fields.push_back({column::purpose_class, -1, added_field_name("purpose_class", taken)});
    for (auto& f : plan.fields) plan_field(f, plan, c, format);
    return plan;
}

void set_date(OGRFeature& out, int i, std::string const& iso, bool with_time, std::int64_t id,
              std::string const& name) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    int const got = std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
    if (got < 3 || (with_time && got != 6 && got != 3))
        throw export_error("feature " + std::to_string(id) + ": field '" + name + "' holds '" + iso +
                         "', which is not an ISO 8601 date");
    out.SetField(i, y, mo, d, h, mi, static_cast<float>(s), 0);  // 0: time zone unknown, as read
}

void set_value(OGRFeature& out, int i, output_field const& f, value const& v, std::int64_t id) {
    if (auto const* n = std::get_if<std::int64_t>(&v)) {
        out.SetField(i, static_cast<GIntBig>(*n));
    } else if (auto const* d = std::get_if<double>(&v)) {
        out.SetField(i, *d);
    } else if (auto const* s = std::get_if<std::string>(&v)) {
        if (f.type == OFTDate || f.type == OFTDateTime)
            set_date(out, i, *s, f.type == OFTDateTime, id, f.name);
        else
            out.SetField(i, s->c_str());
    }
}

// --- writing datasets ----------------------------------------------------------

struct write_result {
    std::vector<std::string> renamed;            // "contract_date -> contract_d"
    std::vector<std::int64_t> without_geometry;  // ids whose geometry the layer cannot hold
};

dataset_ptr create_dataset(char const* driver_name, std::string const& path, CPLStringList const& options,
                           error_capture const& errors) {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
    if (!driver) throw export_error(std::string("this GDAL build has no ") + driver_name + " driver");
    dataset_ptr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, options.List()));
    if (!ds)
        throw export_error(std::string("GDAL's ") + driver_name + " driver cannot create it: " + errors.last_failure());
    return ds;
}

// Drivers write most of a file when the dataset closes, and GDAL 3.6's
// GDALClose returns nothing: a failure shows only as a message.
void close_dataset(dataset_ptr& ds, error_capture const& errors) {
    std::size_t const before = errors.failures.size();
    ds.reset();
    if (errors.failures.size() > before)
        throw export_error("GDAL could not finish writing it: " + errors.failures.back());
}

OGRLayer& write_layer(GDALDataset& ds, std::string const& name, CPLStringList options, export_plan const& plan,
                      error_capture const& errors, write_result& result) {
    // WGS 84 lon/lat unless crs= asked for another; files hold east, north
    // whatever the CRS's own axis order.
    std::string const code = plan.crs == crs84_code ? std::string("EPSG:4326") : plan.crs;
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(code.c_str()) != OGRERR_NONE)
        throw export_error("cannot set up " + code + ": " + errors.last_failure());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    crs_transform const* to = code == "EPSG:4326" ? nullptr : &crs_transform_for(code, axis_order::east_north);
    gdal::context const where{{}, name, {}};
    OGRLayer* layer = ds.CreateLayer(name.c_str(), &srs, plan.shape.type, options.List());
    if (!layer) throw export_error(where.message("cannot create the layer: " + errors.last_failure()));
    // Where each field landed: drivers may have fields of their own (KML's
    // Name and Description) and may rename ours (dBASE's 10 characters).
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<int> at(plan.fields.size());
    for (std::size_t i = 0; i < plan.fields.size(); ++i) {
        auto const& f = plan.fields[i];
        OGRFieldDefn fd(f.name.c_str(), f.type);
        fd.SetWidth(f.width);
        fd.SetPrecision(f.precision);
        int const before = defn->GetFieldCount();
        if (layer->CreateField(&fd, TRUE) != OGRERR_NONE)
            throw export_error(where.with_field(f.name).message("cannot create the field: " + errors.last_failure()));
        at[i] = defn->GetFieldCount() > before ? defn->GetFieldCount() - 1 : defn->GetFieldIndex(f.name.c_str());
        if (at[i] < 0) throw export_error(where.with_field(f.name).message("the driver lost the field"));
        std::string const actual = defn->GetFieldDefn(at[i])->GetNameRef();
        if (actual != f.name) result.renamed.push_back(f.name + " -> " + actual);
    }

    bool const multi = OGR_GT_IsSubClassOf(wkbFlatten(plan.shape.type), wkbGeometryCollection);
    // One transaction rather than one per feature (GeoPackage: SQLite).
    bool const transaction = ds.TestCapability(ODsCTransactions) && ds.StartTransaction() == OGRERR_NONE;
    for (std::size_t n = 0; n < plan.features.size(); ++n) {
        feature const& f = *plan.features[n];
        OGRFeature out(defn);
        for (std::size_t i = 0; i < plan.fields.size(); ++i) {
            auto const& field = plan.fields[i];
            switch (field.what) {
                case column::id: out.SetField(at[i], static_cast<GIntBig>(f.id)); break;
                case column::area_ha: out.SetField(at[i], f.area_ha); break;
                case column::contract_date:
                    if (f.contract_date) set_value(out, at[i], field, *f.contract_date, f.id);
                    break;
                case column::end_date:
                    if (f.end_date) set_value(out, at[i], field, *f.end_date, f.id);
                    break;
                case column::cancelled_date:
                    if (f.cancelled_date) set_value(out, at[i], field, *f.cancelled_date, f.id);
                    break;
                case column::provinces:
                    if (!plan.province_text[n].empty()) out.SetField(at[i], plan.province_text[n].c_str());
                    break;
                case column::purpose_class:
                    if (f.purpose_classes) out.SetField(at[i], purpose_class_text(f.purpose_classes).c_str());
                    break;
                case column::source:
                    if (static_cast<std::size_t>(field.source) < f.properties.size())
                        set_value(out, at[i], field, f.properties[field.source], f.id);
                    break;
            }
        }
        geometry_kind const kind = kind_of(f.geom.type());
        if (kind != geometry_kind::none && plan.shape.kind != geometry_kind::none && kind != plan.shape.kind)
            result.without_geometry.push_back(f.id);
        else if (geometry g = f.geom.expand(); to && !to->forward(g))
            result.without_geometry.push_back(f.id);  // outside what the CRS can hold
        else if (auto written = to_ogr(g, multi))
            out.SetGeometryDirectly(written.release());
        if (layer->CreateFeature(&out) != OGRERR_NONE)
            throw export_error(
                where.message("cannot write feature " + std::to_string(f.id) + ": " + errors.last_failure()));
    }
    if (transaction && ds.CommitTransaction() != OGRERR_NONE)
        throw export_error(where.message("cannot commit the features: " + errors.last_failure()));
    return *layer;
}

// Letters, digits, '_', '-' and '.': a name for files and layers.
std::string safe_name(std::string const& id) {
    std::string out;
    for (unsigned char ch : id)
        out += std::isalnum(ch) || ch == '_' || ch == '-' || ch == '.' ? static_cast<char>(ch) : '_';
    return out.empty() || out.front() == '.' ? "features" + out : out;
}

// One line, for the description fields readers show in a single box.
std::string provenance_line(export_provenance const& p, std::size_t count) {
    return "Source: " + p.source + "; collection: " + p.collection + "; extracted at: " + p.extracted_at +
           "; query: " + p.query + "; " + std::to_string(count) + " features in WGS 84 longitude/latitude (EPSG:4326)";
}

std::string xml_escape(std::string const& s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += ch;
        }
    }
    return out;
}

// GDAL's own KML driver rather than LIBKML: GDAL 3.6's LIBKML driver tidies
// the text libkml serialises with edits in the middle of one string, which
// grows with the square of the file (4 s for the 225 ELC features, against
// 0.1 s here). It has no option for the document's <name> and <description>,
// so they are added after it closes, where KML wants them: first among the
// document's children, before its schemas and features.
void write_kml(export_plan const& plan, std::string const& path, std::string const& layer_name,
               export_provenance const& provenance, error_capture const& errors) {
    char const* const document_id = "root_doc";
    CPLStringList options;
    options.SetNameValue("DOCUMENT_ID", document_id);
    write_result ignored;
    dataset_ptr ds = create_dataset("KML", path, options, errors);
    write_layer(*ds, layer_name, {}, plan, errors, ignored);
    close_dataset(ds, errors);

    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::string kml = text.str();
    std::string const open = "<Document id=\"" + std::string(document_id) + "\">";
    auto const at = kml.find(open);
    if (at == std::string::npos) throw export_error("GDAL's KML driver wrote no " + open + " to describe");
    kml.insert(at + open.size(), "\n<name>" + xml_escape(provenance.collection) + "</name>\n<description>" +
                                     xml_escape(provenance_line(provenance, plan.features.size())) + "</description>");
    std::ofstream rewritten(path, std::ios::binary | std::ios::trunc);
    if (!(rewritten << kml) || !rewritten.flush()) throw export_error("cannot add the provenance to the KML");
}

void set_provenance_metadata(GDALMajorObject& target, export_provenance const& provenance) {
    target.SetMetadataItem("SOURCE", provenance.source.c_str());
    target.SetMetadataItem("COLLECTION", provenance.collection.c_str());
    target.SetMetadataItem("EXTRACTED_AT", provenance.extracted_at.c_str());
    target.SetMetadataItem("QUERY", provenance.query.c_str());
}

// One table of a GeoPackage, its description in gpkg_contents and the
// provenance as the layer's metadata (gpkg_metadata).
OGRLayer& add_gpkg_layer(GDALDataset& ds, export_plan const& plan, std::string const& layer_name, std::string const& description,
                    export_provenance const& provenance, error_capture const& errors) {
    std::set<std::string> taken;
    for (auto const& f : plan.fields) added_field_name(f.name, taken);  // takes each name as it is
    std::string const fid = added_field_name("fid", taken);
    std::string const geom = added_field_name("geom", taken);
    CPLStringList options;
    options.SetNameValue("DESCRIPTION", description.c_str());
    options.SetNameValue("FID", fid.c_str());
    options.SetNameValue("GEOMETRY_NAME", geom.c_str());
    write_result ignored;
    OGRLayer& layer = write_layer(ds, layer_name, options, plan, errors, ignored);
    set_provenance_metadata(layer, provenance);
    return layer;
}

void write_gpkg(export_plan const& plan, std::string const& path, std::string const& layer_name,
                export_provenance const& provenance, error_capture const& errors) {
    // GeoPackage keeps a layer's description in gpkg_contents and GDAL
    // metadata in gpkg_metadata (http://www.geopackage.org/spec/#_metadata).
    dataset_ptr ds = create_dataset("GPKG", path, {}, errors);
    set_provenance_metadata(*ds, provenance);
    add_gpkg_layer(*ds, plan, layer_name, provenance_line(provenance, plan.features.size()), provenance, errors);
    close_dataset(ds, errors);
}

// A directory in GDAL's in-memory file system, removed with its contents.
class memory_dir {
public:
    memory_dir() {
        static std::atomic<unsigned long> counter{0};
        path_ = "/vsimem/concessions-export-" + std::to_string(++counter);
        VSIMkdir(path_.c_str(), 0755);
    }
    ~memory_dir() { VSIRmdirRecursive(path_.c_str()); }
    memory_dir(memory_dir const&) = delete;
    memory_dir& operator=(memory_dir const&) = delete;
    std::string const& path() const { return path_; }

private:
    std::string path_;
};

class zip_writer {
public:
    zip_writer(std::string const& path, error_capture const& errors)
        : errors_(errors), handle_(CPLCreateZip(path.c_str(), nullptr)) {
        if (!handle_) throw export_error("cannot create the zip: " + errors_.last_failure());
    }
    ~zip_writer() {
        if (handle_) CPLCloseZip(handle_);
    }
    zip_writer(zip_writer const&) = delete;
    zip_writer& operator=(zip_writer const&) = delete;

    void add(std::string const& name, GByte const* data, std::size_t size) {
        begin(name);
        write(data, size);
        end();
    }
    // An entry written piece by piece: begin, write as often as needed, end.
    void begin(std::string const& name) {
        name_ = name;
        if (CPLCreateFileInZip(handle_, name.c_str(), nullptr) != CE_None)
            throw export_error("cannot add " + name + " to the zip: " + errors_.last_failure());
    }
    void write(GByte const* data, std::size_t size) {
        // CPLWriteFileInZip takes an int count.
        constexpr std::size_t piece = std::size_t{1} << 30;
        for (std::size_t at = 0; at < size; at += piece) {
            if (CPLWriteFileInZip(handle_, data + at, static_cast<int>(std::min(piece, size - at))) != CE_None)
                throw export_error("cannot write " + name_ + " into the zip: " + errors_.last_failure());
        }
    }
    void end() {
        if (CPLCloseFileInZip(handle_) != CE_None)
            throw export_error("cannot finish " + name_ + " in the zip: " + errors_.last_failure());
    }
    void close() {
        void* h = std::exchange(handle_, nullptr);
        if (CPLCloseZip(h) != CE_None) throw export_error("cannot finish the zip: " + errors_.last_failure());
    }

private:
    error_capture const& errors_;
    void* handle_;
    std::string name_;  // of the entry being written
};

// The shapefile's parts (<base>.shp, .shx, .dbf, .prj, .cpg) in `dir`.
write_result write_shapefile_parts(export_plan const& plan, memory_dir const& dir, std::string const& base,
                                   error_capture const& errors) {
    write_result result;
    dataset_ptr ds = create_dataset("ESRI Shapefile", dir.path() + "/" + base + ".shp", {}, errors);
    CPLStringList options;
    options.SetNameValue("ENCODING", "UTF-8");  // and a .cpg saying so
    write_layer(*ds, base, options, plan, errors, result);
    close_dataset(ds, errors);
    return result;
}

// What a shapefile could not hold as it was: renamed fields, cut text,
// geometry of another kind. Empty when nothing was lost.
std::string shapefile_notes(export_plan const& plan, write_result const& result) {
    std::ostringstream txt;
    if (!result.renamed.empty()) {
        txt << "fields renamed (dBASE names hold at most 10 characters):";
        for (auto const& r : result.renamed) txt << (&r == &result.renamed.front() ? " " : ", ") << r;
        txt << "\n";
    }
    if (plan.truncated_text > 0)
        txt << "text cut to 254 bytes (the dBASE limit): " << plan.truncated_text
            << " values; export as GeoPackage to keep them whole\n";
    if (!result.without_geometry.empty()) {
        txt << "geometry not written: a shapefile holds one kind of geometry, and this one holds "
            << kind_name(plan.shape.kind) << "; these " << result.without_geometry.size()
            << " features have another kind and are written without geometry (export as GeoPackage or KML to keep "
               "it), ids:";
        for (auto id : result.without_geometry) txt << " " << id;
        txt << "\n";
    }
    return txt.str();
}

// Every file of `dir`, by name, with its bytes.
std::vector<std::pair<std::string, std::string>> read_memory_dir(memory_dir const& dir) {
    std::vector<std::string> names;
    {
        CPLStringList listing(VSIReadDir(dir.path().c_str()), TRUE);
        for (int i = 0; i < listing.size(); ++i) names.emplace_back(listing[i]);
    }
    std::sort(names.begin(), names.end());
    std::vector<std::pair<std::string, std::string>> files;
    for (auto const& name : names) {
        vsi_l_offset size = 0;
        GByte const* data = VSIGetMemFileBuffer((dir.path() + "/" + name).c_str(), &size, FALSE);
        if (!data && size > 0) throw export_error("cannot read back " + name);
        files.emplace_back(name, std::string(reinterpret_cast<char const*>(data), static_cast<std::size_t>(size)));
    }
    return files;
}

void write_shapefile_zip(export_plan const& plan, std::string const& path, std::string const& base,
                         export_provenance const& provenance, error_capture const& errors) {
    memory_dir dir;
    write_result const result = write_shapefile_parts(plan, dir, base, errors);

    std::ostringstream txt;
    txt << "source: " << provenance.source << "\n"
        << "collection: " << provenance.collection << "\n"
        << "extracted_at: " << provenance.extracted_at << "\n"
        << "query: " << provenance.query << "\n"
        << "features: " << plan.features.size() << "\n"
        << "crs: "
        << (plan.crs == crs84_code ? std::string("EPSG:4326 (WGS 84 longitude/latitude)")
                                   : plan.crs + " (as the .prj says)")
        << "\n"
        << "encoding: UTF-8\n"
        << shapefile_notes(plan, result);
    std::string const source_txt = txt.str();

    zip_writer zip(path, errors);
    for (auto const& [name, bytes] : read_memory_dir(dir))
        zip.add(name, reinterpret_cast<GByte const*>(bytes.data()), bytes.size());
    zip.add("source.txt", reinterpret_cast<GByte const*>(source_txt.data()), source_txt.size());
    zip.close();
}

// Written beside `out` under a hidden name, then renamed over it, so `out`
// is never a half-written file and a failure leaves nothing behind.
class partial_output {
public:
    partial_output(fs::path const& out, char const* extension) {
        static std::atomic<unsigned long> counter{0};
        path_ = out.parent_path() / ("." + out.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(++counter) + extension);
    }
    ~partial_output() {
        if (committed_) return;
        std::error_code ec;
        fs::remove(path_, ec);
        for (char const* sqlite_side_file : {"-journal", "-wal", "-shm"})
            fs::remove(path_.string() + sqlite_side_file, ec);
    }
    partial_output(partial_output const&) = delete;
    partial_output& operator=(partial_output const&) = delete;

    std::string path() const { return path_.string(); }
    void commit(fs::path const& out) {
        fs::rename(path_, out);
        committed_ = true;
    }

private:
    fs::path path_;
    bool committed_ = false;
};

char const* format_name(export_format format) {
    switch (format) {
        case export_format::kml: return "KML";
        case export_format::gpkg: return "GeoPackage";
        case export_format::shp: return "zipped shapefile";
    }
    return "?";
}

}  // namespace

void export_features(collection const& c, std::vector<std::uint32_t> const& selection, province_index const& provinces,
                     export_format format, fs::path const& out, export_provenance const& provenance,
                     std::string const& crs) {
    std::string const where = out.string() + ": cannot write it as " + format_name(format);
    fs::path const dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw export_error(where + ": the directory " + dir.string() + " does not exist");
    gdal::register_drivers();
    error_capture errors;  // GDAL's handler stack is per thread: concurrent exports keep their own
    try {
        export_plan plan = make_plan(c, selection, provinces, format);
        plan.crs = crs;
        std::string name = safe_name(c.id);
        // GDAL's KML driver would change '-' itself, with a warning (it keeps layer names XML element names).
        if (format == export_format::kml) std::replace(name.begin(), name.end(), '-', '_');
        char const* const extension = format == export_format::kml    ? ".kml"
                                      : format == export_format::gpkg ? ".gpkg"
                                                                      : ".zip";
        partial_output partial(out, extension);
        switch (format) {
            case export_format::kml: write_kml(plan, partial.path(), name, provenance, errors); break;
            case export_format::gpkg: write_gpkg(plan, partial.path(), name, provenance, errors); break;
            case export_format::shp: write_shapefile_zip(plan, partial.path(), name, provenance, errors); break;
        }
        partial.commit(out);
    } catch (std::exception const& e) {
        throw export_error(where + ": " + e.what());
    }
}

// --- several collections in one file -------------------------------------------

namespace {

// The layer's name in a file: KML keeps layer names XML element names, and
// GDAL's driver would change '-' itself, with a warning.
std::string layer_name_for(std::string const& id, export_format format) {
    std::string name = safe_name(id);
    if (format == export_format::kml) std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

// The whole of a (small, temporary) file.
std::string read_file_bytes(std::string const& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw export_error("cannot read back " + path);
    return bytes.str();
}

void check_directory_of(fs::path const& out, std::string const& where) {
    fs::path const dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw export_error(where + ": the directory " + dir.string() + " does not exist");
}

}  // namespace

std::string export_name(std::string const& collection_id) { return safe_name(collection_id); }

void export_geopackage(std::vector<export_layer> const& layers, province_index const& provinces, fs::path const& out,
                       std::string const& readme) {
    std::string const where = out.string() + ": cannot write it as GeoPackage";
    check_directory_of(out, where);
    gdal::register_drivers();
    error_capture errors;
    try {
        partial_output partial(out, ".gpkg");
        {
            dataset_ptr ds = create_dataset("GPKG", partial.path(), {}, errors);
            // GDAL keeps dataset metadata in gpkg_metadata (scope "dataset"),
            // where ogrinfo and QGIS's metadata view show it.
            ds->SetMetadataItem("README", readme.c_str());
            for (auto const& layer : layers) {
                gdal::context const at{{}, layer.c->id, {}};
                try {
                    export_plan plan = make_plan(*layer.c, *layer.selection, provinces, export_format::gpkg);
                    plan.crs = layer.crs;
                    OGRLayer& written = add_gpkg_layer(*ds, plan, layer_name_for(layer.c->id, export_format::gpkg),
                                                       layer.description, layer.provenance, errors);
                    auto const& pv = layer.c->provenance;
                    for (auto const& [key, value] : {std::pair<char const*, std::string const&>{"ATTRIBUTION", pv.attribution},
                                                     {"LICENSE", pv.license}, {"SOURCE_URL", pv.source_url}, {"AS_OF", pv.as_of}})
                        if (!value.empty()) written.SetMetadataItem(key, value.c_str());
                    written.SetMetadataItem("FEATURES", std::to_string(plan.features.size()).c_str());
                } catch (export_error const& e) {
                    throw export_error(at.message(e.what()));
                }
            }
            close_dataset(ds, errors);
        }
        partial.commit(out);
    } catch (std::exception const& e) {
        throw export_error(where + ": " + e.what());
    }
}

layer_files export_layer_files(export_layer const& layer, province_index const& provinces, export_format format) {
    gdal::register_drivers();
    error_capture errors;
    collection const& c = *layer.c;
    std::string const base = layer_name_for(c.id, export_format::shp);  // the file names keep the id's '-'
    layer_files out;
    try {
        export_plan plan = make_plan(c, *layer.selection, provinces, format);
        plan.crs = layer.crs;
        switch (format) {
            case export_format::kml: {
                partial_output file(fs::temp_directory_path() / (base + ".kml"), ".kml");
                write_kml(plan, file.path(), layer_name_for(c.id, format), layer.provenance, errors);
                out.files.emplace_back(base + ".kml", read_file_bytes(file.path()));
                break;
            }
            case export_format::shp: {
                memory_dir dir;
                write_result const result = write_shapefile_parts(plan, dir, base, errors);
                out.files = read_memory_dir(dir);
                out.notes = shapefile_notes(plan, result);
                break;
            }
            case export_format::gpkg:
                throw export_error("a GeoPackage holds every layer in one file: use export_geopackage");
        }
    } catch (std::exception const& e) {
        throw export_error("collection '" + c.id + "' as " + format_name(format) + ": " + e.what());
    }
    return out;
}

void write_zip(fs::path const& out, std::vector<zip_entry> const& entries) {
    std::string const where = out.string() + ": cannot write the zip";
    check_directory_of(out, where);
    gdal::register_drivers();
    error_capture errors;
    try {
        partial_output partial(out, ".zip");
        {
            zip_writer zip(partial.path(), errors);
            std::string piece;
            for (auto const& entry : entries) {
                zip.begin(entry.name);
                for (bool more = true; more;) {
                    piece.clear();
                    more = entry.produce(piece);
                    zip.write(reinterpret_cast<GByte const*>(piece.data()), piece.size());
                }
                zip.end();
            }
            zip.close();
        }
        partial.commit(out);
    } catch (std::exception const& e) {
        throw export_error(where + ": " + e.what());
    }
}

}  // namespace geo
