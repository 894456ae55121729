#pragma once
// The basemaps the map page offers beside a plain background (issue 18 §4):
// a street map and satellite imagery, each an XYZ tile URL template and the
// attribution its provider requires. `serve --basemap-url/--basemap-attribution`
// and `--imagery-url/--imagery-attribution` change them; the landing page's
// JSON (`/?f=json`, "basemaps") tells the page.

#include <string>

namespace server {

struct tile_source {
    std::string url;          // {z}/{x}/{y} template (Leaflet's, so {s} and {r} work too)
    std::string attribution;  // HTML, shown as given in the map's credit line: the operator's text, trusted
};

struct basemap_options {
    // OpenStreetMap's standard tiles: https://operations.osmfoundation.org/policies/tiles/
    tile_source osm{"https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors"};
    // Esri World Imagery: z/y/x order. Its attribution is the service's own
    // copyright text plus "Powered by Esri", as Esri's attribution rules ask
    // (https://developers.arcgis.com/documentation/esri-and-data-attribution/).
    tile_source imagery{"https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                        "Tiles &copy; <a href=\"https://www.esri.com\">Esri</a> (Powered by Esri) &mdash; Source: Esri, Maxar, "
                        "Earthstar Geographics, and the GIS User Community"};
};

}  // namespace server
