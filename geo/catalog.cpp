#include "geo/catalog.hpp"

#include "geo/vector_reader.hpp"

#include <nlohmann/json.hpp>

#include <regex>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace geo {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string expand_variables(std::string const& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t const start = text.find("${", i);
        if (start == std::string::npos) {
            out += text.substr(i);
            break;
        }
        std::size_t const end = text.find('}', start);
        if (end == std::string::npos) throw catalog_error("unterminated ${ in '" + text + "'");
        out += text.substr(i, start - i);
        std::string expr = text.substr(start + 2, end - start - 2);
        std::string fallback;
        if (auto dflt = expr.find(":-"); dflt != std::string::npos) {
            fallback = expr.substr(dflt + 2);
            expr.resize(dflt);
        }
        char const* env = std::getenv(expr.c_str());
        out += env && *env ? std::string(env) : fallback;
        i = end + 1;
    }
    return out;
}

std::string id_from_name(std::string const& name) {
    std::string id;
    for (char c : name) {
        auto const u = static_cast<unsigned char>(c);
        if (std::isalnum(u))
            id += static_cast<char>(std::tolower(u));
        else if (!id.empty() && id.back() != '-')
            id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id.empty() ? "collection" : id;
}

field_roles guess_roles(std::vector<field> const& fields) {
    auto pick = [&](std::initializer_list<std::string_view> names) -> std::string {
        for (auto want : names)
            for (auto const& f : fields) {
                std::string lower;
                for (char c : f.name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (lower == want) return f.name;
            }
        return {};
    };
    field_roles r;
    r.name = pick({"name", "min_name", "block", "shapename", "prov_name", "title"});
    r.company = pick({"company", "operator", "developer", "owner_name", "min_name", "name"});
    r.province = pick({"provinces", "province", "prov_name", "shapename"});
    r.area_ha = pick({"hectares", "area_ha", "size_ha", "lsize_ha", "con_size_h", "landarea_h", "hectare"});
    r.purpose = pick({"purpose", "crop", "commodity", "category", "status"});
    r.contract_date = pick({"contract", "contract_date", "con_date", "issuedate", "date_sub", "date"});
    r.nationality = pick({"nation", "nationality", "in_country", "country", "dir_nation"});
    r.duration_years = pick({"duration", "duration_years", "term"});
    r.end_date = pick({"end_date", "expiry_date", "expires", "end"});
    r.cancelled = pick({"cancelled", "canceled", "cancel_date", "revoked"});
    return r;
}

bool is_catalog_file(fs::path const& path) {
    std::string ext = path.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::error_code ec;
    if (ext != ".json" || !fs::is_regular_file(path, ec) || fs::file_size(path, ec) > 1'000'000) return false;
    std::ifstream in(path);
    json const doc = json::parse(in, nullptr, false);
    return doc.is_object() && doc.contains("collections");
}

namespace {
std::string string_member(json const& obj, char const* key, std::string const& where) {
    if (!obj.contains(key)) return {};
    if (!obj[key].is_string()) throw catalog_error(where + ": \"" + key + "\" must be a string");
    return obj[key].get<std::string>();
}

void read_source(json const& obj, fs::path const& root, std::string const& where, source_config& out) {
    std::string const source = expand_variables(string_member(obj, "source", where));
    if (source.empty()) throw catalog_error(where + ": \"source\" is required");
    // Connection strings ("PG:...") and absolute paths are taken as they are.
    // A name the file system refuses (too long, say) is left to GDAL, whose
    // message says it cannot be opened.
    std::error_code no_file;
    bool const is_connection =
        is_database_source(source) || (source.find(':') != std::string::npos && !fs::exists(source, no_file));
    out.source = is_connection || fs::path(source).is_absolute() ? source : (root / source).lexically_normal().string();
    out.layer = string_member(obj, "layer", where);
    out.crs = string_member(obj, "crs", where);
    out.encoding = string_member(obj, "encoding", where);
    out.sql = string_member(obj, "sql", where);
    out.version_sql = string_member(obj, "version_sql", where);
    if (!out.sql.empty() && !out.layer.empty())
        throw catalog_error(where + ": give \"layer\" or \"sql\", not both (the query names its tables)");
    if (!out.version_sql.empty() && !is_database_source(out.source))
        throw catalog_error(where + ": \"version_sql\" is for database sources (\"PG:...\"); a file's version "
                                    "comes from its size and modification time");
}
}  // namespace

catalog read_catalog(fs::path const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw catalog_error(path.string() + ": cannot read the catalog");
    std::string const text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw catalog_error(path.string() + ": cannot read the catalog");
    return parse_catalog(text, path);
}

catalog parse_catalog(std::string_view text, fs::path const& path) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (json::exception const& e) {  // a syntax error, or a number beyond a double
        throw catalog_error(path.string() + ": not valid JSON: " + e.what());
    }
    std::string const where = path.string();
    if (!doc.is_object() || !doc.contains("collections") || !doc["collections"].is_array())
        throw catalog_error(where + ": a catalog needs a \"collections\" array");
    fs::path root = fs::absolute(path).parent_path();
    if (std::string r = expand_variables(string_member(doc, "data_root", where)); !r.empty())
        root = fs::path(r).is_absolute() ? fs::path(r) : root / r;

    catalog cat;
    cat.title = string_member(doc, "title", where);
    if (doc.contains("provinces")) {
        province_config p;
        std::string const pw = where + ": provinces";
        read_source(doc["provinces"], root, pw, p);
        p.name_field = string_member(doc["provinces"], "name_field", pw);
        p.code_field = string_member(doc["provinces"], "code_field", pw);
        cat.provinces = p;
    }
    for (std::size_t i = 0; i < doc["collections"].size(); ++i) {
        json const& c = doc["collections"][i];
        std::string const cw = where + ": collections[" + std::to_string(i) + "]";
        if (!c.is_object()) throw catalog_error(cw + " must be an object");
        collection_config cc;
        read_source(c, root, cw, cc);
        cc.id = string_member(c, "id", cw);
        if (!cc.sql.empty() && cc.id.empty())
            throw catalog_error(cw + ": a collection read with \"sql\" needs an \"id\" (a query has no name)");
        cc.title = string_member(c, "title", cw);
        cc.title_km = string_member(c, "title_km", cw);
        cc.description = string_member(c, "description", cw);
        cc.description_km = string_member(c, "description_km", cw);
        cc.color = string_member(c, "color", cw);
        auto& pv = cc.provenance;
        pv.attribution = string_member(c, "attribution", cw);
        pv.license = string_member(c, "license", cw);
        pv.source_url = string_member(c, "source_url", cw);
        pv.as_of = string_member(c, "as_of", cw);
        pv.document_url = string_member(c, "document_url", cw);
        if (!pv.as_of.empty() && !std::regex_match(pv.as_of, std::regex(R"(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)")))
            throw catalog_error(cw + ": \"as_of\" must be a date such as 2013-01-10, 2013-01 or 2013, not \"" + pv.as_of + "\"");
        if (!pv.document_url.empty() && pv.document_url.find("{document}") == std::string::npos)
            throw catalog_error(cw + ": \"document_url\" must hold {document}, where a document's file name goes");
        if (std::string kind = string_member(c, "kind", cw); !kind.empty()) {
            if (kind != "concession" && kind != "context")
                throw catalog_error(cw + ": \"kind\" must be \"concession\" or \"context\", not \"" + kind + "\"");
            cc.kind = kind;
        }
        if (c.contains("overlaps")) {
            json const& o = c["overlaps"];
            if (!o.is_array() || !std::all_of(o.begin(), o.end(), [](json const& id) { return id.is_string(); }))
                throw catalog_error(cw +
                                    ": \"overlaps\" must be an array of collection ids, such as "
                                    "[\"protected-areas\", \"community-forests\"]");
            for (auto const& id : o) cc.overlaps.push_back(id.get<std::string>());
        }
        if (c.contains("fields")) {
            json const& f = c["fields"];
            if (!f.is_object()) throw catalog_error(cw + ": \"fields\" must be an object");
            field_roles r;
            std::string const fw = cw + ".fields";
            for (auto const& [key, _] : f.items()) {
                static std::vector<std::string> const known = {
                    "name",          "company",     "province",       "area_ha",  "purpose",
                    "contract_date", "nationality", "duration_years", "end_date", "cancelled"};
                if (std::find(known.begin(), known.end(), key) == known.end())
                    throw catalog_error(fw + ": unknown role \"" + key +
                                        "\" (roles: name, company, province, area_ha, purpose, contract_date, "
                                        "nationality, duration_years, end_date, cancelled)");
            }
            r.name = string_member(f, "name", fw);
            r.company = string_member(f, "company", fw);
            r.province = string_member(f, "province", fw);
            r.area_ha = string_member(f, "area_ha", fw);
            r.purpose = string_member(f, "purpose", fw);
            r.contract_date = string_member(f, "contract_date", fw);
            r.nationality = string_member(f, "nationality", fw);
            r.duration_years = string_member(f, "duration_years", fw);
            r.end_date = string_member(f, "end_date", fw);
            r.cancelled = string_member(f, "cancelled", fw);
            cc.roles = r;
        }
        cat.collections.push_back(std::move(cc));
    }
    return cat;
}

catalog catalog_from_paths(std::vector<std::string> const& paths) {
    catalog cat;
    for (auto const& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (auto const& file : list_vector_files(p)) {
                collection_config cc;
                cc.source = file.string();
                cat.collections.push_back(std::move(cc));
            }
        } else {
            collection_config cc;
            cc.source = p;  // a file, or a connection string read as it is
            cat.collections.push_back(std::move(cc));
        }
    }
    return cat;
}

}  // namespace geo
