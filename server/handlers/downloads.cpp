// Items as an attachment: GeoJSON and CSV written here piece by piece as
// the client takes them; KML, GeoPackage and shapefile written by GDAL's
// own drivers to a temporary file, then streamed from it.

#include "geo/feature_writer.hpp"
#include "server/handlers/handlers.hpp"

#include <filesystem>
#include <fstream>
#include <random>

namespace server {

namespace fs = std::filesystem;

namespace {

// GeoJSON or CSV, a slice of features per call (512 KiB at most), so that
// memory stays flat however many features match.
response text_download(request_context const& ctx, geo::collection const& c,
                       std::shared_ptr<std::vector<std::uint32_t> const> selection, format_info const& format,
                       std::string const& extracted, std::string const& query) {
    auto const data = ctx.data;  // the stream outlives this call: keep the dataset alive
    bool const csv = format.format == output_format::csv;
    std::string prologue;
    std::string provenance_cells;
    if (csv) {
        prologue = geo::csv_header(c);
        prologue.insert(prologue.size() - 2, ",source_layer,extracted_at");  // provenance on every row
        std::string quoted = "\"";
        for (char ch : c.source) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        provenance_cells = "," + quoted + "\"," + extracted;
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
        prologue += R"(,"extracted_at":")" + extracted + R"(","query":)";
        geo::append_json_string(prologue, query);
        prologue += R"(,"data_version":")" + data->version() + R"("},"numberMatched":)" + std::to_string(selection->size()) +
                    R"(,"features":[)";
    }
    response r;
    r.content_type = std::string(format.media_type);
    auto position = std::make_shared<std::size_t>(0);
    auto started = std::make_shared<bool>(false);
    geo::collection const* cp = &c;
    r.stream = [data, cp, selection, position, started, prologue, csv, provenance_cells](std::string& out) {
        if (!*started) {
            out += prologue;
            *started = true;
        }
        auto const& sel = *selection;
        while (*position < sel.size() && out.size() < 512 * 1024) {
            if (csv) {
                geo::append_csv_row(out, cp->features[sel[*position]], data->provinces());
                out.insert(out.size() - 2, provenance_cells);
            } else {
                if (*position > 0) out += ',';
                data->append_feature(out, *cp, sel[*position]);
            }
            ++*position;
        }
        if (*position < sel.size()) return true;
        if (!csv) out += "]}";
        return false;
    };
    return r;
}

// Written by GDAL to a temporary file, unlinked once open and streamed from there.
response gdal_download(request_context const& ctx, geo::collection const& c, std::vector<std::uint32_t> const& selection,
                       format_info const& format, std::string const& extracted, std::string const& query) {
    std::random_device rd;
    fs::path const tmp =
        fs::temp_directory_path() / ("concessions-" + std::to_string(rd()) + std::to_string(rd()) + std::string(format.extension));
    try {
        geo::export_features(c, selection, ctx.dataset().provinces(), *format.gdal, tmp, {c.source, c.id, extracted, query});
    } catch (std::exception const& e) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return error_response(500, std::string("export failed: ") + e.what());
    }
    auto file = std::make_shared<std::ifstream>(tmp, std::ios::binary);
    std::error_code ignored;
    auto const size = fs::file_size(tmp, ignored);
    fs::remove(tmp, ignored);  // the open stream keeps the data until it closes
    if (!*file) return error_response(500, "export failed: cannot reopen the written file");
    response r;
    r.content_type = std::string(format.media_type);
    r.headers.emplace_back("X-Content-Bytes", std::to_string(size));
    r.stream = [file](std::string& out) {
        out.resize(64 * 1024);
        file->read(out.data(), static_cast<std::streamsize>(out.size()));
        out.resize(static_cast<std::size_t>(file->gcount()));
        return static_cast<bool>(*file);
    };
    return r;
}

}  // namespace

response download(request_context const& ctx, geo::collection const& c, std::vector<std::uint32_t> selection,
                  format_info const& format, std::string const& file_stem) {
    std::string const extracted = now_iso();
    std::string const query(ctx.request.target);
    std::size_t const count = selection.size();
    response r = format.gdal ? gdal_download(ctx, c, selection, format, extracted, query)
                             : text_download(ctx, c, std::make_shared<std::vector<std::uint32_t> const>(std::move(selection)),
                                             format, extracted, query);
    if (r.status != 200) return r;
    r.cacheable = true;
    r.headers.insert(r.headers.begin(), {"X-Features", std::to_string(count)});
    r.headers.insert(r.headers.begin() + 1,
                     {"Content-Disposition", "attachment; filename=\"" + file_stem + std::string(format.extension) + "\""});
    return r;
}

}  // namespace server
