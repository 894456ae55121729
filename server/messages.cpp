#include "server/messages.hpp"

#include <array>

namespace server {

std::span<message_template const> message_templates() {
    // The Khmer keeps parameter names, values and paths as they are (a
    // client types them); ស្រទាប់ (layer) is the page's word for a collection.
    static constexpr std::array<message_template, static_cast<std::size_t>(message_id::count_)> table = {{
        {message_id::target_malformed,
         "malformed or unsafe request target (bad %-escape, control character, or a '.'/'..' path segment)",
         "គោលដៅសំណើខុសទម្រង់ ឬមិនមានសុវត្ថិភាព (%-escape ខុស តួអក្សរបញ្ជា ឬផ្នែកផ្លូវ '.'/'..')"},
        {message_id::no_resource,
         "no resource at {0}; the API is described at /api",
         "គ្មានធនធាននៅ {0} ទេ; API ត្រូវបានពិពណ៌នានៅ /api"},
        {message_id::no_collection,
         "no collection '{0}'; collections: {1}",
         "គ្មានស្រទាប់ '{0}' ទេ; ស្រទាប់ដែលមាន៖ {1}"},
        {message_id::no_such_resource,
         "no such resource",
         "គ្មានធនធាននេះទេ"},
        {message_id::tile_not_numbers,
         "tile coordinates must be whole numbers: /tiles/{z}/{x}/{y}.geojson",
         "កូអរដោនេក្រឡាផែនទីត្រូវតែជាចំនួនគត់៖ /tiles/{z}/{x}/{y}.geojson"},
        {message_id::tile_format,
         "unknown tile format '{0}'; tiles come as .geojson or .mvt",
         "មិនស្គាល់ទម្រង់ក្រឡាផែនទី '{0}' ទេ; ក្រឡាផែនទីមានជា .geojson ឬ .mvt"},
        {message_id::zoom_range,
         "zoom {0} is outside this server's range {1}..{2}",
         "កម្រិតពង្រីក {0} នៅក្រៅចន្លោះ {1}..{2} របស់ម៉ាស៊ីនមេនេះ"},
        {message_id::no_tile,
         "tile {0}/{1}/{2} does not exist: x and y run from 0 to {3} at zoom {4}",
         "ក្រឡាផែនទី {0}/{1}/{2} មិនមានទេ៖ x និង y មានពី 0 ដល់ {3} នៅកម្រិតពង្រីក {4}"},
        {message_id::no_province,
         "no province '{0}'; closest: {1}",
         "គ្មានខេត្ត '{0}' ទេ; ជិតបំផុត៖ {1}"},
        {message_id::unknown_province,
         "unknown province '{0}'; closest: {1}",
         "មិនស្គាល់ខេត្ត '{0}' ទេ; ជិតបំផុត៖ {1}"},
        {message_id::no_asset,
         "no asset {0}",
         "គ្មានឯកសារ {0} ទេ"},
        {message_id::html_items,
         "HTML items come with the map page; use f=json",
         "ធាតុជា HTML មានជាមួយទំព័រផែនទី; សូមប្រើ f=json"},
        {message_id::no_feature,
         "no feature '{0}' in collection '{1}'",
         "គ្មានធាតុ '{0}' ក្នុងស្រទាប់ '{1}' ទេ"},
        {message_id::limit_below_one,
         "limit must be at least 1, got {0}",
         "limit ត្រូវតែយ៉ាងហោចណាស់ 1 ប៉ុន្តែបានទទួល {0}"},
        {message_id::limit_not_number,
         "limit must be a whole number from 1 to {0} (larger values are clamped), got {1}",
         "limit ត្រូវតែជាចំនួនគត់ពី 1 ដល់ {0} (តម្លៃធំជាងនេះត្រូវកាត់មកត្រឹមនេះ) ប៉ុន្តែបានទទួល {1}"},
        {message_id::offset_not_number,
         "offset must be a whole number, 0 or more, got {0}",
         "offset ត្រូវតែជាចំនួនគត់ 0 ឬច្រើនជាងនេះ ប៉ុន្តែបានទទួល {0}"},
        {message_id::format_unknown,
         "f must be one of {0}, got {1}",
         "f ត្រូវតែជាមួយក្នុងចំណោម {0} ប៉ុន្តែបានទទួល {1}"},
        {message_id::download_not_boolean,
         "download must be 1, true, yes, 0, false or no, got {0}",
         "download ត្រូវតែជា 1, true, yes, 0, false ឬ no ប៉ុន្តែបានទទួល {0}"},
        {message_id::group_unknown,
         "group must be one of {0}, got {1}",
         "group ត្រូវតែជាមួយក្នុងចំណោម {0} ប៉ុន្តែបានទទួល {1}"},
        {message_id::unknown_parameter,
         "unknown parameter {0}; accepted: {1}",
         "មិនស្គាល់ប៉ារ៉ាម៉ែត្រ {0} ទេ; ប៉ារ៉ាម៉ែត្រដែលទទួលយក៖ {1}"},
        {message_id::repeated_parameter,
         "parameter {0} given more than once",
         "ប៉ារ៉ាម៉ែត្រ {0} ត្រូវបានផ្ដល់ឱ្យច្រើនជាងម្ដង"},
        {message_id::empty_parameter,
         "parameter {0} needs a value",
         "ប៉ារ៉ាម៉ែត្រ {0} ត្រូវការតម្លៃ"},
        {message_id::sortby_empty_key,
         "sortby has an empty key; expected e.g. sortby=-area_ha,name",
         "sortby មានគន្លឹះទទេ; ឧទាហរណ៍ sortby=-area_ha,name"},
        {message_id::sortby_not_queryable,
         "sortby field {0} is not queryable; queryables: {1}",
         "វាល sortby {0} មិនអាចសួរបានទេ; វាលដែលអាចសួរបាន៖ {1}"},
        {message_id::sortby_repeated,
         "sortby field {0} given more than once",
         "វាល sortby {0} ត្រូវបានផ្ដល់ឱ្យច្រើនជាងម្ដង"},
        {message_id::stats_format,
         "f must be json for stats, got {0}",
         "f ត្រូវតែជា json សម្រាប់ស្ថិតិ ប៉ុន្តែបានទទួល {0}"},
        {message_id::bbox_count,
         "bbox needs 4 numbers: minLon,minLat,maxLon,maxLat (got {0})",
         "bbox ត្រូវការលេខ 4៖ minLon,minLat,maxLon,maxLat (បានទទួល {0})"},
        {message_id::bbox_not_number,
         "bbox {0} {1} is not a finite number",
         "bbox {0} {1} មិនមែនជាលេខកំណត់ទេ"},
        {message_id::bbox_outside,
         "bbox {0} {1} is outside -{2}..{2}",
         "bbox {0} {1} នៅក្រៅចន្លោះ -{2}..{2}"},
        {message_id::bbox_lon_order,
         "bbox minLon {0} is greater than maxLon {1}",
         "bbox minLon {0} ធំជាង maxLon {1}"},
        {message_id::bbox_lat_order,
         "bbox minLat {0} is greater than maxLat {1}",
         "bbox minLat {0} ធំជាង maxLat {1}"},
        {message_id::datetime_not_date,
         "datetime {0} is not a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or an interval start/end with '..' for an open end",
         "datetime {0} មិនមែនជាកាលបរិច្ឆេទ ឬកាលបរិច្ឆេទនិងម៉ោង (RFC 3339 ឧ. 2011-03-15 ឬ 2011-03-15T10:00:00Z) ឬចន្លោះ ចាប់ផ្ដើម/បញ្ចប់ ដោយប្រើ '..' សម្រាប់ចុងដែលបើកចំហទេ"},
        {message_id::datetime_slashes,
         "datetime {0} has more than one '/'; expected a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or an interval start/end with '..' for an open end",
         "datetime {0} មាន '/' ច្រើនជាងមួយ; ត្រូវការកាលបរិច្ឆេទ ឬកាលបរិច្ឆេទនិងម៉ោង (RFC 3339 ឧ. 2011-03-15 ឬ 2011-03-15T10:00:00Z) ឬចន្លោះ ចាប់ផ្ដើម/បញ្ចប់ ដោយប្រើ '..' សម្រាប់ចុងដែលបើកចំហ"},
        {message_id::datetime_start,
         "datetime start {0} is not a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or '..'",
         "ការចាប់ផ្ដើម datetime {0} មិនមែនជាកាលបរិច្ឆេទ ឬកាលបរិច្ឆេទនិងម៉ោង (RFC 3339 ឧ. 2011-03-15 ឬ 2011-03-15T10:00:00Z) ឬ '..' ទេ"},
        {message_id::datetime_end,
         "datetime end {0} is not a date or date-time (RFC 3339, e.g. 2011-03-15 or 2011-03-15T10:00:00Z) or '..'",
         "ការបញ្ចប់ datetime {0} មិនមែនជាកាលបរិច្ឆេទ ឬកាលបរិច្ឆេទនិងម៉ោង (RFC 3339 ឧ. 2011-03-15 ឬ 2011-03-15T10:00:00Z) ឬ '..' ទេ"},
        {message_id::datetime_order,
         "datetime interval starts ({0}) after it ends ({1})",
         "ចន្លោះ datetime ចាប់ផ្ដើម ({0}) ក្រោយពេលវាបញ្ចប់ ({1})"},
        {message_id::lang_unknown,
         "lang must be en or km, got {0}",
         "lang ត្រូវតែជា en ឬ km ប៉ុន្តែបានទទួល {0}"},
        {message_id::too_many_connections,
         "too many open connections; try again shortly",
         "មានការតភ្ជាប់បើកច្រើនពេក; សូមព្យាយាមម្ដងទៀតបន្តិចទៀត"},
        {message_id::malformed_http,
         "malformed HTTP request: {0}",
         "សំណើ HTTP ខុសទម្រង់៖ {0}"},
        {message_id::headers_too_large,
         "request headers exceed {0} bytes",
         "ក្បាលសំណើលើសពី {0} បៃ"},
        {message_id::body_too_large,
         "request body exceeds {0} bytes",
         "តួសំណើលើសពី {0} បៃ"},
        {message_id::target_too_long,
         "request target exceeds {0} bytes",
         "គោលដៅសំណើលើសពី {0} បៃ"},
        {message_id::method_not_allowed,
         "method {0} is not allowed; use GET or HEAD",
         "មិនអនុញ្ញាតវិធី {0} ទេ; សូមប្រើ GET ឬ HEAD"},
        {message_id::internal_error,
         "internal error: {0}",
         "កំហុសខាងក្នុង៖ {0}"},
        {message_id::detail,
         "{0}",
         "កំហុស៖ {0}"},
        // Not an error: a collection's description when the catalog gives none.
        {message_id::collection_description,
         "{0} ({1} features from {2})",
         "{0} (ធាតុ {1} ពីឯកសារ {2})"},
    }};
    return table;
}

std::string message::in(language lang) const {
    auto const& t = message_templates()[static_cast<std::size_t>(id)];
    std::string_view const text = lang == language::km && !t.km.empty() ? t.km : t.en;
    std::string out;
    out.reserve(text.size() + 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        // "{N}": the Nth value; other braces ("/tiles/{z}/...") are text.
        if (text[i] == '{' && i + 2 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9' && text[i + 2] == '}') {
            auto const n = static_cast<std::size_t>(text[i + 1] - '0');
            if (n < values.size()) out += values[n];
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace server
