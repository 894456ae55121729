#include "geo/loader.hpp"

#include "geo/dates.hpp"
#include "geo/hash.hpp"
#include "geo/overlaps.hpp"
#include "geo/purpose_class.hpp"
#include "geo/vector_reader.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string_view>

namespace geo {

namespace fs = std::filesystem;

collection const* snapshot::find(std::string const& id) const {
    for (auto const& c : collections)
        if (c.id == id) return &c;
    return nullptr;
}

void parse_contract_dates(collection& c) {
    int const i = c.field_index(c.roles.contract_date);
    if (i < 0) return;
    bool const typed = c.fields[i].type == field_type::date || c.fields[i].type == field_type::datetime;
    std::set<std::string> examples;
    for (auto& f : c.features) {
        auto const* text = std::get_if<std::string>(&f.properties[i]);
        if (!text || text->empty()) continue;
        if (typed) {
            f.contract_date = text->substr(0, 10);
            continue;
        }
        f.contract_date = parse_date(*text);
        if (!f.contract_date) {
            ++c.report.unparseable_dates;
            note_example(c.report.unparseable_date_ids, f.id);
            if (examples.size() < 5) examples.insert(*text);
        }
    }
    c.report.unparseable_date_examples.assign(examples.begin(), examples.end());
}

void classify_purposes(collection& c) {
    int const field = c.field_index(c.roles.purpose);
    if (field < 0) return;
    for (auto& f : c.features)
        if (auto const* text = std::get_if<std::string>(&f.properties[static_cast<std::size_t>(field)]))
            f.purpose_classes = classify_purpose(*text);
}

void parse_life_dates(collection& c) {
    auto& r = c.report;
    int const end_field = c.field_index(c.roles.end_date), term_field = c.field_index(c.roles.duration_years),
              cancelled_field = c.field_index(c.roles.cancelled);
    for (auto& f : c.features) {
        if (end_field >= 0) {
            if (auto const* text = std::get_if<std::string>(&f.properties[end_field]); text && !text->empty()) {
                f.end_date = parse_date(*text);
                if (!f.end_date) ++r.unreadable_end_dates, note_example(r.unreadable_end_date_ids, f.id);
            }
        } else if (term_field >= 0 && f.contract_date) {
            std::optional<term> t;
            bool unreadable = false;
            auto const& v = f.properties[term_field];
            if (auto const* n = std::get_if<std::int64_t>(&v); n && *n > 0 && *n < 1000)
                t = term{static_cast<int>(*n), 0};
            if (auto const* x = std::get_if<double>(&v); x && *x >= 1 && *x < 1000 && *x == std::floor(*x))
                t = term{static_cast<int>(*x), 0};
            if (auto const* text = std::get_if<std::string>(&v)) t = parse_term(*text, unreadable);
            if (t) f.end_date = add_term(*f.contract_date, *t);
            if (unreadable) ++r.unreadable_durations, note_example(r.unreadable_duration_ids, f.id);
        }
        if (cancelled_field >= 0) {
            if (auto const* text = std::get_if<std::string>(&f.properties[cancelled_field]); text && !text->empty()) {
                f.cancelled_date = earliest_date_in(*text);
                if (!f.cancelled_date) ++r.undated_cancellations, note_example(r.undated_cancellation_ids, f.id);
            }
        }
    }
}

namespace {

// The sources, read as far as needed to know what they name: catalogs
// parsed, directories listed, nothing loaded.
struct gathered_sources {
    catalog all;
    std::vector<std::string> catalog_files;
    std::vector<std::string> directories;  // given as sources: a new file in one is a new collection
    std::vector<source_failure> failures;  // catalogs that cannot be read
};

gathered_sources gather(std::vector<std::string> const& sources, load_options const& options) {
    gathered_sources g;
    std::vector<std::string> plain;
    for (auto const& s : sources) {
        if (is_catalog_file(s)) {
            g.catalog_files.push_back(s);
            try {
                catalog c = read_catalog(s);
                if (g.all.title.empty()) g.all.title = c.title;
                if (c.provinces && !g.all.provinces) g.all.provinces = c.provinces;
                for (auto& cc : c.collections) g.all.collections.push_back(std::move(cc));
            } catch (std::exception const& e) {
                g.failures.push_back({s, e.what()});
            }
        } else {
            std::error_code ec;
            if (!is_database_source(s) && fs::is_directory(s, ec)) g.directories.push_back(s);
            plain.push_back(s);
        }
    }
    for (auto& cc : catalog_from_paths(plain).collections) g.all.collections.push_back(std::move(cc));
    if (!options.provinces_path.empty()) {
        province_config p;
        p.source = options.provinces_path;
        g.all.provinces = p;
    }
    return g;
}

source_options options_for(source_config const& s, load_options const& o) {
    source_options out;
    out.crs = o.crs.empty() ? s.crs : o.crs;
    out.encoding = o.encoding.empty() ? s.encoding : o.encoding;
    out.layer = s.layer;
    out.sql = s.sql;
    out.threads = o.threads;
    return out;
}

// A file source and the files read with it: a shapefile's set, in the
// case of its .shp, whether or not each exists.
std::vector<fs::path> files_of(std::string const& source) {
    fs::path const p(source);
    std::string const ext = p.extension().string();
    if (ext != ".shp" && ext != ".SHP") return {p};
    bool const upper = ext == ".SHP";
    std::vector<fs::path> files;
    for (char const* sidecar : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
        std::string e = sidecar;
        if (upper) std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::toupper(ch); });
        files.push_back(fs::path(p).replace_extension(e));
    }
    return files;
}

template <typename Visit>
void for_each_source(catalog const& cat, Visit&& visit) {
    for (auto const& c : cat.collections) visit(static_cast<source_config const&>(c));
    if (cat.provinces) visit(static_cast<source_config const&>(*cat.provinces));
}

// A hash of what the data is loaded from: catalogs and files by path, size
// and modification time, databases by their own version query (see
// database_version), plus what was asked of them. The same sources give the
// same version on every replica and across restarts, so ETags stay valid;
// a changed file or row changes it. A source whose version cannot be read
// contributes its error: the version changes when it fails and again when
// it comes back.
std::string version_of(gathered_sources const& g, load_options const& options) {
    std::uint64_t h = hash_seed;
    auto mix = [&](std::string_view s) {
        h = hash_bytes(s, h);
        h = hash_bytes("\x1f", h);  // a separator: "ab"+"c" is not "a"+"bc"
    };
    auto mix_file = [&](fs::path const& f) {
        mix(f.string());
        std::error_code ec;
        auto const size = fs::file_size(f, ec);
        if (ec) return mix("-");
        mix(std::to_string(size));
        mix(std::to_string(fs::last_write_time(f, ec).time_since_epoch().count()));
    };
    for (auto const& f : g.catalog_files) mix_file(f);
    for (auto const& f : g.failures) mix(f.source + ": " + f.message);
    for_each_source(g.all, [&](source_config const& s) {
        mix(s.source);
        mix(s.layer + "|" + s.crs + "|" + s.encoding + "|" + s.sql + "|" + s.version_sql);
        if (!is_database_source(s.source)) {
            for (auto const& f : files_of(s.source)) mix_file(f);
            return;
        }
        try {
            mix(database_version(s.source, options_for(s, options), s.version_sql));
        } catch (std::exception const& e) {
            mix(std::string("error: ") + e.what());
        }
    });
    for (auto const& c : g.all.collections) {
        mix(c.id + "|" + c.title + "|" + c.color + "|" + c.kind);
        mix(c.title_km + "|" + c.description + "|" + c.description_km);
        auto const& pv = c.provenance;
        mix(pv.attribution + "|" + pv.license + "|" + pv.source_url + "|" + pv.as_of + "|" + pv.document_url);
        for (auto const& o : c.overlaps) mix("overlaps|" + o);
    }
    mix(options.crs + "|" + options.encoding + "|" + options.provinces_path);
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

void check_roles(collection& c) {
    for (std::string* role : {&c.roles.name, &c.roles.company, &c.roles.province, &c.roles.area_ha, &c.roles.purpose,
                              &c.roles.contract_date, &c.roles.nationality, &c.roles.duration_years, &c.roles.end_date,
                              &c.roles.cancelled}) {
        if (!role->empty() && c.field_index(*role) < 0) {
            c.report.warnings.push_back("the catalog names field '" + *role + "', which the layer does not have; ignored");
            role->clear();
        }
    }
}

// The collection id: the catalog's, else the file's name, or for a
// database the table's; a source of several layers adds the layer's name.
std::string collection_id(collection_config const& cc, collection const& c, std::size_t layers) {
    if (cc.id.empty() && is_database_source(cc.source)) return id_from_name(c.layer_name);
    std::string id = cc.id.empty() ? id_from_name(fs::path(cc.source).stem().string()) : cc.id;
    if (layers > 1) id += "-" + id_from_name(c.layer_name);
    return id;
}
}  // namespace

std::string current_version(std::vector<std::string> const& sources, load_options const& options) {
    return version_of(gather(sources, options), options);
}

std::vector<fs::path> watched_paths(std::vector<std::string> const& sources, load_options const& options) {
    gathered_sources const g = gather(sources, options);
    std::vector<fs::path> paths;
    std::set<fs::path> seen;
    auto add = [&](fs::path const& p) {
        if (seen.insert(p).second) paths.push_back(p);
    };
    for (auto const& f : g.catalog_files) add(f);
    for (auto const& d : g.directories) add(d);
    for_each_source(g.all, [&](source_config const& s) {
        if (!is_database_source(s.source))
            for (auto const& f : files_of(s.source)) add(f);
    });
    return paths;
}

bool has_database_sources(std::vector<std::string> const& sources, load_options const& options) {
    gathered_sources const g = gather(sources, options);
    bool found = false;
    for_each_source(g.all, [&](source_config const& s) { found |= is_database_source(s.source); });
    return found;
}

snapshot load(std::vector<std::string> const& sources, load_options const& options) {
    using clock = std::chrono::steady_clock;
    auto const seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    auto const t_start = clock::now();
    snapshot snap;
    gathered_sources const g = gather(sources, options);
    catalog const& all = g.all;
    snap.failures = g.failures;
    snap.title = all.title.empty() ? "Concessions" : all.title;
    // Before reading: a change made while the sources are read then shows
    // as a newer version at the next check, never the other way round.
    snap.version = version_of(g, options);

    if (all.provinces) {
        try {
            auto const& p = *all.provinces;
            auto layers = read_vector_source(p.source, options_for(p, options));
            snap.provinces = province_index::from_boundaries(layers.front(), p.name_field, p.code_field);
        } catch (std::exception const& e) {
            snap.failures.push_back(
                {source_label(all.provinces->source), std::string("province boundaries: ") + e.what()});
        }
    }

    std::set<std::string> ids;
    for (auto const& cc : all.collections) {
        std::vector<collection> layers;
        try {
            layers = read_vector_source(cc.source, options_for(cc, options));
        } catch (std::exception const& e) {
            snap.failures.push_back({source_label(cc.source), e.what()});
            continue;
        }
        for (auto& c : layers) {
            std::string const id = collection_id(cc, c, layers.size());
            std::string unique = id;
            for (int n = 2; ids.count(unique); ++n) unique = id + "-" + std::to_string(n);
            c.id = unique;
            ids.insert(unique);
            c.title = !cc.title.empty() ? cc.title : !cc.sql.empty() ? c.id : c.layer_name;
            c.title_km = cc.title_km;
            c.description = cc.description;
            c.description_km = cc.description_km;
            c.color = cc.color;
            c.kind = cc.kind;
            c.provenance = cc.provenance;
            c.overlaps_with = cc.overlaps;
            c.roles = cc.roles ? *cc.roles : guess_roles(c.fields);
            check_roles(c);
            parse_contract_dates(c);
            parse_life_dates(c);
            classify_purposes(c);
            snap.collections.push_back(std::move(c));
        }
    }
    auto const t_read = clock::now();
    std::vector<collection*> all_collections;
    for (auto& c : snap.collections) all_collections.push_back(&c);
    snap.provinces.assign(all_collections, {.min_share = 0.001, .threads = options.threads});
    auto const t_provinces = clock::now();
    for (auto& c : snap.collections) c.build_index();
    auto const t_index = clock::now();
    measure_overlaps(snap.collections, options.threads);
    auto const t_overlaps = clock::now();
    snap.timings = {seconds(t_read - t_start), seconds(t_provinces - t_read), seconds(t_index - t_provinces),
                    seconds(t_overlaps - t_index)};
    return snap;
}

}  // namespace geo
