// English and Khmer labels. Data values (company names, purposes) come from
// the sources and stay as they are; only the page's own words are translated.

const strings = {
  en: {
    title: "Cambodia's concessions",
    skip_to_panel: 'Skip to filters and list',
    search: 'Search',
    search_placeholder: 'Company or concession name',
    search_label: 'Search by company or name',
    search_results: 'Search results',
    search_none: 'No concession matches “{q}”.',
    search_more: '{n} more: refine the search',
    panel: 'Filters',
    close: 'Close',
    language: 'Language',
    sample_notice: 'This map shows the bundled synthetic sample data, not real concessions.',
    sample_notice_server: 'Server says: {text}',
    filters: 'Filters',
    collection: 'Statistics, list and download for',
    province: 'Province',
    all_provinces: 'All provinces',
    purpose: 'Purpose / crop',
    country: 'Investor country',
    year_from: 'Contract year from',
    year_to: 'to',
    any: 'Any',
    clear_filters: 'Clear filters',
    layers: 'Layers and legend',
    colour_by_purpose: 'Colour {c} by purpose / crop',
    other: 'Other',
    unknown: 'Not stated',
    province_boundaries: 'Province boundaries',
    stats: 'Statistics',
    count: 'Concessions',
    hectares: 'Hectares (computed)',
    declared: 'Hectares (declared)',
    top_companies: 'Largest holders',
    list: 'Concessions in view',
    list_summary: '{shown} of {inview} in view · {total} match the filters',
    list_empty: 'None in view. Zoom out or clear filters.',
    show_more: 'Show more',
    col_name: 'Name',
    col_province: 'Province',
    col_area: 'Hectares',
    col_year: 'Year',
    sort_by: 'Sort by {col}',
    download: 'Download',
    download_what: '{layer}: everything that matches the filters ({n} features), not only the view.',
    download_view_only: 'Only what is in the map view',
    download_all: 'Download everything shown ({n} layers)',
    download_all_what: 'Or every layer shown, under these filters, in one file: a GeoPackage with a layer each, or a zip of a file per layer, with a README of sources and licences.',
    format: 'Format',
    settings: 'Map settings',
    basemap: 'Basemap tile URL',
    basemap_help: 'An XYZ template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png; “none” for a plain background.',
    apply: 'Apply',
    reset: 'Default',
    basemap_offline: 'The basemap could not be loaded; showing provinces on a plain background.',
    detail: 'Concession',
    company: 'Company',
    area_computed: 'Area, computed from the boundary',
    area_declared: 'Area, declared in the source',
    difference: 'difference',
    contract_date: 'Contract date',
    provinces_shares: 'Provinces (share of its area)',
    all_attributes: 'All attributes',
    sources: 'Sources',
    source_layer: 'Layer',
    source_api: 'This feature as GeoJSON',
    zoom_to: 'Zoom to it',
    copy_link: 'Copy link',
    copied: 'Link copied',
    filter_province: 'Show only {p}',
    in_province: 'In this province',
    loading: 'Loading…',
    credit: 'Data: {who}; licence {license}; as of {date}',
    term: 'Term',
    term_to: '{n} years, to {year}',
    term_years: '{n} years',
    error: 'Could not load {what}: {why}',
    ha: 'ha',
    map_label: 'Map of concessions',
    // Draw an area, print and export, embed (issue 18 §4).
    draw_area: 'Draw an area',
    draw_polygon: 'Polygon',
    draw_rectangle: 'Rectangle',
    area_from_view: 'The map view',
    clear_area: 'Clear area',
    cancel_drawing: 'Cancel drawing',
    draw_polygon_hint: 'Click or tap to add corners; click the first corner, double-click or press Enter to finish. Escape cancels.',
    draw_rectangle_hint: 'Click or tap two opposite corners. Escape cancels.',
    area_crossing: 'The edges crossed each other: draw the area again.',
    area_note: 'Only what lies in the drawn area ({km2} km²), on every layer: map, statistics, list and download.',
    area_drawn: 'drawn area',
    print_export: 'Print or export the map',
    print_layout: 'Page layout',
    layout_a4_landscape: 'A4 landscape',
    layout_a4_portrait: 'A4 portrait',
    layout_a3_landscape: 'A3 landscape',
    layout_a3_portrait: 'A3 portrait',
    print_title: 'Title',
    print: 'Print',
    print_back: 'Back to the map',
    download_png: 'Download PNG',
    png_working: 'Drawing the image…',
    png_done: 'The image is downloaded.',
    scale: 'Scale',
    north: 'North',
    north_letter: 'N',
    map_dates: 'Map made on {made}; data as of {data}.',
    embed_map: 'Embed this map',
    embed_help: 'Paste this code into a web page to show this view and these filters, without the panels.',
    embed_size: 'Size',
    embed_code: 'Embed code',
    size_small: 'Small',
    size_medium: 'Medium',
    size_large: 'Large',
    copy: 'Copy',
    code_copied: 'Copied.',
    open_full_map: 'Open the full map',
    // Loading and failures (status.js).
    retry: 'Retry',
    server_unreachable: 'The server cannot be reached: check the connection, then retry.',
    no_answer: 'no answer from the server',
    tiles_of: 'the map of {layer}',
    basemap_and_boundaries_offline: 'Neither the basemap nor the province boundaries could be loaded; the concessions are shown on a plain background.',
    // Issue 18 §1, §2, §6, §7 (legend, context filter, documents, chips).
    legend: 'Legend',
    context_province: 'Also limit protected areas and other context layers to the province',
    search_no_match: 'No match for “{q}”.',
    active_filters: 'Active filters',
    remove_filter: 'Remove filter: {f}',
    document_link: '{name} (opens in a new tab)',
    // Map tools (tools.js, basemap_picker.js, measure.js)
    tool_basemap: 'Basemap',
    basemap_osm: 'OpenStreetMap',
    basemap_satellite: 'Satellite',
    basemap_none: 'Plain',
    tool_scale: 'Scale',
    tool_locate: 'Show my location',
    tool_fullscreen: 'Fullscreen',
    tool_measure: 'Measure',
    locate_denied: 'Your location is not available: the browser was not allowed to give it.',
    locate_failed: 'Your location could not be found ({why}).',
    locate_unsupported: 'this browser does not give locations',
    measure_help: 'Click or tap the map to add points.',
    measure_length: 'Length',
    measure_perimeter: 'Perimeter',
    measure_area: 'Area',
    measure_add_centre: 'Add the map centre',
    measure_finish: 'Finish',
    measure_clear: 'Clear',
    measure_close: 'Close measuring',
    km: 'km',
    km2: 'km²',
    // The timeline (timeline.js, issue 15).
    timeline: 'Timeline',
    timeline_all: 'All years',
    timeline_year: 'Concessions in force at the end of the year',
    timeline_play: 'Play the years',
    timeline_chart_title: 'Hectares in force at each year’s end',
    timeline_chart_title_declared: 'Hectares (declared) in force at each year’s end',
    timeline_chart_of: '{title}: {layer}',
    timeline_no_dates: '{layer}: no contract dates to show through time.',
    timeline_no_layer: 'Show a concession layer to see it through time.',
    timeline_in_force: 'End of {year}: {n} in force · {ha} ha',
    timeline_in_force_year: 'End of {year}',
    timeline_all_note: 'All years: every concession, whatever its dates',
    timeline_valuetext: '{year}: {n} in force, {ha} hectares',
    timeline_count: 'In force',
    timeline_chip: 'In force at the end of {year}',
  },
  km: {
    title: 'សម្បទានដីនៅកម្ពុជា',
    skip_to_panel: 'រំលងទៅតម្រង និងបញ្ជី',
    search: 'ស្វែងរក',
    search_placeholder: 'ឈ្មោះក្រុមហ៊ុន ឬសម្បទាន',
    search_label: 'ស្វែងរកតាមក្រុមហ៊ុន ឬឈ្មោះ',
    search_results: 'លទ្ធផលស្វែងរក',
    search_none: 'គ្មានសម្បទានត្រូវនឹង “{q}” ទេ។',
    search_more: '{n} ទៀត៖ សូមបញ្ជាក់ការស្វែងរក',
    panel: 'តម្រង',
    close: 'បិទ',
    language: 'ភាសា',
    sample_notice: 'ផែនទីនេះបង្ហាញទិន្នន័យគំរូសំយោគ មិនមែនសម្បទានពិតប្រាកដទេ។',
    sample_notice_server: 'ម៉ាស៊ីនមេ៖ {text}',
    filters: 'តម្រង',
    collection: 'ស្ថិតិ បញ្ជី និងការទាញយកសម្រាប់',
    province: 'ខេត្ត',
    all_provinces: 'ខេត្តទាំងអស់',
    purpose: 'គោលបំណង / ដំណាំ',
    country: 'ប្រទេសវិនិយោគិន',
    year_from: 'ឆ្នាំកិច្ចសន្យាពី',
    year_to: 'ដល់',
    any: 'ទាំងអស់',
    clear_filters: 'សម្អាតតម្រង',
    layers: 'ស្រទាប់ និងសញ្ញាសម្គាល់',
    colour_by_purpose: 'ពណ៌ {c} តាមគោលបំណង / ដំណាំ',
    other: 'ផ្សេងៗ',
    unknown: 'មិនបានបញ្ជាក់',
    province_boundaries: 'ព្រំប្រទល់ខេត្ត',
    stats: 'ស្ថិតិ',
    count: 'ចំនួនសម្បទាន',
    hectares: 'ហិកតា (គណនា)',
    declared: 'ហិកតា (ប្រកាស)',
    top_companies: 'អ្នកកាន់កាប់ធំបំផុត',
    list: 'សម្បទានក្នុងផែនទី',
    list_summary: '{shown} ក្នុងចំណោម {inview} ក្នុងផែនទី · {total} ត្រូវនឹងតម្រង',
    list_empty: 'គ្មានក្នុងផែនទីទេ។ សូមពង្រីកចេញ ឬសម្អាតតម្រង។',
    show_more: 'បង្ហាញបន្ថែម',
    col_name: 'ឈ្មោះ',
    col_province: 'ខេត្ត',
    col_area: 'ហិកតា',
    col_year: 'ឆ្នាំ',
    sort_by: 'តម្រៀបតាម {col}',
    download: 'ទាញយក',
    download_what: '{layer}៖ អ្វីៗទាំងអស់ដែលត្រូវនឹងតម្រង ({n}) មិនមែនតែក្នុងផែនទីទេ។',
    download_view_only: 'តែអ្វីដែលនៅក្នុងផែនទី',
    download_all: 'ទាញយកអ្វីៗទាំងអស់ដែលបង្ហាញ (ស្រទាប់ {n})',
    download_all_what: 'ឬស្រទាប់ទាំងអស់ដែលបង្ហាញ តាមតម្រងទាំងនេះ ក្នុងឯកសារតែមួយ៖ GeoPackage មួយដែលមានស្រទាប់នីមួយៗ ឬឯកសារ zip ដែលមានឯកសារមួយសម្រាប់ស្រទាប់នីមួយៗ ជាមួយ README នៃប្រភព និងអាជ្ញាប័ណ្ណ។',
    format: 'ទម្រង់',
    settings: 'ការកំណត់ផែនទី',
    basemap: 'URL ផែនទីមូលដ្ឋាន',
    basemap_help: 'គំរូ XYZ ដូចជា https://tile.openstreetmap.org/{z}/{x}/{y}.png; “none” សម្រាប់ផ្ទៃទទេ។',
    apply: 'អនុវត្ត',
    reset: 'លំនាំដើម',
    basemap_offline: 'មិនអាចផ្ទុកផែនទីមូលដ្ឋានបានទេ កំពុងបង្ហាញខេត្តលើផ្ទៃទទេ។',
    detail: 'សម្បទាន',
    company: 'ក្រុមហ៊ុន',
    area_computed: 'ផ្ទៃដី គណនាពីព្រំប្រទល់',
    area_declared: 'ផ្ទៃដី ប្រកាសក្នុងប្រភព',
    difference: 'ភាពខុសគ្នា',
    contract_date: 'កាលបរិច្ឆេទកិច្ចសន្យា',
    provinces_shares: 'ខេត្ត (ចំណែកនៃផ្ទៃដី)',
    all_attributes: 'លក្ខណៈទាំងអស់',
    sources: 'ប្រភព',
    source_layer: 'ស្រទាប់',
    source_api: 'ទិន្នន័យនេះជា GeoJSON',
    zoom_to: 'ពង្រីកទៅវា',
    copy_link: 'ចម្លងតំណ',
    copied: 'បានចម្លងតំណ',
    filter_province: 'បង្ហាញតែ {p}',
    in_province: 'ក្នុងខេត្តនេះ',
    loading: 'កំពុងផ្ទុក…',
    credit: 'ទិន្នន័យ៖ {who}; អាជ្ញាប័ណ្ណ {license}; គិតត្រឹម {date}',
    term: 'រយៈពេល',
    term_to: '{n} ឆ្នាំ ដល់ឆ្នាំ {year}',
    term_years: '{n} ឆ្នាំ',
    error: 'មិនអាចផ្ទុក {what}៖ {why}',
    ha: 'ហ.ត',
    map_label: 'ផែនទីសម្បទាន',
    draw_area: 'គូរតំបន់',
    draw_polygon: 'ពហុកោណ',
    draw_rectangle: 'ចតុកោណកែង',
    area_from_view: 'ទិដ្ឋភាពផែនទី',
    clear_area: 'លុបតំបន់',
    cancel_drawing: 'បោះបង់ការគូរ',
    draw_polygon_hint: 'ចុចដើម្បីបន្ថែមជ្រុង។ ចុចជ្រុងទីមួយ ចុចពីរដង ឬចុច Enter ដើម្បីបញ្ចប់។ Escape ដើម្បីបោះបង់។',
    draw_rectangle_hint: 'ចុចជ្រុងពីរទល់មុខគ្នា។ Escape ដើម្បីបោះបង់។',
    area_crossing: 'គែមកាត់គ្នា៖ សូមគូរតំបន់ម្តងទៀត។',
    area_note: 'តែអ្វីដែលស្ថិតក្នុងតំបន់ដែលបានគូរ ({km2} គ.ម²) លើគ្រប់ស្រទាប់៖ ផែនទី ស្ថិតិ បញ្ជី និងការទាញយក។',
    area_drawn: 'តំបន់ដែលបានគូរ',
    print_export: 'បោះពុម្ព ឬនាំចេញផែនទី',
    print_layout: 'ប្លង់ទំព័រ',
    layout_a4_landscape: 'A4 ផ្តេក',
    layout_a4_portrait: 'A4 បញ្ឈរ',
    layout_a3_landscape: 'A3 ផ្តេក',
    layout_a3_portrait: 'A3 បញ្ឈរ',
    print_title: 'ចំណងជើង',
    print: 'បោះពុម្ព',
    print_back: 'ត្រឡប់ទៅផែនទី',
    download_png: 'ទាញយក PNG',
    png_working: 'កំពុងគូររូបភាព…',
    png_done: 'រូបភាពត្រូវបានទាញយក។',
    scale: 'មាត្រដ្ឋាន',
    north: 'ទិសខាងជើង',
    north_letter: 'ជ',
    map_dates: 'ផែនទីធ្វើនៅ {made}; ទិន្នន័យគិតត្រឹម {data}។',
    embed_map: 'បង្កប់ផែនទីនេះ',
    embed_help: 'បិទភ្ជាប់កូដនេះទៅក្នុងទំព័របណ្ដាញ ដើម្បីបង្ហាញទិដ្ឋភាព និងតម្រងទាំងនេះ ដោយគ្មានផ្ទាំង។',
    embed_size: 'ទំហំ',
    embed_code: 'កូដបង្កប់',
    size_small: 'តូច',
    size_medium: 'មធ្យម',
    size_large: 'ធំ',
    copy: 'ចម្លង',
    code_copied: 'បានចម្លង។',
    open_full_map: 'បើកផែនទីពេញ',
    // Loading and failures (status.js).
    retry: 'ព្យាយាមម្ដងទៀត',
    server_unreachable: 'មិនអាចភ្ជាប់ទៅម៉ាស៊ីនមេបានទេ៖ សូមពិនិត្យការតភ្ជាប់ រួចព្យាយាមម្ដងទៀត។',
    no_answer: 'គ្មានចម្លើយពីម៉ាស៊ីនមេ',
    tiles_of: 'ផែនទីនៃ {layer}',
    basemap_and_boundaries_offline: 'មិនអាចផ្ទុកផែនទីមូលដ្ឋាន និងព្រំប្រទល់ខេត្តបានទេ កំពុងបង្ហាញសម្បទានលើផ្ទៃទទេ។',
    // Issue 18 §1, §2, §6, §7 (legend, context filter, documents, chips).
    legend: 'សញ្ញាសម្គាល់',
    context_province: 'កំណត់តំបន់ការពារ និងស្រទាប់បរិបទផ្សេងទៀតតាមខេត្តផងដែរ',
    search_no_match: 'គ្មានលទ្ធផលសម្រាប់ “{q}” ទេ។',
    active_filters: 'តម្រងសកម្ម',
    remove_filter: 'ដកតម្រងចេញ៖ {f}',
    document_link: '{name} (បើកក្នុងផ្ទាំងថ្មី)',
    // Map tools (tools.js, basemap_picker.js, measure.js)
    tool_basemap: 'ផែនទីមូលដ្ឋាន',
    basemap_osm: 'OpenStreetMap',
    basemap_satellite: 'រូបភាពផ្កាយរណប',
    basemap_none: 'ផ្ទៃទទេ',
    tool_scale: 'មាត្រដ្ឋាន',
    tool_locate: 'បង្ហាញទីតាំងរបស់ខ្ញុំ',
    tool_fullscreen: 'ពេញអេក្រង់',
    tool_measure: 'វាស់',
    locate_denied: 'មិនអាចរកទីតាំងរបស់អ្នកបានទេ៖ កម្មវិធីរុករកមិនត្រូវបានអនុញ្ញាតឱ្យផ្តល់វាទេ។',
    locate_failed: 'មិនអាចរកទីតាំងរបស់អ្នកបានទេ ({why})។',
    locate_unsupported: 'កម្មវិធីរុករកនេះមិនផ្តល់ទីតាំងទេ',
    measure_help: 'ចុចលើផែនទីដើម្បីបន្ថែមចំណុច។',
    measure_length: 'ប្រវែង',
    measure_perimeter: 'បរិមាត្រ',
    measure_area: 'ផ្ទៃក្រឡា',
    measure_add_centre: 'បន្ថែមចំណុចកណ្ដាលផែនទី',
    measure_finish: 'បញ្ចប់',
    measure_clear: 'សម្អាត',
    measure_close: 'បិទការវាស់',
    km: 'គ.ម',
    km2: 'គ.ម²',
    timeline: 'ខ្សែពេលវេលា',
    timeline_all: 'គ្រប់ឆ្នាំ',
    timeline_year: 'សម្បទានជាធរមាននៅចុងឆ្នាំ',
    timeline_play: 'ចាក់តាមឆ្នាំ',
    timeline_chart_title: 'ហិកតាជាធរមាននៅចុងឆ្នាំនីមួយៗ',
    timeline_chart_title_declared: 'ហិកតា (ប្រកាស) ជាធរមាននៅចុងឆ្នាំនីមួយៗ',
    timeline_chart_of: '{title}៖ {layer}',
    timeline_no_dates: '{layer}៖ គ្មានកាលបរិច្ឆេទកិច្ចសន្យាដើម្បីបង្ហាញតាមពេលវេលាទេ។',
    timeline_no_layer: 'បង្ហាញស្រទាប់សម្បទានមួយ ដើម្បីមើលវាតាមពេលវេលា។',
    timeline_in_force: 'ចុងឆ្នាំ {year}៖ ជាធរមាន {n} · {ha} ហ.ត',
    timeline_in_force_year: 'ចុងឆ្នាំ {year}',
    timeline_all_note: 'គ្រប់ឆ្នាំ៖ សម្បទានទាំងអស់ ដោយមិនគិតពីកាលបរិច្ឆេទ',
    timeline_valuetext: '{year}៖ ជាធរមាន {n}, {ha} ហិកតា',
    timeline_count: 'ជាធរមាន',
    timeline_chip: 'ជាធរមាននៅចុងឆ្នាំ {year}',
  },
};

// Province names by census code (NIS 2008; 25 is Tbong Khmum, created 2013).
const khmer_provinces = {
  '01': 'បន្ទាយមានជ័យ', '02': 'បាត់ដំបង', '03': 'កំពង់ចាម', '04': 'កំពង់ឆ្នាំង', '05': 'កំពង់ស្ពឺ',
  '06': 'កំពង់ធំ', '07': 'កំពត', '08': 'កណ្ដាល', '09': 'កោះកុង', '10': 'ក្រចេះ', '11': 'មណ្ឌលគិរី',
  '12': 'ភ្នំពេញ', '13': 'ព្រះវិហារ', '14': 'ព្រៃវែង', '15': 'ពោធិ៍សាត់', '16': 'រតនគិរី', '17': 'សៀមរាប',
  '18': 'ព្រះសីហនុ', '19': 'ស្ទឹងត្រែង', '20': 'ស្វាយរៀង', '21': 'តាកែវ', '22': 'ឧត្ដរមានជ័យ', '23': 'កែប',
  '24': 'ប៉ៃលិន', '25': 'ត្បូងឃ្មុំ',
};

// Titles of the collections in the shipped ODC catalog; any other collection
// keeps the title the server gives.
const khmer_collections = {
  'elc': 'សម្បទានដីសេដ្ឋកិច្ច',
  'elc-partial': 'សម្បទានដីសេដ្ឋកិច្ច (តែទីតាំង)',
  'mining': 'អាជ្ញាប័ណ្ណសម្បទានរ៉ែ',
  'protected-areas': 'តំបន់ការពារ និងព្រៃការពារ',
  'community-forests': 'ព្រៃសហគមន៍',
  'kba': 'តំបន់ជីវចម្រុះសំខាន់ៗ',
  'oil-gas': 'ប្លុកប្រេង និងឧស្ម័ន',
  'sez': 'តំបន់សេដ្ឋកិច្ចពិសេស',
  'hydropower': 'ទំនប់វារីអគ្គិសនី',
};

export const languages = ['en', 'km'];
let current = 'en';

export function set_language(lang) {
  current = languages.includes(lang) ? lang : 'en';
  document.documentElement.lang = current;
}

export function language() { return current; }

// t('list_summary', {shown: 3}) with {name} placeholders.
export function t(key, values = {}) {
  const text = strings[current][key] ?? strings.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

export function province_label(name, code) {
  if (current === 'km' && code && khmer_provinces[code.replace(/^KH-/, '').padStart(2, '0')])
    return khmer_provinces[code.replace(/^KH-/, '').padStart(2, '0')];
  return name;
}

export function collection_label(collection) {
  if (current === 'km' && khmer_collections[collection.id]) return khmer_collections[collection.id];
  return collection.title;
}

const formats = new Map();  // building an Intl.NumberFormat costs far more than using one
export function format_number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const key = `${current}/${digits}`;
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(current === 'km' ? 'km-KH' : 'en-GB', { maximumFractionDigits: digits }));
  return formats.get(key).format(value);
}

// Fills every element marked data-i18n (text), data-i18n-placeholder,
// data-i18n-aria-label or data-i18n-title under `root`.
export function translate_page(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

// ----- Khmer search (issue 18 §6) -------------------------------------------
// The page turns the Khmer province and crop names it knows into the English
// the sources are written in before it asks the API, so a search in Khmer
// works whatever the server understands.
const english_provinces = {
  '01': 'Banteay Meanchey', '02': 'Battambang', '03': 'Kampong Cham', '04': 'Kampong Chhnang', '05': 'Kampong Speu',
  '06': 'Kampong Thom', '07': 'Kampot', '08': 'Kandal', '09': 'Koh Kong', '10': 'Kratie', '11': 'Mondulkiri',
  '12': 'Phnom Penh', '13': 'Preah Vihear', '14': 'Prey Veng', '15': 'Pursat', '16': 'Ratanakiri', '17': 'Siem Reap',
  '18': 'Preah Sihanouk', '19': 'Stung Treng', '20': 'Svay Rieng', '21': 'Takeo', '22': 'Oddar Meanchey', '23': 'Kep',
  '24': 'Pailin', '25': 'Tbong Khmum',
};
// Crop words as the sources write them (ELC "Purpose": "Rubber Plantation", "Oil Palms").
const khmer_crops = {
  'កៅស៊ូ': 'Rubber', 'អំពៅ': 'Sugar', 'ដូងប្រេង': 'Palm', 'ដំឡូងមី': 'Cassava', 'ដើមឈើ': 'Tree', 'កសិ-ឧស្សាហកម្ម': 'Agro',
};

export function english_search(query) {
  const text = String(query ?? '');
  if (!/[\u1780-\u17ff]/.test(text)) return text;
  const names = [
    ...Object.entries(khmer_provinces).map(([code, km]) => [km, english_provinces[code]]),
    ...Object.entries(khmer_crops),
  ].sort((a, b) => b[0].length - a[0].length);  // longest first: ដើមឈើ before ឈើ
  let out = text;
  for (const [km, en] of names) out = out.split(km).join(` ${en} `);  // Khmer writes no spaces between words
  return out.replace(/\s+/g, ' ').trim();
}
