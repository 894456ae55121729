#pragma once
// Every message the API writes to a client (error descriptions), in
// English and Khmer: one row per template, keyed by message_id, values in
// {0}, {1}... A handler names the template and the values; the answer is
// written in the language the request chose (server/language.hpp), so a
// new message is a new row here, and tests/server/messages_test.cpp fails
// while its Khmer is missing.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

enum class language { en, km };

enum class message_id : std::uint8_t {
    target_malformed,
    no_resource,
    no_collection,
    no_such_resource,
    tile_not_numbers,
    tile_format,
    zoom_range,
    no_tile,
    no_province,
    unknown_province,
    no_asset,
    html_items,
    no_feature,
    limit_below_one,
    limit_not_number,
    offset_not_number,
    format_unknown,
    download_not_boolean,
    group_unknown,
    unknown_parameter,
    repeated_parameter,
    empty_parameter,
    sortby_empty_key,
    sortby_not_queryable,
    sortby_repeated,
    stats_format,
    bbox_count,
    bbox_not_number,
    bbox_outside,
    bbox_lon_order,
    bbox_lat_order,
    datetime_not_date,
    as_of_not_date,
    overlaps_syntax,
    overlaps_not_measured,
    overlaps_no_feature,
    overlap_group_unmeasured,
    purpose_class_unknown,
    company_unknown,
    company_unknown_closest,
    filter_syntax,
    filter_invalid,
    filter_lang_unknown,
    filter_crs_unknown,
    projection_text_only,
    properties_unknown,
    skip_geometry_not_boolean,
    crs_unknown,
    crs_unsupported,
    crs_kml,
    crs_failed,
    bbox_crs_order,
    bbox_crs_outside,
    table_format,
    datetime_slashes,
    datetime_start,
    datetime_end,
    datetime_order,
    lang_unknown,
    boundary_zoom,
    intersects_unusable,
    context_province_not_boolean,
    download_format_unknown,
    collections_required,
    collections_empty_name,
    collections_repeated,
    download_unknown_collection,
    download_property_missing,
    export_failed,
    too_many_connections,
    malformed_http,
    obs_fold,
    host_missing,
    host_invalid,
    length_invalid,
    transfer_and_length,
    chunked_not_final,
    coding_unknown,
    transfer_in_http10,
    chunk_invalid,
    expectation_unknown,
    headers_too_large,
    body_too_large,
    target_too_long,
    method_not_allowed,
    internal_error,
    detail,
    collection_description,
    count_
};

struct message_template {
    message_id id;
    std::string_view en, km;
};
// In message_id order.
std::span<message_template const> message_templates();

struct message {
    message_id id = message_id::detail;
    std::vector<std::string> values;

    // The template in `lang` with {0}, {1}... replaced by the values.
    std::string in(language lang) const;
};

template <class... Values>
message make_message(message_id id, Values&&... values) {
    return message{id, {std::string(std::forward<Values>(values))...}};
}

}  // namespace server
