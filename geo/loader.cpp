#include "geo/loader.hpp"

#include "geo/dates.hpp"
#include "geo/hash.hpp"
#include "geo/vector_reader.hpp"

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <set>

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
            if (examples.size() < 5) examples.insert(*text);
        }
    }
    c.report.unparseable_date_examples.assign(examples.begin(), examples.end());
}

namespace {
// A hash of what the data was loaded from (paths, sizes, modification
// times, options): the same files give the same version on every replica
// and across restarts, so ETags stay valid; a changed file changes it.
std::string data_version(catalog const& cat, load_options const& options) {
    std::uint64_t h = hash_seed;
    auto mix = [&](std::string_view s) { h = hash_bytes(s, h); };
    auto mix_file = [&](std::string const& path) {
        mix(path);
        std::error_code ec;
        fs::path const p(path);
        for (auto const& ext : {std::string(), std::string(".dbf"), std::string(".prj"), std::string(".cpg")}) {
            fs::path const f = ext.empty() ? p : fs::path(p).replace_extension(ext);
            if (!fs::exists(f, ec)) continue;
            mix(std::to_string(fs::file_size(f, ec)));
            mix(std::to_string(fs::last_write_time(f, ec).time_since_epoch().count()));
        }
    };
    for (auto const& c : cat.collections) {
        mix_file(c.source);
        mix(c.id + "|" + c.title + "|" + c.layer + "|" + c.crs + "|" + c.encoding + "|" + c.color);
    }
    if (cat.provinces) mix_file(cat.provinces->source);
    mix(options.crs + "|" + options.encoding + "|" + options.provinces_path);
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

source_options options_for(source_config const& s, load_options const& o) {
    return {o.crs.empty() ? s.crs : o.crs, o.encoding.empty() ? s.encoding : o.encoding, s.layer, o.threads};
}

void check_roles(collection& c) {
    for (std::string* role : {&c.roles.name, &c.roles.company, &c.roles.province, &c.roles.area_ha, &c.roles.purpose,
                              &c.roles.contract_date, &c.roles.nationality}) {
        if (!role->empty() && c.field_index(*role) < 0) {
            c.report.warnings.push_back("the catalog names field '" + *role + "', which the layer does not have; ignored");
            role->clear();
        }
    }
}
}  // namespace

snapshot load(std::vector<std::string> const& sources, load_options const& options) {
    using clock = std::chrono::steady_clock;
    auto const seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    auto const t_start = clock::now();
    snapshot snap;
    catalog all;
    std::vector<std::string> plain;
    for (auto const& s : sources) {
        if (is_catalog_file(s)) {
            try {
                catalog c = read_catalog(s);
                if (all.title.empty()) all.title = c.title;
                if (c.provinces && !all.provinces) all.provinces = c.provinces;
                for (auto& cc : c.collections) all.collections.push_back(std::move(cc));
            } catch (std::exception const& e) {
                snap.failures.push_back({s, e.what()});
            }
        } else {
            plain.push_back(s);
        }
    }
    for (auto& cc : catalog_from_paths(plain).collections) all.collections.push_back(std::move(cc));
    snap.title = all.title.empty() ? "Concessions" : all.title;

    if (!options.provinces_path.empty()) {
        province_config p;
        p.source = options.provinces_path;
        all.provinces = p;
    }
    if (all.provinces) {
        try {
            auto const& p = *all.provinces;
            auto layers = read_vector_source(p.source, options_for(p, options));
            snap.provinces = province_index::from_boundaries(layers.front(), p.name_field, p.code_field);
        } catch (std::exception const& e) {
            snap.failures.push_back({all.provinces->source, std::string("province boundaries: ") + e.what()});
        }
    }

    std::set<std::string> ids;
    for (auto const& cc : all.collections) {
        std::vector<collection> layers;
        try {
            layers = read_vector_source(cc.source, options_for(cc, options));
        } catch (std::exception const& e) {
            snap.failures.push_back({cc.source, e.what()});
            continue;
        }
        for (auto& c : layers) {
            std::string id = cc.id.empty() ? id_from_name(fs::path(cc.source).stem().string()) : cc.id;
            if (layers.size() > 1) id += "-" + id_from_name(c.layer_name);
            std::string unique = id;
            for (int n = 2; ids.count(unique); ++n) unique = id + "-" + std::to_string(n);
            c.id = unique;
            ids.insert(unique);
            c.title = cc.title.empty() ? c.layer_name : cc.title;
            c.color = cc.color;
            c.roles = cc.roles ? *cc.roles : guess_roles(c.fields);
            check_roles(c);
            parse_contract_dates(c);
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
    snap.timings = {seconds(t_read - t_start), seconds(t_provinces - t_read), seconds(t_index - t_provinces)};
    snap.version = data_version(all, options);
    return snap;
}

}  // namespace geo
