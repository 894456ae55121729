// Items as an attachment: GeoJSON and CSV written here piece by piece as
// the client takes them; KML, GeoPackage and shapefile written by GDAL's
// own drivers to a temporary file, then streamed from it. And GET
// /download: several collections under one filter in one file (a
// GeoPackage with a layer each, or a zip with a file each and README.txt).

#include "geo/drawn_area.hpp"
#include "geo/feature_writer.hpp"
#include "server/handlers/handlers.hpp"
#include "server/param_text.hpp"
#include "server/links.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace server {

namespace fs = std::filesystem;

namespace {

// GeoJSON or CSV, a slice of features per call (512 KiB at most), so that
// memory stays flat however many features match. Their provenance names
// the data version, not the time of the download: every replica writes the
// same bytes for the same request (issue 14), and a cached download is
// not told apart from a fresh one.
response text_download(request_context const& ctx, geo::collection const& c,
                       std::shared_ptr<std::vector<std::uint32_t> const> selection, format_info const& format,
                       std::string const& query, feature_projection projection = {}) {
    // A file: east before north whatever the CRS (EPSG:4326 too), as GIS
    // software reads GeoJSON and WKT, and as GeoPackage and shapefile hold it.
    projection.order = geo::axis_order::east_north;
    auto const data = ctx.data;  // the stream outlives this call: keep the dataset alive
    bool const csv = format.format == output_format::csv;
    std::string prologue;
    std::string provenance_cells;
    auto columns = std::make_shared<std::vector<std::size_t>>();  // CSV under a projection: the columns kept
    if (csv) {
        prologue = geo::csv_header(c);
        if (projection.cut()) {
            std::string_view const header = std::string_view(prologue).substr(0, prologue.size() - 2);
            *columns = csv_columns(header, projection);
            std::string cut;
            append_projected_csv_row(cut, header, *columns);
            prologue = std::move(cut);
        }
        prologue.insert(prologue.size() - 2, ",source_layer,data_version");  // provenance on every row
        std::string quoted = "\"";
        for (char ch : c.source) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        provenance_cells = "," + quoted + "\"," + data->version();
    } else {
        prologue = R"({"type":"FeatureCollection","name":)";
        geo::append_json_string(prologue, c.id);
        prologue += R"(,"source":{"layer":)";
        geo::append_json_string(prologue, c.source);
        prologue += R"(,"collection":)";
        geo::append_json_string(prologue, c.id);
        // Who published it, under what licence, as of when: what a citation needs.
        auto const& pv = c.provenance;
        for (auto const& [name, value] : {std::pair<char const*, std::string const&>{"attribution", pv.attribution},
                                          {"license", pv.license}, {"source_url", pv.source_url}, {"as_of", pv.as_of}}) {
            if (value.empty()) continue;
            prologue += ",\"" + std::string(name) + "\":";
            geo::append_json_string(prologue, value);
        }
        prologue += R"(,"query":)";
        geo::append_json_string(prologue, query);
        prologue += R"(,"data_version":")" + data->version() + R"("},)";
        // GeoJSON of 2008's "crs" member, which GDAL and QGIS still read: a
        // file in UTM opens in the right place.
        if (projection.crs != geo::crs84_code)
            prologue += R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:)" +
                        projection.crs.substr(0, projection.crs.find(':')) +
                        "::" + projection.crs.substr(projection.crs.find(':') + 1) + R"("}},)";
        prologue += R"("numberMatched":)" + std::to_string(selection->size()) + R"(,"features":[)";
    }
    response r;
    r.content_type = std::string(format.media_type);
    auto position = std::make_shared<std::size_t>(0);
    auto started = std::make_shared<bool>(false);
    geo::collection const* cp = &c;
    r.stream = [data, cp, selection, position, started, prologue, csv, provenance_cells, projection, columns](std::string& out) {
        if (!*started) {
            out += prologue;
            *started = true;
        }
        auto const& sel = *selection;
        while (*position < sel.size() && out.size() < 512 * 1024) {
            if (csv) {
                append_csv_row(out, *data, *cp, sel[*position], projection, *columns);
                out.insert(out.size() - 2, provenance_cells);
            } else {
                if (*position > 0) out += ',';
                append_feature(out, *data, *cp, sel[*position], projection);
            }
            ++*position;
        }
        if (*position < sel.size()) return true;
        if (!csv) out += "]}";
        return false;
    };
    return r;
}

// A fresh name in the temporary directory, ending in `extension`.
fs::path temporary_path(std::string_view extension) {
    std::random_device rd;
    return fs::temp_directory_path() / ("concessions-" + std::to_string(rd()) + std::to_string(rd()) + std::string(extension));
}

// A written file, unlinked once open and streamed from there.
response stream_file(fs::path const& tmp, std::string_view media_type) {
    auto file = std::make_shared<std::ifstream>(tmp, std::ios::binary);
    std::error_code ignored;
    auto const size = fs::file_size(tmp, ignored);
    fs::remove(tmp, ignored);  // the open stream keeps the data until it closes
    if (!*file) return error_response(500, make_message(message_id::export_failed, "cannot reopen the written file"));
    response r;
    r.content_type = std::string(media_type);
    r.headers.emplace_back("X-Content-Bytes", std::to_string(size));
    r.stream = [file](std::string& out) {
        out.resize(64 * 1024);
        file->read(out.data(), static_cast<std::streamsize>(out.size()));
        out.resize(static_cast<std::size_t>(file->gcount()));
        return static_cast<bool>(*file);
    };
    return r;
}

// Written by GDAL to a temporary file, then streamed from it.
response gdal_download(request_context const& ctx, geo::collection const& c,
                       std::vector<std::uint32_t> const& selection, format_info const& format,
                       std::string const& extracted, std::string const& query, std::string const& crs) {
    fs::path const tmp = temporary_path(format.extension);
    try {
        geo::export_features(c, selection, ctx.dataset().provinces(), *format.gdal, tmp,
                             {c.source, c.id, extracted, query}, crs);
    } catch (std::exception const& e) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return error_response(500, make_message(message_id::export_failed, e.what()));
    }
    return stream_file(tmp, format.media_type);
}

}  // namespace

response download(request_context const& ctx, geo::collection const& c, std::vector<std::uint32_t> selection,
                  format_info const& format, std::string const& file_stem, feature_projection const& projection) {
    std::string const query(ctx.request.target);
    std::size_t const count = selection.size();
    if (format.gdal && projection.cut())
        return error_response(400, make_message(message_id::projection_text_only, std::string(format.name)));
    if (format.gdal == geo::export_format::kml && projection.crs != geo::crs84_code)
        return error_response(400, make_message(message_id::crs_kml, geo::crs_uri(projection.crs)));
    // The files GDAL writes carry the time they were written (GeoPackage
    // stamps its own too): unlike GeoJSON and CSV, they differ between
    // replicas and between requests (docs/DEPLOYING.md).
    response r = format.gdal
                     ? gdal_download(ctx, c, selection, format, now_iso(), query, projection.crs)
                     : text_download(ctx, c, std::make_shared<std::vector<std::uint32_t> const>(std::move(selection)),
                                     format, query, projection);
    if (r.status != 200) return r;
    r.cacheable = true;
    add_content_crs(r, projection);
    r.headers.insert(r.headers.begin(), {"X-Features", std::to_string(count)});
    r.headers.insert(r.headers.begin() + 1,
                     {"Content-Disposition", "attachment; filename=\"" + file_stem + std::string(format.extension) + "\""});
    return r;
}

// --- GET /download: several collections in one file ----------------------------

std::string known_collections(geo::dataset const& data) {
    std::string known;
    for (auto const& k : data.collections()) known += (known.empty() ? "" : ", ") + k.id;
    return known;
}


namespace {

// One listed collection: what it takes of the filter, and what it selects.
struct download_layer {
    geo::collection const* c = nullptr;
    bool context = false;
    query_list params;  // the filter parameters it takes, as the request spelled them
    std::shared_ptr<std::vector<std::uint32_t> const> selection;
};

// The collections named by `collections=`, each found, or the 400 naming the
// first that is not. Read before the rest of the query, whose accepted
// property names depend on them.
std::variant<std::vector<geo::collection const*>, response> listed_collections(query_list const& query,
                                                                                 geo::dataset const& data) {
    auto const it = std::find_if(query.begin(), query.end(), [](auto const& kv) { return kv.first == "collections"; });
    if (it == query.end() || it->second.empty())
        return error_response(400, make_message(message_id::collections_required, known_collections(data)));
    auto ids = parse_collection_list(it->second);
    if (auto const* e = std::get_if<param_error>(&ids)) return error_response(400, e->text);
    std::vector<geo::collection const*> listed;
    for (auto const& id : std::get<std::vector<std::string>>(ids)) {
        auto const* c = data.find(id);
        if (!c) return error_response(400, make_message(message_id::download_unknown_collection, quote_text(id), known_collections(data)));
        listed.push_back(c);
    }
    return listed;
}

// What cuts a context layer besides its own qualified properties.
bool context_takes(std::string const& key, bool context_province) {
    return key == "bbox" || key == "bbox-crs" || key == "intersects" || key == "company" ||
           (key == "province" && context_province);
}

// A property filter may name its collection: "elc:Purpose=Rubber" applies
// to elc alone (as the page's purpose and country filters apply to the
// layer they were chosen for); "Purpose=Rubber" to every concession layer.
constexpr char collection_separator = ':';

// The property names a client may filter on: those of every listed
// collection, bare and qualified by the collection's id.
std::vector<std::string> union_of_queryables(std::vector<geo::collection const*> const& listed, geo::dataset const& data) {
    std::vector<std::string> names;
    for (auto const* c : listed)
        for (auto const& name : data.queryables(*c)) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
            names.push_back(c->id + collection_separator + name);
        }
    // elc:filter=...: a CQL2 filter for that collection alone (own_filters).
    for (auto const* c : listed) names.push_back(c->id + collection_separator + "filter");
    return names;
}

// The CQL2 filters named for one collection (elc:filter=purpose_class IN
// ('Rubber','Sugar cane')), in the language filter-lang names, by
// collection id; or the 400 for one that does not parse.
using own_filter_map = std::map<std::string, std::shared_ptr<geo::cql2::node const>>;
std::variant<own_filter_map, response> own_filters(feature_filters const& shared) {
    own_filter_map out;
    for (auto const& [key, value] : shared.properties) {
        std::size_t const at = key.find(collection_separator);
        if (at == std::string::npos || key.substr(at + 1) != "filter") continue;
        feature_filters one;
        one.filter_text = value;
        one.filter_json = shared.filter_json;
        one.filter_crs = shared.filter_crs;
        if (auto e = finish_filters(one)) return error_response(400, e->text);
        out[key.substr(0, at)] = std::move(one.filter);
    }
    return out;
}

// The name of a property filter `key` for collection c: the bare name when
// it is qualified by c's id or not qualified; nullopt when it names another
// collection.
std::optional<std::string> property_for(std::string const& key, geo::collection const& c) {
    std::size_t const at = key.find(collection_separator);
    if (at == std::string::npos) return key;
    if (std::string_view(key).substr(0, at) != c.id) return std::nullopt;
    return key.substr(at + 1);
}

bool is_qualified(std::string const& key) { return key.find(collection_separator) != std::string::npos; }

// The filters collection c takes. Concession layers: every filter, the
// bare properties and their own qualified ones. Context layers (the
// catalog's "kind": "context": protected areas, forests, dams) stay whole,
// as on the page (web/api.js filter_params): the box and the drawn area cut
// them, the province when context_province=true, and only the properties
// qualified by their id.
feature_filters filters_for(geo::collection const& c, bool context, multi_download_params const& p,
                            own_filter_map const& own) {
    feature_filters f;
    if (context) {
        f.bbox = p.filters.bbox;
        f.bbox_text = p.filters.bbox_text;
        f.bbox_crs = p.filters.bbox_crs;
        f.bbox_area = p.filters.bbox_area;
        f.area = p.filters.area;
        // A company's zones and blocks are its records too; a layer that
        // names no company (protected areas) stays whole.
        if (!c.roles.company.empty()) f.company = p.filters.company;
        if (p.context_province) f.province = p.filters.province;
    } else {
        f = p.filters;
        f.properties.clear();
    }
    for (auto const& [key, value] : p.filters.properties) {
        if (context && !is_qualified(key)) continue;
        if (auto name = property_for(key, c); name && *name != "filter")
            f.properties.emplace_back(std::move(*name), value);
    }
    if (auto const it = own.find(c.id); it != own.end()) f.filter = geo::cql2::all_of(f.filter, it->second);
    return f;
}

// The request's parameters that collection c takes, as the request spelled
// them (a qualified property by its bare name): its items URL.
query_list params_for(geo::collection const& c, bool context, multi_download_params const& p, query_list const& query,
                      own_filter_map const& own) {
    query_list out;
    for (auto const& [key, value] : query) {
        bool const property = std::any_of(p.filters.properties.begin(), p.filters.properties.end(),
                                          [&key = key](auto const& kv) { return kv.first == key; });
        if (property) {
            if (context && !is_qualified(key)) continue;
            if (auto name = property_for(key, c)) out.emplace_back(std::move(*name), value);
            continue;
        }
        bool const filter = std::find(filter_parameters.begin(), filter_parameters.end(), key) != filter_parameters.end();
        if (filter && (!context || context_takes(key, p.context_province)) && (key != "company" || !c.roles.company.empty()))
            out.emplace_back(key, value);
    }
    // One filter= for the layer: the shared one AND its own, canonical.
    if (auto const it = own.find(c.id); it != own.end()) {
        std::shared_ptr<geo::cql2::node const> shared = context ? nullptr : p.filters.filter;
        // The combined filter is canonical text in lon/lat, whatever the request's language and filter-crs.
        std::erase_if(out, [](auto const& kv) {
            return kv.first == "filter" || kv.first == "filter-lang" || kv.first == "filter-crs";
        });
        out.emplace_back("filter", geo::cql2::to_text(*geo::cql2::all_of(shared, it->second)));
    }
    return out;
}

std::optional<response> check_properties(geo::collection const& c, feature_filters const& filters, geo::dataset const& data) {
    auto const& names = data.queryables(c);
    for (auto const& [key, value] : filters.properties) {
        if (std::find(names.begin(), names.end(), key) != names.end()) continue;
        std::string list;
        for (auto const& n : names) list += (list.empty() ? "" : ", ") + n;
        return error_response(400, make_message(message_id::download_property_missing, quote_text(c.id), quote_text(key), list));
    }
    return std::nullopt;
}

// The filter in words, one line each, for README.txt.
std::vector<std::string> filter_in_words(feature_filters const& f, filter_set const& resolved, geo::province_index const& provinces) {
    std::vector<std::string> lines;
    if (f.bbox) {
        auto const& b = *f.bbox;
        std::ostringstream box;
        box.precision(17);
        box << "within the box from longitude " << b[0] << " to " << b[2] << ", latitude " << b[1] << " to " << b[3];
        lines.push_back(box.str());
    }
    if (resolved.query.province) lines.push_back("in the province of " + provinces.provinces()[*resolved.query.province].name);
    if (f.q) lines.push_back("mentioning \"" + *f.q + "\" in name, company, purpose or nationality");
    for (auto const& [k, v] : f.properties) lines.push_back(k + " is \"" + v + "\"");
    if (f.date_from || f.date_to)
        lines.push_back("contract date from " + f.date_from.value_or("the beginning") + " to " + f.date_to.value_or("now"));
    if (f.as_of) lines.push_back("in force on " + *f.as_of + " (granted by then, not yet ended or cancelled)");
    if (f.overlaps)
        lines.push_back("overlapping " + (f.overlaps->name.empty()
                                              ? "any feature of " + f.overlaps->collection
                                              : f.overlaps->collection + " named \"" + f.overlaps->name + "\""));
    if (f.area) lines.push_back("meeting the drawn area " + geo::to_wkt(*f.area));
    if (resolved.query.filter) lines.push_back("matching the CQL2 filter " + geo::cql2::to_text(*resolved.query.filter));
    if (resolved.query.company)
        lines.push_back("held by the company " + resolved.query.company->slug +
                        " (under every spelling of its name; /companies/" + resolved.query.company->slug + " lists them)");
    return lines;
}

std::string readme_text(request_context const& ctx, std::vector<download_layer> const& layers, multi_download_params const& p,
                        filter_set const& resolved, format_info const& format, std::string const& extracted,
                        std::vector<std::string> const& file_names, std::vector<std::string> const& notes) {
    auto const& data = ctx.dataset();
    std::ostringstream t;
    t << "Concessions download\n====================\n\n"
      << "Downloaded at: " << extracted << " (data version " << data.version() << ")\n"
      << "Reproduce it:  " << ctx.url("/download", ctx.t.query) << "\n"
      << "Format:        " << format.name
      << (format.format == output_format::gpkg ? ", one layer per collection" : ", one file per collection") << "; "
      << (p.crs == geo::crs84_code ? std::string("WGS 84 longitude/latitude (EPSG:4326)")
                                   : "coordinates in " + geo::crs_uri(p.crs) + " (crs=)")
      << "\n\n"
      << "Filter\n------\n";
    auto const words = filter_in_words(p.filters, resolved, data.provinces());
    if (words.empty()) t << "None: every feature of every collection.\n";
    for (auto const& line : words) t << "- " << line << "\n";
    t << "\nConcession layers take every filter. Context layers (protected areas, forests, dams...) stay whole: "
      << (p.context_province ? "only the box, the drawn area, the company (where they name one) and the province cut them (context_province=true), and "
                             : "only the box, the drawn area and the company (where they name one) cut them (context_province=true would apply the province too), and ")
      << "properties named for them (id:property).\n";
    t << "\nCollections\n-----------\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        auto const& l = layers[i];
        auto const& pv = l.c->provenance;
        auto or_unknown = [](std::string const& s) { return s.empty() ? std::string("not stated in the catalog") : s; };
        t << "\n" << l.c->id << ": " << l.c->title << " (" << (l.context ? "context" : "concession") << " layer)\n"
          << "  " << (format.format == output_format::gpkg ? "layer:     " : "file:      ") << file_names[i] << "\n"
          << "  features:  " << l.selection->size() << "\n"
          << "  filter:    " << (l.params.empty() ? std::string("none") : query_string(l.params).substr(1)) << "\n"
          << "  same as:   " << ctx.url("/collections/" + l.c->id + "/items", l.params) << "\n"
          << "  publisher: " << or_unknown(pv.attribution) << "\n"
          << "  licence:   " << or_unknown(pv.license) << "\n"
          << "  data date: " << or_unknown(pv.as_of) << "\n"
          << "  source:    " << or_unknown(pv.source_url) << "\n"
          << "  read from: " << l.c->source << "\n";
        if (!notes[i].empty()) {
            std::istringstream lines(notes[i]);
            for (std::string line; std::getline(lines, line);) t << "  note:      " << line << "\n";
        }
    }
    return t.str();
}

// One line for a GeoPackage layer's description (gpkg_contents).
std::string layer_description(download_layer const& l, std::string const& extracted, std::string const& url) {
    auto const& pv = l.c->provenance;
    std::string out = l.c->title + ": " + std::to_string(l.selection->size()) + " features";
    for (auto const& [name, value] : {std::pair<char const*, std::string const&>{"publisher", pv.attribution},
                                      {"licence", pv.license}, {"data date", pv.as_of}, {"source", pv.source_url}})
        if (!value.empty()) out += "; " + std::string(name) + ": " + value;
    return out + "; filter: " + (l.params.empty() ? std::string("none") : query_string(l.params).substr(1)) +
           "; extracted at " + extracted + " from " + url;
}

// "concessions-elc+mining-koh-kong" plus ".gpkg", ".geojson.zip", ".shp.zip"...
std::string multi_file_name(std::vector<download_layer> const& layers, filter_set const& resolved, format_info const& format) {
    std::string name = "concessions-";
    for (auto const& l : layers) name += (&l == &layers.front() ? "" : "+") + slug(l.c->id);
    name += resolved.file_suffix;
    std::string_view const ext = format.extension;
    bool const archive = format.format == output_format::gpkg || ext.ends_with(".zip");
    return name + std::string(ext) + (archive ? "" : ".zip");
}

// The zip's entries: each layer's file(s), then README.txt.
std::vector<geo::zip_entry> zip_entries(request_context const& ctx, std::vector<download_layer> const& layers,
                                        format_info const& format, std::string const& crs, std::string const& extracted,
                                        std::vector<std::string>& file_names, std::vector<std::string>& notes) {
    std::vector<geo::zip_entry> entries;
    std::string const query(ctx.request.target);
    for (auto const& l : layers) {
        if (format.gdal) {
            geo::export_layer const layer{l.c, l.selection.get(), {l.c->source, l.c->id, extracted, query}, {}, crs};
            auto written = geo::export_layer_files(layer, ctx.dataset().provinces(), *format.gdal);
            std::string names;
            for (auto& [name, bytes] : written.files) {
                names += (names.empty() ? "" : ", ") + name;
                auto shared = std::make_shared<std::string const>(std::move(bytes));
                entries.push_back({name, [shared](std::string& out) { out += *shared; return false; }});
            }
            file_names.push_back(names);
            notes.push_back(written.notes);
        } else {
            std::string const name = geo::export_name(l.c->id) + std::string(format.extension);
            feature_projection in_crs;
            in_crs.crs = crs;
            entries.push_back({name, text_download(ctx, *l.c, l.selection, format, query, in_crs).stream});
            file_names.push_back(name);
            notes.emplace_back();
        }
    }
    return entries;
}

}  // namespace

response multi_download(request_context const& ctx) {
    auto const& data = ctx.dataset();
    auto listed = listed_collections(ctx.t.query, data);
    if (auto* e = std::get_if<response>(&listed)) return std::move(*e);
    auto const& collections = std::get<std::vector<geo::collection const*>>(listed);
    auto parsed = parse_multi_download_params(ctx.t.query, union_of_queryables(collections, data));
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto const& p = std::get<multi_download_params>(parsed);
    auto own_parsed = own_filters(p.filters);
    if (auto* e = std::get_if<response>(&own_parsed)) return std::move(*e);
    auto const& own_filter = std::get<own_filter_map>(own_parsed);

    auto resolved = resolve_filters(p.filters, data);
    if (auto* e = std::get_if<response>(&resolved)) return std::move(*e);
    auto const& concession_filters = std::get<filter_set>(resolved);

    std::vector<download_layer> layers;
    std::size_t total = 0;
    for (auto const* c : collections) {
        download_layer l{c, c->kind == "context", {}, nullptr};
        feature_filters const own = filters_for(*c, l.context, p, own_filter);
        if (auto e = check_properties(*c, own, data)) return std::move(*e);
        if (auto e = check_filters_for(*c, own, data)) return std::move(*e);
        if (auto e = check_crs(*c, p.crs)) return std::move(*e);
        l.params = params_for(*c, l.context, p, ctx.t.query, own_filter);
        auto const own_resolved = resolve_filters(own, data);  // the province resolved above: no error
        l.selection = std::make_shared<std::vector<std::uint32_t> const>(geo::select(*c, std::get<filter_set>(own_resolved).query));
        total += l.selection->size();
        layers.push_back(std::move(l));
    }

    auto const& format = info(p.format);
    if (format.gdal == geo::export_format::kml && p.crs != geo::crs84_code)
        return error_response(400, make_message(message_id::crs_kml, geo::crs_uri(p.crs)));
    std::string const extracted = now_iso();
    bool const gpkg = p.format == output_format::gpkg;
    fs::path const tmp = temporary_path(gpkg ? ".gpkg" : ".zip");
    try {
        std::vector<std::string> file_names, notes;
        if (gpkg) {
            std::string const url = ctx.url("/download", ctx.t.query);
            std::vector<geo::export_layer> exported;
            for (auto const& l : layers) {
                file_names.push_back(geo::export_name(l.c->id));
                notes.emplace_back();
                exported.push_back({l.c,
                                    l.selection.get(),
                                    {l.c->source, l.c->id, extracted, std::string(ctx.request.target)},
                                    layer_description(l, extracted, url),
                                    p.crs});
            }
            geo::export_geopackage(exported, data.provinces(), tmp,
                                   readme_text(ctx, layers, p, concession_filters, format, extracted, file_names, notes));
        } else {
            auto entries = zip_entries(ctx, layers, format, p.crs, extracted, file_names, notes);
            auto readme = std::make_shared<std::string const>(
                readme_text(ctx, layers, p, concession_filters, format, extracted, file_names, notes));
            entries.push_back({"README.txt", [readme](std::string& out) { out += *readme; return false; }});
            geo::write_zip(tmp, entries);
        }
    } catch (std::exception const& e) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return error_response(500, make_message(message_id::export_failed, e.what()));
    }
    response r = stream_file(tmp, gpkg ? format.media_type : std::string_view("application/zip"));
    if (r.status != 200) return r;
    r.cacheable = true;
    r.headers.emplace_back("Content-Crs", "<" + geo::crs_uri(p.crs) + ">");
    r.headers.insert(r.headers.begin(), {"X-Features", std::to_string(total)});
    r.headers.insert(r.headers.begin() + 1, {"Content-Disposition", "attachment; filename=\"" +
                                                                        multi_file_name(layers, concession_filters, format) + "\""});
    return r;
}

}  // namespace server
