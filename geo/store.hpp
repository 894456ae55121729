#pragma once
// The prepared store: a loaded dataset written to one file (everything
// loading derives: compact geometry, attributes, provinces and shares, tile
// vertices with their zoom levels, kept text), so that the next start on
// the same unchanged sources reads it back instead of loading them again.
//
// A store answers only for the key it was written under: the sources' data
// version (geo::current_version), the options that shape the dataset, and
// the build (a hash of the running executable). Its header holds a format
// number, that key, the payload's length and a checksum of the payload; a
// store from another build or format, for other data, cut short or with a
// changed byte is refused with the reason and the sources are loaded again
// (and the store rewritten), never served.

#include "geo/dataset.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

struct store_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Writes `data` to `file` (a temporary name beside it first, renamed when
// complete). `key` as store_key gives it. Throws store_error.
void write_store(dataset const& data, std::string const& key, std::filesystem::path const& file);

// Reads the dataset a store holds, or throws store_error saying why it
// cannot be used (missing, another key, another format, truncated,
// checksum). Never returns a dataset the checks did not pass.
std::shared_ptr<dataset const> read_store(std::filesystem::path const& file, std::string const& key,
                                          dataset_options const& options);

// A hash of the running executable (/proc/self/exe): a store written by
// another build is not read.
std::string const& build_id();

// What a store for these sources and options must have been written under
// (the data version now, the options, the build).
std::string store_key(std::string const& data_version, std::vector<std::string> const& sources,
                      load_options const& load, dataset_options const& options, std::string const& build);

// The default folder: $XDG_CACHE_HOME/concessions, else ~/.cache/concessions.
std::filesystem::path default_store_dir();

struct store_outcome {
    std::shared_ptr<dataset const> data;
    bool from_store = false;
    std::string note;            // why the store was not used, or where it was read from
    std::filesystem::path file;  // where this dataset's store is (or should be written)
    std::string key;
};

// Loads `sources` through the store in `dir`: read back when it holds them
// at their current version, else loaded (geo::dataset::load). The caller
// writes the store afterwards (write_store with outcome.key and
// outcome.file) when !from_store, e.g. on a background thread. The store's
// file name comes from the sources and options, so different sets of
// sources keep different stores; the folder keeps the 16 most recently used.
store_outcome load_through_store(std::vector<std::string> const& sources, load_options const& load,
                                 dataset_options const& options, std::filesystem::path const& dir);

}  // namespace geo
