#include "server/request_params.hpp"

#include "geo/collection.hpp"
#include "server/param_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace server {

namespace {

// OGC API - Features - Part 1 (OGC 17-069r4) section 7.15 defines limit,
// bbox and datetime; the rest are this API's own. Every parameter, in the
// order the "accepted:" part of an error message names them, and which
// routes take it: the filters (filter_parameters) go to every route that
// selects features, so no route lists them by hand.
struct parameter {
    std::string_view name;
    bool items = false, stats = false, table = false;  // beside the filters (table: timeline, overlaps)
};
constexpr std::array<parameter, 10> own_parameters = {{
    {"group", false, true, false},
    {"f", true, true, true},
    {"limit", true, false, false},
    {"offset", true, false, false},
    {"sortby", true, false, false},
    {"download", true, false, false},
    {"skipGeometry", true, false, false},
    {"properties", true, false, false},
    {"crs", true, false, false},
    {"lang", true, true, true},  // read by api::handle (server/language.hpp); never selects features
}};
constexpr std::array<std::string_view, 7> stats_groups = {"province", "company",       "purpose", "nationality",
                                                          "year",     "purpose_class", "overlap"};

// A route's keys, in the order its error messages have always named them:
// its first own key (f or group), bbox, the paging keys, the other filters,
// then the rest of its own keys.
std::vector<std::string_view> accepted_keys(bool parameter::*route) {
    std::vector<std::string_view> keys;
    for (auto const& p : own_parameters) {
        if (!(p.*route)) continue;
        keys.push_back(p.name);
        if (keys.size() == 1) keys.push_back(filter_parameters.front());
        if (p.name == "offset" || (keys.size() == 2 && route != &parameter::items))
            keys.insert(keys.end(), filter_parameters.begin() + 1, filter_parameters.end());
    }
    return keys;
}

template <typename Range>
bool contains(Range const& range, std::string_view name) {
    return std::find(std::begin(range), std::end(range), name) != std::end(range);
}

template <typename Range>
std::string join(Range const& range) {
    std::string out;
    for (auto const& item : range) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}



// Moves a parsed value into `into`, or passes the error on.
template <typename T, typename Into>
std::optional<param_error> assign(std::variant<T, param_error> parsed, Into& into) {
    if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
    into = std::move(std::get<T>(parsed));
    return std::nullopt;
}

// Decimal digits only: no sign, exponent, hex prefix or spaces. Saturates at
// SIZE_MAX rather than overflowing, so "offset=99999999999999999999999" is
// simply past the end.
std::optional<std::size_t> parse_count(std::string_view text) {
    if (text.empty()) return std::nullopt;
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    std::size_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        auto const digit = static_cast<std::size_t>(c - '0');
        value = value > (max - digit) / 10 ? max : value * 10 + digit;
    }
    return value;
}

std::variant<std::size_t, param_error> parse_limit(std::string_view text) {
    auto const n = parse_count(text);
    if ((n && *n < 1) || (text.starts_with('-') && parse_count(text.substr(1))))
        return make_param_error(message_id::limit_below_one, quote_text(text));
    if (!n)
        return make_param_error(message_id::limit_not_number, std::to_string(max_limit), quote_text(text));
    return std::min(*n, max_limit);
}

std::variant<std::size_t, param_error> parse_offset(std::string_view text) {
    if (auto const n = parse_count(text)) return *n;
    return make_param_error(message_id::offset_not_number, quote_text(text));
}

std::variant<output_format, param_error> parse_format(std::string_view text) {
    if (auto const* f = find_format(text)) return f->format;
    std::vector<std::string_view> names;
    for (auto const& f : output_formats()) {
        if (!f.alias.empty()) names.push_back(f.alias);
        names.push_back(f.name);
    }
    return make_param_error(message_id::format_unknown, join(names), quote_text(text));
}

std::variant<bool, param_error> parse_download(std::string_view text) {
    for (std::string_view yes : {"1", "true", "yes"})
        if (iequals(text, yes)) return true;
    for (std::string_view no : {"0", "false", "no"})
        if (iequals(text, no)) return false;
    return make_param_error(message_id::download_not_boolean, quote_text(text));
}

std::variant<bool, param_error> parse_context_province(std::string_view text) {
    auto parsed = parse_download(text);
    if (std::holds_alternative<param_error>(parsed))
        return make_param_error(message_id::context_province_not_boolean, quote_text(text));
    return parsed;
}

// Every data format of the table; HTML is the page, not a file to download.
std::variant<output_format, param_error> parse_download_format(std::string_view text) {
    auto const* f = find_format(text);
    if (f && f->format != output_format::html) return f->format;
    std::vector<std::string_view> names;
    for (auto const& known : output_formats()) {
        if (known.format == output_format::html) continue;
        if (!known.alias.empty()) names.push_back(known.alias);
        names.push_back(known.name);
    }
    return make_param_error(message_id::download_format_unknown, join(names), quote_text(text));
}

std::variant<std::string, param_error> parse_group(std::string_view text) {
    for (std::string_view group : stats_groups)
        if (iequals(text, group)) return std::string(group);
    return make_param_error(message_id::group_unknown, join(stats_groups), quote_text(text));
}

// f of the tables (timeline, overlaps, companies): json or csv.
std::optional<param_error> parse_table_format(std::string const& value, bool& csv) {
    csv = iequals(value, "csv");
    if (!csv && !iequals(value, "json")) return make_param_error(message_id::table_format, quote_text(value));
    return std::nullopt;
}

// main_province and province_names: queryables (/queryables lists them)
// that no feature's attributes hold; finish_filters reads them as CQL2.
bool is_flat_province(std::string_view key) { return key == "main_province" || key == "province_names"; }

// Walks the query once, refusing unknown keys, repeated keys and fixed keys
// with an empty value, and hands every other pair to
// take(key, value, is_property). A fixed key wins over a queryable of the
// same name. Returns the first error.
template <typename Take>
std::optional<param_error> walk_query(query_list const& query, std::vector<std::string_view> const& fixed,
                                      std::vector<std::string> const& queryables, Take take) {
    std::vector<std::string_view> seen;
    for (auto const& [key, value] : query) {
        bool const is_fixed = contains(fixed, key);
        bool const is_property = !is_fixed && (contains(queryables, key) || is_flat_province(key));
        if (!is_fixed && !is_property) {
            std::vector<std::string_view> accepted(fixed.begin(), fixed.end());
            for (auto const& name : queryables)
                if (!contains(fixed, name)) accepted.push_back(name);
            return make_param_error(message_id::unknown_parameter, quote_text(key), join(accepted));
        }
        if (contains(seen, key)) return make_param_error(message_id::repeated_parameter, quote_text(key));
        seen.push_back(key);
        if (is_fixed && value.empty()) return make_param_error(message_id::empty_parameter, quote_text(key));
        if (auto e = take(key, value, is_property)) return e;
    }
    return std::nullopt;
}


}  // namespace

std::variant<std::string, param_error> parse_crs(std::string_view text) {
    if (auto code = geo::crs_code(text)) return std::move(*code);
    return make_param_error(message_id::crs_unknown, "crs", quote_text(text), offered_crs_uris());
}

std::variant<feature_projection, param_error> parse_item_params(query_list const& query) {
    feature_projection p;
    for (auto const& [key, value] : query)
        if (key == "crs")
            if (auto e = assign(parse_crs(value), p.crs)) return std::move(*e);
    return p;
}

std::variant<std::vector<sort_key>, param_error> parse_sortby(std::string_view text,
                                                              std::vector<std::string> const& queryables) {
    std::vector<sort_key> keys;
    for (std::size_t start = 0;;) {
        std::size_t const comma = text.find(',', start);
        // A '+' sent unescaped arrives as a space: " name" is "+name".
        std::string_view field = trim_spaces(text.substr(start, comma - start));
        bool descending = false;
        if (field.starts_with('+') || field.starts_with('-')) {
            descending = field.front() == '-';
            field.remove_prefix(1);
        }
        if (field.empty()) return make_param_error(message_id::sortby_empty_key);
        if (!contains(queryables, field))
            return make_param_error(message_id::sortby_not_queryable, quote_text(field),
                                    queryables.empty() ? std::string("(none)") : join(queryables));
        if (std::any_of(keys.begin(), keys.end(), [&](sort_key const& k) { return k.field == field; }))
            return make_param_error(message_id::sortby_repeated, quote_text(field));
        keys.push_back(sort_key{std::string(field), descending});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return keys;
}

std::variant<std::vector<std::string>, param_error> parse_collection_list(std::string_view text) {
    std::vector<std::string> ids;
    for (std::size_t start = 0;;) {
        std::size_t const comma = text.find(',', start);
        std::string_view const id = trim_spaces(text.substr(start, comma - start));
        if (id.empty()) return make_param_error(message_id::collections_empty_name, quote_text(text));
        if (contains(ids, id)) return make_param_error(message_id::collections_repeated, quote_text(id));
        ids.emplace_back(id);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return ids;
}

namespace {
// Items' parameters; `version`, when given, also takes v= (tiles).
std::variant<items_params, param_error> parse_items_or_tile(query_list const& query,
                                                            std::vector<std::string> const& queryables,
                                                            std::string* version) {
    items_params params;
    std::vector<std::string_view> keys = accepted_keys(&parameter::items);
    if (version) keys.push_back("v");
    auto const failed = walk_query(
        query, keys, queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key)) return parse_filter(key, value, is_property, params.filters);
            if (key == "v") {
                *version = value;
                return std::nullopt;
            }
            if (key == "f") return assign(parse_format(value), params.format);
            if (key == "limit") return assign(parse_limit(value), params.limit);
            if (key == "offset") return assign(parse_offset(value), params.offset);
            if (key == "sortby") return assign(parse_sortby(value, queryables), params.sortby);
            if (key == "download") return assign(parse_download(value), params.download);
            if (key == "skipGeometry") {
                auto parsed = parse_download(value);
                if (std::holds_alternative<param_error>(parsed))
                    return make_param_error(message_id::skip_geometry_not_boolean, quote_text(value));
                params.projection.geometry = !std::get<bool>(parsed);
            }
            if (key == "crs") return assign(parse_crs(value), params.projection.crs);
            if (key == "properties") {
                // The queryables, and the computed lists no filter reads.
                std::vector<std::string> known = queryables;
                for (char const* extra :
                     {"provinces", "province_names", "main_province", "main_province_share", "overlaps"})
                    known.emplace_back(extra);
                std::vector<std::string> names;
                for (std::size_t start = 0;;) {
                    std::size_t const comma = value.find(',', start);
                    std::string const name(trim_spaces(std::string_view(value).substr(start, comma - start)));
                    // provinces_1, as the ELC layer's answers name provinces beside its Provinces
                    std::string const base(geo::added_base_name(name));
                    if (!contains(known, name) && (base.empty() || !contains(known, base)))
                        return make_param_error(message_id::properties_unknown, quote_text(name), join(known));
                    names.push_back(name);
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
                params.projection.properties = std::move(names);
            }
            return std::nullopt;
        });
    if (failed) return *failed;
    if (auto e = finish_filters(params.filters)) return std::move(*e);
    return params;
}
}  // namespace

std::variant<items_params, param_error> parse_items_params(query_list const& query,
                                                           std::vector<std::string> const& queryables) {
    return parse_items_or_tile(query, queryables, nullptr);
}

std::variant<tile_params, param_error> parse_tile_params(query_list const& query,
                                                         std::vector<std::string> const& queryables) {
    tile_params params;
    auto items = parse_items_or_tile(query, queryables, &params.version);
    if (auto* e = std::get_if<param_error>(&items)) return std::move(*e);
    params.items = std::move(std::get<items_params>(items));
    return params;
}

std::variant<stats_params, param_error> parse_stats_params(query_list const& query,
                                                           std::vector<std::string> const& queryables) {
    stats_params params;
    auto const failed = walk_query(
        query, accepted_keys(&parameter::stats), queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key)) return parse_filter(key, value, is_property, params.filters);
            if (key == "group") return assign(parse_group(value), params.group);
            if (key == "f" && !iequals(value, "json")) return make_param_error(message_id::stats_format, quote_text(value));
            return std::nullopt;
        });
    if (failed) return *failed;
    if (auto e = finish_filters(params.filters)) return std::move(*e);
    return params;
}

std::variant<table_params, param_error> parse_table_params(query_list const& query,
                                                           std::vector<std::string> const& queryables) {
    table_params params;
    auto const failed = walk_query(
        query, accepted_keys(&parameter::table), queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key))
                return parse_filter(key, value, is_property, params.filters);
            if (key == "f") return parse_table_format(value, params.csv);
            return std::nullopt;
        });
    if (failed) return *failed;
    if (auto e = finish_filters(params.filters)) return std::move(*e);
    return params;
}

std::variant<companies_params, param_error> parse_companies_params(query_list const& query) {
    companies_params params;
    std::vector<std::string> const sort_names(company_sort_keys.begin(), company_sort_keys.end());
    auto const failed =
        walk_query(query, {"q", "collections", "f", "limit", "offset", "sortby", "lang"}, {},
                   [&](std::string const& key, std::string const& value, bool) -> std::optional<param_error> {
                       if (key == "q") params.q = value;
                       if (key == "collections") return assign(parse_collection_list(value), params.collections);
                       if (key == "f") return parse_table_format(value, params.csv);
                       if (key == "limit") return assign(parse_limit(value), params.limit);
                       if (key == "offset") return assign(parse_offset(value), params.offset);
                       if (key == "sortby") return assign(parse_sortby(value, sort_names), params.sortby);
                       return std::nullopt;
                   });
    if (failed) return *failed;
    return params;
}

std::variant<bool, param_error> parse_company_params(query_list const& query) {
    bool csv = false;
    auto const failed =
        walk_query(query, {"f", "lang"}, {},
                   [&](std::string const& key, std::string const& value, bool) -> std::optional<param_error> {
                       if (key == "f") return parse_table_format(value, csv);
                       return std::nullopt;
                   });
    if (failed) return *failed;
    return csv;
}

std::variant<multi_download_params, param_error> parse_multi_download_params(query_list const& query,
                                                                             std::vector<std::string> const& queryables) {
    multi_download_params params;
    std::vector<std::string_view> keys = {"collections", "f", "context_province", "crs", "lang"};
    keys.insert(keys.end(), filter_parameters.begin(), filter_parameters.end());
    auto const failed = walk_query(
        query, keys, queryables,
        [&](std::string const& key, std::string const& value, bool is_property) -> std::optional<param_error> {
            if (is_property || contains(filter_parameters, key)) return parse_filter(key, value, is_property, params.filters);
            if (key == "collections") return assign(parse_collection_list(value), params.collections);
            if (key == "f") return assign(parse_download_format(value), params.format);
            if (key == "context_province") return assign(parse_context_province(value), params.context_province);
            if (key == "crs") return assign(parse_crs(value), params.crs);
            return std::nullopt;
        });
    if (failed) return *failed;
    if (auto e = finish_filters(params.filters)) return std::move(*e);
    if (params.collections.empty())
        return make_param_error(message_id::collections_required, "see /collections");
    return params;
}

}  // namespace server
