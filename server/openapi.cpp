#include "server/openapi.hpp"

#include "server/formats.hpp"

namespace server {

using json = nlohmann::json;

namespace {
json param(std::string name, std::string in, std::string description, json schema, bool required = false) {
    return {{"name", std::move(name)}, {"in", std::move(in)}, {"description", std::move(description)},
            {"schema", std::move(schema)}, {"required", required}};
}

json ok(std::string description, std::string type = "application/json") {
    return {{"200", {{"description", std::move(description)}, {"content", {{std::move(type), json::object()}}}}},
            {"304", {{"description", "Not modified (If-None-Match matched the ETag)"}}},
            {"400", {{"$ref", "#/components/responses/Error"}}},
            {"404", {{"$ref", "#/components/responses/Error"}}}};
}

json filter_params() {
    return json::array({
        param("bbox", "query", "Features whose geometry meets this box: minLon,minLat,maxLon,maxLat (WGS 84)",
              {{"type", "array"}, {"minItems", 4}, {"maxItems", 6}, {"items", {{"type", "number"}}}}),
        param("province", "query", "Province in any common spelling, in Khmer, or by NIS/ISO code (Ratanakiri, Ratanak Kiri, រតនគិរី, 16, KH-16)",
              {{"type", "string"}}),
        param("q", "query",
              "Text search in name, company, purpose and nationality: case-insensitive; a Khmer province or crop name "
              "finds what its English word does (កៅស៊ូ: rubber); company spellings meet (Pheapimex finds Phea Phimex Co., "
              "Ltd: romanisation variants and Co., Ltd, Group folded, from the start of a word, 4 letters or more)",
              {{"type", "string"}}),
        param("datetime", "query", "Contract date: an instant (2011-03-15) or an interval (2010-01-01/2012-12-31, ../2012, 2010/..)",
              {{"type", "string"}}),
        param("intersects", "query",
              "Features whose geometry meets this area (exact test): a POLYGON or MULTIPOLYGON in WKT, longitude latitude "
              "(WGS 84), rings closed, not self-intersecting, at most 1000 vertices; e.g. "
              "POLYGON((104 12,105 12,105 13,104 13,104 12)). The name of CQL2's S_INTERSECTS.",
              {{"type", "string"}}),
        param("as_of", "query",
              "The concessions in force on this day (YYYY-MM-DD): granted on or before it, not yet ended (contract date "
              "plus duration, or an end date) or cancelled. Concessions without a contract date are never in force.",
              {{"type", "string"}, {"format", "date"}}),
        param("overlaps", "query",
              "The features that overlap protected land: a collection this one is measured against (its document's "
              "overlaps_with, e.g. overlaps=protected-areas), or one feature of it by id or words of its name "
              "(overlaps=protected-areas:Beng Per). Each item's overlaps property gives the hectares.",
              {{"type", "string"}}),
        param("company", "query",
              "One company's records: its slug (company=angkor-sugar, from /companies) or any spelling of its name "
              "(Angkor Sugar Co., Ltd (Region 3)); every record whose company name normalises to the same key. "
              "An unknown company is a 400 naming those whose names hold its words.",
              {{"type", "string"}}),
        param("filter", "query",
              "A CQL2 filter (OGC API - Features Part 3; OGC 21-065) on the collection's queryables and geometry: "
              "comparisons, LIKE, BETWEEN, IN, IS NULL, CASEI, ACCENTI, arithmetic, S_INTERSECTS and the other spatial "
              "functions on POINT, LINESTRING, POLYGON, MULTIPOLYGON and BBOX literals in longitude latitude, T_INTERSECTS "
              "and the other temporal functions on DATE, TIMESTAMP and INTERVAL; e.g. Hectares > 10000 AND "
              "T_AFTER(contract_date, DATE('2008-12-31')). A filter that does not parse or fit is a 400 naming the character.",
              {{"type", "string"}}),
        param("filter-lang", "query", "The language of filter", {{"type", "string"}, {"enum", {"cql2-text", "cql2-json"}}, {"default", "cql2-text"}}),
        param("filter-crs", "query",
              "The CRS of the filter's geometry literals, in its axis order (EPSG:4326: latitude first); a BBOX in "
              "UTM is the box itself, not its envelope in degrees",
              {{"type", "string"}, {"format", "uri"}, {"enum", {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/EPSG/0/4326", "http://www.opengis.net/def/crs/EPSG/0/3857", "http://www.opengis.net/def/crs/EPSG/0/32648", "http://www.opengis.net/def/crs/EPSG/0/3148"}}, {"default", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}),
        param("bbox-crs", "query",
              "The CRS of bbox (OGC API - Features Part 2), its numbers in that CRS's axis order (EPSG:4326: latitude "
              "first); a UTM box selects what meets the box itself, not its envelope in degrees",
              {{"type", "string"}, {"format", "uri"}, {"enum", {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/EPSG/0/4326", "http://www.opengis.net/def/crs/EPSG/0/3857", "http://www.opengis.net/def/crs/EPSG/0/32648", "http://www.opengis.net/def/crs/EPSG/0/3148"}}, {"default", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}),
    });
}
}  // namespace

json openapi_document(std::string const& title, std::string const& base_url, std::vector<openapi_collection> const& collections) {
    json ids = json::array();
    for (auto const& c : collections) ids.push_back(c.id);
    json const collection_id = param("collectionId", "path", "Collection id", {{"type", "string"}, {"enum", ids}}, true);

    json items_params = filter_params();
    items_params.push_back(param("limit", "query", "Features per page (1 to 10000; larger values are clamped)",
                                 {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}, {"default", 10}}));
    items_params.push_back(param("offset", "query", "Features to skip", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}));
    items_params.push_back(param("sortby", "query", "Sort keys: +field or -field, comma-separated (e.g. -area_ha)", {{"type", "string"}}));
    json format_names = json::array();
    for (auto const& f : output_formats()) {
        if (f.format == output_format::html) continue;  // the page, not a data format
        if (!f.alias.empty()) format_names.push_back(f.alias);
        format_names.push_back(f.name);
    }
    items_params.push_back(param("f", "query", "Output format", {{"type", "string"}, {"enum", format_names}}));
    items_params.push_back(param("download", "query", "Return every match as an attachment (no paging)", {{"type", "boolean"}}));
    items_params.push_back({{"name", "properties"},
                            {"in", "query"},
                            {"description", "Any queryable property (see /collections/{collectionId}/queryables) as name=value: equality, case-insensitive for text"},
                            {"schema", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
                            {"style", "form"},
                            {"explode", true}});
    items_params.insert(items_params.begin(), collection_id);

    // Not a filter: it changes the API's own words, never the features.
    json const lang = param("lang", "query",
                            "Language of the API's own text: collection titles and descriptions, province titles, error "
                            "descriptions. en or km (Khmer); without it, the Accept-Language header decides (q-values "
                            "honoured), else English. Answers that change with it say Vary: Accept-Language.",
                            {{"type", "string"}, {"enum", {"en", "km"}}});
    items_params.push_back(lang);
    json const crs = param("crs", "query",
                           "The CRS of the answer's coordinates (OGC API - Features Part 2), in its axis order (EPSG:4326: "
                           "latitude first); metres to the centimetre; the collection's crs lists what it offers (also its "
                           "storageCrs); Content-Crs names it. Not for KML, always longitude/latitude",
                           {{"type", "string"}, {"format", "uri"}, {"default", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}});
    items_params.push_back(crs);
    items_params.push_back(param("skipGeometry", "query", "true: features without their geometry (null; no WKT column in CSV)",
                                 {{"type", "boolean"}, {"default", false}}));
    items_params.push_back(param("properties", "query",
                                 "Only these properties (comma-separated queryables, provinces, overlaps); GeoJSON and CSV",
                                 {{"type", "array"}, {"items", {{"type", "string"}}}}));

    json timeline_params = filter_params();
    timeline_params.insert(timeline_params.begin(), collection_id);
    timeline_params.push_back(lang);
    timeline_params.push_back(param("f", "query", "Format", {{"type", "string"}, {"enum", {"json", "csv"}}, {"default", "json"}}));
    json overlaps_params = timeline_params;
    overlaps_params.insert(overlaps_params.begin() + 1,
                           param("otherId", "path", "A collection this one is measured against (its overlaps_with)", {{"type", "string"}}, true));
    json stats_params = filter_params();
    stats_params.insert(stats_params.begin(), collection_id);
    stats_params.push_back(lang);
    stats_params.push_back(param("group", "query", "Group by", {{"type", "string"}, {"enum", {"province", "company", "purpose", "nationality", "year", "purpose_class", "overlap"}}, {"default", "province"}}));

    json download_params = filter_params();
    download_params.insert(download_params.begin(),
                           param("collections", "query", "The collections to download, comma-separated, each once (e.g. elc,mining)",
                                 {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}, {"enum", ids}}}}, true));
    download_params.push_back(param("f", "query",
                                    "gpkg: one GeoPackage with a layer per collection, named by its id, and the provenance "
                                    "(README) in its metadata; any other format: a zip with a file per collection (a shapefile's "
                                    "parts) and README.txt (publisher, licence, data date, source, filter, counts, the URL that "
                                    "reproduces the download)",
                                    {{"type", "string"}, {"enum", format_names}, {"default", "gpkg"}}));
    download_params.push_back(crs);
    download_params.push_back(param("context_province", "query",
                                    "Whether province also narrows context layers (protected areas, forests, dams), which "
                                    "otherwise only bbox cuts; the other filters never apply to them",
                                    {{"type", "boolean"}, {"default", false}}));
    download_params.push_back({{"name", "properties"},
                               {"in", "query"},
                               {"description", "A queryable property as name=value: applies to every concession layer listed (each must have it); context layers ignore it. Named for one collection as id:name=value (elc:Purpose=Rubber), it applies to that collection alone, whatever its kind; id:filter=<CQL2> is a filter for that collection alone, AND-ed with filter="},
                               {"schema", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
                               {"style", "form"},
                               {"explode", true}});
    json download_responses = ok("A GeoPackage (f=gpkg) or a zip (the other formats)", "application/geopackage+sqlite3");
    download_responses["200"]["content"]["application/zip"] = json::object();

    json paths = {
        {"/", {{"get", {{"summary", "Landing page (HTML for browsers, JSON with f=json or Accept: application/json)"}, {"operationId", "getLandingPage"},
                        {"parameters", {param("f", "query", "json or html", {{"type", "string"}, {"enum", {"json", "html"}}})}},
                        {"responses", ok("The landing page; in JSON, \"basemaps\" lists the map page's basemaps (id osm or satellite, title, "
                                          "XYZ tile url, attribution as HTML), set by serve --basemap-url and --imagery-url")}}}}},
        {"/api", {{"get", {{"summary", "This API definition"}, {"operationId", "getAPI"}, {"responses", ok("OpenAPI 3.0", "application/vnd.oai.openapi+json;version=3.0")}}}}},
        {"/conformance", {{"get", {{"summary", "Conformance classes"}, {"operationId", "getConformance"}, {"responses", ok("Conformance declaration")}}}}},
        {"/collections", {{"get", {{"summary", "The collections"}, {"operationId", "getCollections"}, {"parameters", {lang}}, {"responses", ok("Collections")}}}}},
        {"/collections/{collectionId}", {{"get", {{"summary", "One collection"}, {"operationId", "describeCollection"}, {"parameters", {collection_id, lang}}, {"responses", ok("Collection")}}}}},
        {"/collections/{collectionId}/queryables", {{"get", {{"summary", "Properties a client may filter and sort on"}, {"operationId", "getQueryables"}, {"parameters", {collection_id}}, {"responses", ok("JSON Schema", "application/schema+json")}}}}},
        {"/collections/{collectionId}/items", {{"get", {{"summary", "Features, filtered, sorted and paged, or downloaded"}, {"operationId", "getFeatures"}, {"parameters", items_params},
                                                         {"responses", ok("A FeatureCollection with numberMatched, numberReturned and links", "application/geo+json")}}}}},
        {"/collections/{collectionId}/items/{featureId}", {{"get", {{"summary", "One feature"}, {"operationId", "getFeature"},
                                                                     {"parameters", {collection_id, param("featureId", "path", "Stable feature id", {{"type", "integer"}}, true), crs}},
                                                                     {"responses", ok("A Feature", "application/geo+json")}}}}},
        {"/collections/{collectionId}/stats", {{"get", {{"summary", "Count, computed and declared hectares per group, for the same filters as items; group=overlap: per overlapped feature (a protected area, say), the concessions and their hectares inside it, land counted once, and inside_ha per measured collection"}, {"operationId", "getStatistics"},
                                                         {"parameters", stats_params}, {"responses", ok("Statistics")}}}}},
        {"/collections/{collectionId}/timeline", {{"get", {{"summary", "Per year: count, computed and declared hectares granted, cancelled, ended, and in force at the year's end, for the same filters as items"}, {"operationId", "getTimeline"},
                                                            {"parameters", timeline_params}, {"responses", ok("Timeline (JSON, or CSV with f=csv)")}}}}},
        {"/collections/{collectionId}/overlaps/{otherId}", {{"get", {{"summary", "Each feature of another collection (a protected area, say) that the selected concessions overlap, with those concessions, their companies and hectares inside it, land counted once; for the same filters as items"}, {"operationId", "getOverlaps"},
                                                                     {"parameters", overlaps_params}, {"responses", ok("Overlap table (JSON, or CSV with f=csv: a row per pair)")}}}}},
        {"/provinces", {{"get", {{"summary", "Province boundaries with per-collection counts and hectares"},
                                 {"description", "Each province's properties: name (the English display name whatever the language; "
                                                 "province= takes it), name_km (the Khmer name, null for a province the gazetteer "
                                                 "does not know), title (the name in the chosen language, for display), code, "
                                                 "source_name, area_ha, collections"},
                                 {"operationId", "getProvinces"}, {"parameters", {lang, param("zoom", "query", "Boundaries simplified for drawing at this Web Mercator zoom (under half a pixel); absent: every vertex",
                                                                      {{"type", "integer"}, {"minimum", 0}, {"maximum", 24}})}}, {"responses", ok("Provinces", "application/geo+json")}}}}},
        {"/provinces/{province}", {{"get", {{"summary", "One province"}, {"operationId", "getProvince"},
                                            {"parameters", {param("province", "path", "Name in any common spelling (Khmer too: កោះកុង), or code", {{"type", "string"}}, true), lang}},
                                            {"responses", ok("A province", "application/geo+json")}}}}},
        {"/companies", {{"get", {{"summary", "Every company with records in a collection with a company role, its spellings grouped (case, punctuation, Co., Ltd, region markers such as (Region 1), romanised Khmer variants folded): records, computed and declared hectares, collections, provinces, nationalities, first and last contract year"},
                                 {"operationId", "getCompanies"},
                                 {"parameters", {param("q", "query", "Words of a company's name, as the q filter reads them (Pheapimex finds Phea Phimex Co., Ltd)", {{"type", "string"}}),
                                                 param("collections", "query", "Only records in these collections (comma-separated ids), e.g. elc,mining", {{"type", "string"}}),
                                                 param("sortby", "query", "name, slug, count, area_ha or declared_ha, each with - for descending; default -area_ha", {{"type", "string"}}),
                                                 param("limit", "query", "Companies per page (1 to 10000); default all", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10000}}),
                                                 param("offset", "query", "Companies to skip", {{"type", "integer"}, {"minimum", 0}}),
                                                 param("f", "query", "Format", {{"type", "string"}, {"enum", {"json", "csv"}}, {"default", "json"}}), lang}},
                                 {"responses", ok("Companies (JSON, or CSV with f=csv: a row per company)")}}}}},
        {"/companies/{slug}", {{"get", {{"summary", "One company's profile: every record across collections, provinces, hectares (computed and declared), contract years, nationalities, overlaps with protected land (land counted once per collection), and links to its items and downloads (company=<slug>)"},
                                        {"operationId", "getCompany"},
                                        {"parameters", {param("slug", "path", "The company's slug (from /companies) or any spelling of its name", {{"type", "string"}}, true),
                                                        param("f", "query", "Format", {{"type", "string"}, {"enum", {"json", "csv"}}, {"default", "json"}}), lang}},
                                        {"responses", ok("A company (JSON, or CSV with f=csv: a row per record)")}}}}},
        {"/download", {{"get", {{"summary", "Several collections under one filter in one file: concession layers take every filter, context layers stay whole but for bbox, intersects, company and (when asked) province"},
                                {"operationId", "downloadCollections"}, {"parameters", download_params},
                                {"responses", download_responses}}}}},
        {"/healthz", {{"get", {{"summary", "Liveness and data version"}, {"operationId", "getHealth"}, {"responses", {{"200", {{"description", "Serving"}}}}}}}}},
        {"/metrics", {{"get", {{"summary", "Prometheus metrics"}, {"operationId", "getMetrics"}, {"responses", {{"200", {{"description", "Prometheus text format"}}}}}}}}},
    };
    json const error_schema = {{"type", "object"},
                               {"properties", {{"code", {{"type", "string"}}}, {"description", {{"type", "string"}}}}}};
    json const error_response = {{"description", "An error: {\"code\", \"description\"}"},
                                 {"content", {{"application/json", {{"schema", error_schema}}}}}};
    json doc;
    doc["openapi"] = "3.0.3";
    doc["info"] = {{"title", title}, {"version", "1.0.0"}, {"description", "OGC API - Features server for land concessions"}};
    doc["servers"] = json::array({{{"url", base_url}}});
    doc["paths"] = paths;
    doc["components"]["responses"]["Error"] = error_response;
    return doc;
}

}  // namespace server
