// /companies and /companies/{slug}: company profiles (issue 15 section 3).
// A company is every record, in every collection with a company role, whose
// company name normalises to one key (geo/companies.hpp): the list says who
// holds how much, the profile everything one company holds (its records,
// provinces, hectares, years, nationalities, overlaps with protected land)
// with links to items and downloads of exactly that set (company=<slug>).
// JSON, or with f=csv a row per company or per record.

#include "geo/feature_query.hpp"
#include "geo/feature_writer.hpp"
#include "geo/overlaps.hpp"
#include "geo/purpose_class.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"
#include "server/param_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace server {

using json = nlohmann::json;

namespace {

struct tally {
    std::size_t count = 0;
    double area_ha = 0, declared_ha = 0;

    void add(double area, double declared, double share = 1) {
        ++count;
        area_ha += area * share;
        declared_ha += declared * share;
    }
};

json tally_json(tally const& t) {
    return {{"count", t.count}, {"area_ha", round2(t.area_ha)}, {"declared_ha", round2(t.declared_ha)}};
}

// What a company holds, added up from its records.
struct holdings {
    tally all;
    std::vector<std::pair<std::string, tally>> by_collection;  // in the dataset's order
    std::map<std::string, tally> by_province;                  // hectares shared out as stats does
    std::map<std::string, tally> by_year;                      // of the contract date
    std::map<std::string, std::size_t> nationalities;          // as the source writes them
    geo::box bbox;
};

// only: the collections counted (ids); empty: all.
holdings add_up(geo::dataset const& data, geo::company const& co, std::vector<std::string> const& only = {}) {
    holdings h;
    auto const& collections = data.collections();
    for (auto const& r : co.records) {
        auto const& c = collections[r.collection];
        if (!only.empty() && std::find(only.begin(), only.end(), c.id) == only.end()) continue;
        auto const& f = c.features[r.position];
        double const declared = geo::declared_ha(c, f).value_or(0);
        h.all.add(f.area_ha, declared);
        if (h.by_collection.empty() || h.by_collection.back().first != c.id)
            h.by_collection.emplace_back(c.id, tally{});
        h.by_collection.back().second.add(f.area_ha, declared);
        for (auto const& s : f.provinces) {
            double const share = std::isnan(s.share) ? 1.0 / static_cast<double>(f.provinces.size()) : s.share;
            h.by_province[data.provinces().provinces()[s.province].name].add(f.area_ha, declared, share);
        }
        if (f.contract_date) h.by_year[f.contract_date->substr(0, 4)].add(f.area_ha, declared);
        if (std::string const n = role_text(c, c.roles.nationality, f); !geo::says_no_value(n)) ++h.nationalities[n];
        h.bbox.expand(f.bbox);
    }
    return h;
}

// Keys of a map, most hectares first.
std::vector<std::string> by_hectares(std::map<std::string, tally> const& m) {
    std::vector<std::pair<std::string, tally>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(),
                     [](auto const& a, auto const& b) { return a.second.area_ha > b.second.area_ha; });
    std::vector<std::string> keys;
    for (auto const& [k, t] : v) keys.push_back(k);
    return keys;
}

std::vector<std::string> collection_ids(holdings const& h) {
    std::vector<std::string> ids;
    for (auto const& [id, t] : h.by_collection) ids.push_back(id);
    return ids;
}

std::string joined(std::vector<std::string> const& v, std::string_view separator = "; ") {
    std::string out;
    for (auto const& s : v) out.append(out.empty() ? "" : separator).append(s);
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// Where the numbers come from, in words a report can quote.
json sources_json(geo::dataset const& data) {
    json declared = json::object(), layers = json::object();
    for (auto const& c : data.collections()) {
        if (c.roles.company.empty()) continue;
        declared[c.id] = c.roles.area_ha.empty() ? "none (the layer has no hectares field)"
                                                 : "the source's " + c.roles.area_ha + " field";
        layers[c.id] = c.layer_name + " (company: its " + c.roles.company + " field)";
    }
    return {{"area_ha", "computed from the geometry, on the WGS 84 ellipsoid"},
            {"declared_ha", declared},
            {"company",
             "records grouped by the company's name normalised: case, punctuation, words such as Co., Ltd, "
             "Limited and Group, (Cambodia), region and block markers such as (Region 1), (B01) or a closing "
             "Roman numeral, and the spelling variants of romanised Khmer (ph/p, ea/ia...); names whose other "
             "words differ stay apart. spellings lists the source's own"},
            {"layers", layers},
            {"data_version", data.version()}};
}

// ?company=<slug> on the collection's items; a download of every collection
// the company has records in.
json company_links(request_context const& ctx, geo::company const& co, holdings const& h) {
    std::string const slug = co.slug;
    json links = json::array();
    for (auto const& [id, t] : h.by_collection)
        links.push_back(link(ctx.url("/collections/" + id + "/items", {{"company", slug}}), "items",
                             "application/geo+json", "Its records in " + id + " (" + std::to_string(t.count) + ")"));
    std::string const ids = joined(collection_ids(h), ",");
    links.push_back(link(ctx.url("/download", {{"collections", ids}, {"company", slug}, {"f", "gpkg"}}), "enclosure",
                         "application/geopackage+sqlite3", "Every record as a GeoPackage"));
    links.push_back(link(ctx.url("/download", {{"collections", ids}, {"company", slug}, {"f", "geojson"}}), "enclosure",
                         "application/zip", "Every record as GeoJSON (a zip, a file per collection)"));
    return links;
}

// --- /companies ---------------------------------------------------------------

json list_entry(request_context const& ctx, geo::company const& co, holdings const& h) {
    json doc = {{"slug", co.slug},
                {"name", co.name},
                {"spellings", co.spellings},
                {"count", h.all.count},
                {"area_ha", round2(h.all.area_ha)},
                {"declared_ha", round2(h.all.declared_ha)},
                {"collections", collection_ids(h)},
                {"provinces", by_hectares(h.by_province)}};
    json nationalities = json::array();
    for (auto const& [n, count] : h.nationalities) nationalities.push_back(n);
    doc["nationalities"] = nationalities;
    doc["first_year"] = h.by_year.empty() ? json() : json(h.by_year.begin()->first);
    doc["last_year"] = h.by_year.empty() ? json() : json(h.by_year.rbegin()->first);
    doc["links"] =
        json::array({link(ctx.url("/companies/" + percent_encode(co.slug)), "item", "application/json", co.name)});
    return doc;
}

response companies_csv(std::vector<std::pair<geo::company const*, holdings>> const& rows) {
    std::string out = "slug,name,spellings,count,area_ha,declared_ha,collections,provinces,nationalities,first_year,last_year\r\n";
    for (auto const& [co, h] : rows) {
        geo::append_csv_field(out, co->slug);
        out += ',';
        geo::append_csv_field(out, co->name);
        out += ',';
        geo::append_csv_field(out, joined(co->spellings));
        out += ',' + std::to_string(h.all.count) + ',' + number(h.all.area_ha) + ',' + number(h.all.declared_ha) + ',';
        geo::append_csv_field(out, joined(collection_ids(h)));
        out += ',';
        geo::append_csv_field(out, joined(by_hectares(h.by_province)));
        out += ',';
        std::vector<std::string> nationalities;
        for (auto const& [n, count] : h.nationalities) nationalities.push_back(n);
        geo::append_csv_field(out, joined(nationalities));
        out += ',' + (h.by_year.empty() ? std::string() : h.by_year.begin()->first) + ',' +
               (h.by_year.empty() ? std::string() : h.by_year.rbegin()->first) + "\r\n";
    }
    return csv_response(std::move(out), "companies");
}

// --- /companies/{slug} ----------------------------------------------------------

json overlap_json(request_context const& ctx, geo::company const& co) {
    auto const& data = ctx.dataset();
    json out = json::array();
    std::map<std::uint32_t, std::vector<std::uint32_t>> positions;  // by collection
    for (auto const& r : co.records) positions[r.collection].push_back(r.position);
    for (auto const& [k, selection] : positions) {
        auto const& c = data.collections()[k];
        if (c.overlaps_with.empty()) continue;
        auto const summary = geo::summarize_overlaps(c, selection, data.collections());
        json inside = json::object();
        for (auto const& [id, ha] : summary.inside_ha) inside[id] = round2(ha);
        json areas = json::array();
        for (auto const& g : summary.groups) {
            auto const& t = c.overlap_targets[g.target];
            json ids = json::array();
            for (auto const i : g.features) ids.push_back(c.features[i].id);
            areas.push_back({{"collection", t.collection},
                             {"id", t.id},
                             {"name", t.name},
                             {"area_ha", round2(g.target_area_ha)},
                             {"inside_ha", round2(g.area_ha)},
                             {"concessions", ids}});
        }
        json links = json::array();
        for (auto const& other : c.overlaps_with)
            if (data.find(other))
                links.push_back(link(ctx.url("/collections/" + c.id + "/overlaps/" + other, {{"company", co.slug}}),
                                     "related", "application/json", "These records in " + other));
        out.push_back({{"collection", c.id}, {"inside_ha", inside}, {"areas", areas}, {"links", links}});
    }
    return out;
}

json record_json(request_context const& ctx, geo::collection const& c, geo::feature const& f) {
    auto const& provinces = ctx.dataset().provinces().provinces();
    json names = json::array();
    for (auto const& s : f.provinces) names.push_back(provinces[s.province].name);
    json overlaps = json::array();
    for (auto const& o : f.overlaps) {
        auto const& t = c.overlap_targets[o.target];
        overlaps.push_back(
            {{"collection", t.collection}, {"id", t.id}, {"name", t.name}, {"inside_ha", round2(o.area_ha)}});
    }
    auto const declared = geo::declared_ha(c, f);
    auto const optional_text = [](std::optional<std::string> const& s) { return s ? json(*s) : json(); };
    json doc = {{"collection", c.id},
                {"id", f.id},
                {"name", geo::name_of(c, f)},
                {"company", role_text(c, c.roles.company, f)},
                {"provinces", names},
                {"area_ha", round2(f.area_ha)},
                {"declared_ha", declared ? json(round2(*declared)) : json()},
                {"contract_date", optional_text(f.contract_date)},
                {"end_date", optional_text(f.end_date)},
                {"cancelled_date", optional_text(f.cancelled_date)},
                {"purpose", role_text(c, c.roles.purpose, f)}};
    if (c.field_index(c.roles.purpose) >= 0) {
        json classes = json::array();
        for (auto n : geo::purpose_class_names(f.purpose_classes)) classes.push_back(n);
        doc["purpose_class"] = classes;
    }
    if (!c.overlaps_with.empty()) doc["overlaps"] = overlaps;
    doc["links"] = json::array({link(ctx.url("/collections/" + c.id + "/items/" + std::to_string(f.id)), "item",
                                     "application/geo+json", geo::name_of(c, f))});
    return doc;
}

response profile_csv(geo::dataset const& data, geo::company const& co) {
    std::string out =
        "collection,id,name,company_as_written,provinces,area_ha,declared_ha,contract_date,end_date,cancelled_date,"
        "purpose,overlaps\r\n";
    for (auto const& rec : co.records) {
        auto const& c = data.collections()[rec.collection];
        auto const& f = c.features[rec.position];
        std::vector<std::string> provinces, overlaps;
        for (auto const& s : f.provinces) provinces.push_back(data.provinces().provinces()[s.province].name);
        for (auto const& o : f.overlaps) {
            auto const& t = c.overlap_targets[o.target];
            overlaps.push_back(t.collection + ": " + t.name + " (" + number(o.area_ha) + " ha)");
        }
        auto const declared = geo::declared_ha(c, f);
        out += c.id + ',' + std::to_string(f.id) + ',';
        for (std::string const& field : {geo::name_of(c, f), role_text(c, c.roles.company, f), joined(provinces)}) {
            geo::append_csv_field(out, field);
            out += ',';
        }
        out += number(f.area_ha) + ',' + (declared ? number(*declared) : "") + ',' + f.contract_date.value_or("") +
               ',' + f.end_date.value_or("") + ',' + f.cancelled_date.value_or("") + ',';
        geo::append_csv_field(out, role_text(c, c.roles.purpose, f));
        out += ',';
        geo::append_csv_field(out, joined(overlaps));
        out += "\r\n";
    }
    return csv_response(std::move(out), "company-" + slug(co.slug));
}

}  // namespace

response companies(request_context const& ctx) {
    auto parsed = parse_companies_params(ctx.t.query);
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto const& p = std::get<companies_params>(parsed);
    auto const& data = ctx.dataset();

    for (auto const& id : p.collections)
        if (!data.find(id)) {
            std::string known;
            for (auto const& k : data.collections()) known += (known.empty() ? "" : ", ") + k.id;
            return error_response(400, make_message(message_id::no_collection, id, known));
        }
    std::vector<std::pair<geo::company const*, holdings>> rows;
    for (auto const* co : data.companies().search(p.q))
        if (holdings h = add_up(data, *co, p.collections); h.all.count > 0) rows.emplace_back(co, std::move(h));
    auto const sort = p.sortby.empty() ? std::vector<sort_key>{{"area_ha", true}} : p.sortby;
    std::stable_sort(rows.begin(), rows.end(), [&](auto const& a, auto const& b) {
        for (auto const& k : sort) {
            int cmp = 0;
            if (k.field == "name") cmp = geo::ascii_lower(a.first->name).compare(geo::ascii_lower(b.first->name));
            if (k.field == "slug") cmp = a.first->slug.compare(b.first->slug);
            auto const three_way = [](double x, double y) { return x < y ? -1 : x > y ? 1 : 0; };
            if (k.field == "count") cmp = three_way(double(a.second.all.count), double(b.second.all.count));
            if (k.field == "area_ha") cmp = three_way(a.second.all.area_ha, b.second.all.area_ha);
            if (k.field == "declared_ha") cmp = three_way(a.second.all.declared_ha, b.second.all.declared_ha);
            if (cmp != 0) return k.descending ? cmp > 0 : cmp < 0;
        }
        return false;
    });
    std::size_t const matched = rows.size();
    std::size_t const first = std::min(p.offset, matched);
    std::size_t const end = first + std::min(p.limit, matched - first);
    std::vector<std::pair<geo::company const*, holdings>> page(std::make_move_iterator(rows.begin() + first),
                                                               std::make_move_iterator(rows.begin() + end));
    if (p.csv) return companies_csv(page);

    json list = json::array();
    for (auto const& [co, h] : page) list.push_back(list_entry(ctx, *co, h));
    json links = json::array({link(ctx.url("/companies", ctx.t.query), "self", "application/json"),
                              link(ctx.url("/companies", with_param(ctx.t.query, "f", "csv")), "alternate", "text/csv",
                                   "This list as CSV")});
    if (end < matched)
        links.push_back(link(ctx.url("/companies", with_param(ctx.t.query, "offset", std::to_string(end))), "next",
                             "application/json"));
    if (first > 0)
        links.push_back(link(
            ctx.url("/companies", with_param(ctx.t.query, "offset", std::to_string(first - std::min(first, p.limit)))),
            "prev", "application/json"));
    json doc = {{"numberMatched", matched},
                {"numberReturned", list.size()},
                {"companies", std::move(list)},
                {"sources", sources_json(data)},
                {"links", std::move(links)}};
    return json_response(doc);
}

response company(request_context const& ctx) {
    auto parsed = parse_company_params(ctx.t.query);
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto const& data = ctx.dataset();
    auto const* co = data.companies().find(ctx.r.id);
    if (!co) return error_response(404, make_message(message_id::company_unknown, quote_text(ctx.r.id)));
    if (std::get<bool>(parsed)) return profile_csv(data, *co);

    holdings const h = add_up(data, *co);
    json collections = json::array();
    for (auto const& [id, t] : h.by_collection) {
        json entry = tally_json(t);
        entry["id"] = id;
        collections.push_back(std::move(entry));
    }
    json provinces = json::array();
    for (auto const& name : by_hectares(h.by_province)) {
        json entry = tally_json(h.by_province.at(name));
        entry["name"] = name;
        provinces.push_back(std::move(entry));
    }
    json years = json::array();
    for (auto const& [year, t] : h.by_year) {
        json entry = tally_json(t);
        entry["year"] = year;
        years.push_back(std::move(entry));
    }
    json nationalities = json::array();
    for (auto const& [n, count] : h.nationalities) nationalities.push_back({{"name", n}, {"count", count}});
    json records = json::array();
    for (auto const& r : co->records) {
        auto const& c = data.collections()[r.collection];
        records.push_back(record_json(ctx, c, c.features[r.position]));
    }
    std::string const self = "/companies/" + percent_encode(co->slug);
    json links = json::array({link(ctx.url(self), "self", "application/json"),
                              link(ctx.url(self, {{"f", "csv"}}), "alternate", "text/csv", "Its records as CSV"),
                              link(ctx.url("/companies"), "collection", "application/json", "Every company")});
    for (auto& l : company_links(ctx, *co, h)) links.push_back(std::move(l));
    json doc = {
        {"slug", co->slug},
        {"name", co->name},
        {"spellings", co->spellings},
        {"count", h.all.count},
        {"area_ha", round2(h.all.area_ha)},
        {"declared_ha", round2(h.all.declared_ha)},
        {"bbox", h.bbox.valid() ? json::array({h.bbox.min_x, h.bbox.min_y, h.bbox.max_x, h.bbox.max_y}) : json()},
        {"collections", collections},
        {"provinces", provinces},
        {"years", years},
        {"nationalities", nationalities},
        {"overlaps", overlap_json(ctx, *co)},
        {"records", records},
        {"sources", sources_json(data)},
        {"links", links}};
    return json_response(doc);
}

}  // namespace server
