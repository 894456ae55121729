#include "geo/store.hpp"

#include "geo/hash.hpp"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace geo {

namespace {

constexpr char magic[8] = {'C', 'O', 'N', 'C', 'S', 'T', 'O', 'R'};
// Changes whenever what a store holds, or how, changes (the build id
// changes with every build anyway; this keeps two builds of one format apart
// from two formats).
constexpr std::uint32_t format = 3;
// The checksum chains hash_bytes over blocks of this size, so that writer
// and reader agree however their reads and writes are cut.
constexpr std::size_t block = 1 << 20;

std::string hex(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

// --- the bytes ---------------------------------------------------------------

class writer {
public:
    explicit writer(std::FILE* f) : f_(f) { buf_.reserve(2 * block); }
    void bytes(void const* p, std::size_t n) {
        buf_.append(static_cast<char const*>(p), n);
        while (buf_.size() >= block) {
            emit(std::string_view(buf_).substr(0, block));
            buf_.erase(0, block);
        }
    }
    // Writes what is left; returns the payload's length and checksum.
    std::pair<std::uint64_t, std::uint64_t> finish() {
        if (!buf_.empty()) emit(buf_);
        buf_.clear();
        return {written_, hash_};
    }

private:
    void emit(std::string_view b) {
        hash_ = hash_bytes(b, hash_);
        if (std::fwrite(b.data(), 1, b.size(), f_) != b.size())
            throw store_error(std::string("cannot write: ") + std::strerror(errno));
        written_ += b.size();
    }
    std::FILE* f_;
    std::string buf_;
    std::uint64_t written_ = 0, hash_ = hash_seed;
};

class reader {
public:
    reader(std::FILE* f, std::uint64_t payload) : f_(f), remaining_(payload), block_(block) {}
    void bytes(void* p, std::size_t n) {
        auto* out = static_cast<char*>(p);
        while (n) {
            if (pos_ == len_) refill();
            std::size_t const take = std::min(n, len_ - pos_);
            std::memcpy(out, block_.data() + pos_, take);
            out += take, pos_ += take, n -= take;
        }
    }
    // Bytes not read yet: no length read from the file may promise more.
    std::uint64_t available() const { return (len_ - pos_) + remaining_; }
    std::uint64_t checksum() const { return hash_; }
    bool at_end() const { return available() == 0; }

private:
    void refill() {
        if (remaining_ == 0) throw store_error("the store ends in the middle of its data");
        len_ = static_cast<std::size_t>(std::min<std::uint64_t>(block, remaining_));
        if (std::fread(block_.data(), 1, len_, f_) != len_)
            throw store_error("the store is shorter than its header says");
        hash_ = hash_bytes(std::string_view(block_.data(), len_), hash_);
        remaining_ -= len_;
        pos_ = 0;
    }
    std::FILE* f_;
    std::uint64_t remaining_;
    std::vector<char> block_;
    std::size_t pos_ = 0, len_ = 0;
    std::uint64_t hash_ = hash_seed;
};

}  // namespace

// --- what is stored ------------------------------------------------------------
//
// Each structure lists its members once, in describe(io, x): the writer
// writes them in that order and the reader reads them back in the same.
// Trivially copyable members and vectors of them go as raw bytes.

struct store_codec {
    template <typename IO, typename T>
    static void describe(IO& io, T& g) requires std::is_same_v<std::remove_const_t<T>, compact_geometry> {
        io(g.type_), io(g.decimals_), io(g.origin_x_), io(g.origin_y_), io(g.layout_), io(g.xy_);
    }
    template <typename IO, typename T>
    static void describe(IO& io, T& p) requires std::is_same_v<std::remove_const_t<T>, province_index> {
        io(p.provinces_), io(p.by_key_), io(p.has_geometry_), io(p.source_);
    }
    template <typename IO, typename T>
    static void describe(IO& io, T& t) requires std::is_same_v<std::remove_const_t<T>, tile_index> {
        io(t.units_), io(t.level_), io(t.unit_start_), io(t.ring_area_), io(t.ring_length_), io(t.ring_start_),
            io(t.display_json_), io(t.rank_);
    }

    static void write(dataset const& data, writer& w);
    static std::shared_ptr<dataset const> read(reader& r, dataset_options const& options);
};

namespace {

// describe(io, x) for a structure of type TYPE (const or not): its body lists
// the members, io(x.a), io(x.b), ...
#define STORED(TYPE)                   \
    template <typename IO, typename T> \
    void describe(IO& io, T& x) requires std::is_same_v<std::remove_const_t<T>, TYPE>

STORED(provenance) {
    io(x.attribution), io(x.license), io(x.source_url), io(x.as_of), io(x.document_url);
}
STORED(field_roles) {
    io(x.name), io(x.company), io(x.province), io(x.area_ha), io(x.purpose), io(x.contract_date), io(x.nationality),
        io(x.duration_years), io(x.end_date), io(x.cancelled);
}
STORED(field) {
    io(x.name), io(x.type);
}
STORED(overlap_share) {
    io(x.target), io(x.area_ha);
}
STORED(overlap_target) {
    io(x.collection), io(x.id), io(x.name), io(x.position);
}
STORED(feature) {
    io(x.id), io(x.geom), io(x.bbox), io(x.properties), io(x.area_ha), io(x.contract_date), io(x.end_date),
        io(x.cancelled_date), io(x.provinces), io(x.overlaps), io(x.repaired), io(x.purpose_classes), io(x.edge_runs);
}
STORED(load_report) {
    io(x.repaired), io(x.null_geometries), io(x.unparseable_dates), io(x.unparseable_date_examples),
        io(x.recoded_text_values), io(x.recoded_features), io(x.without_province), io(x.unknown_province_names),
        io(x.geometry_types), io(x.warnings), io(x.repaired_ids), io(x.null_geometry_ids), io(x.recoded_ids),
        io(x.unparseable_date_ids), io(x.unreadable_durations), io(x.unreadable_end_dates), io(x.undated_cancellations),
        io(x.unreadable_duration_ids), io(x.unreadable_end_date_ids), io(x.undated_cancellation_ids);
}
STORED(searchable_text) {
    io(x.lower), io(x.keys);
}
STORED(collection) {
    io(x.id), io(x.title), io(x.title_km), io(x.description), io(x.description_km), io(x.source), io(x.layer_name),
        io(x.driver), io(x.source_crs), io(x.color), io(x.kind), io(x.provenance), io(x.fields), io(x.roles),
        io(x.overlaps_with), io(x.overlap_targets), io(x.features), io(x.extent), io(x.report), io(x.search_text);
}
STORED(province) {
    io(x.code), io(x.name), io(x.source_name), io(x.geom), io(x.bbox), io(x.area_ha);
}
STORED(geometry) {
    io(x.type), io(x.points), io(x.lines), io(x.polygons);
}
STORED(polygon) {
    io(x.rings);
}
STORED(source_failure) {
    io(x.source), io(x.message);
}
STORED(kept_text) {
    io(x.bytes), io(x.starts);
}
#undef STORED

template <typename T>
concept described = requires(writer& io, T const& v) {
    describe(io, v);
}
|| requires(writer& io, T const& v) {
    store_codec::describe(io, v);
};

template <typename T>
concept raw = std::is_trivially_copyable_v<T> && !described<T>;

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};

// Writes every member as describe() lists it.
struct out {
    writer& w;
    template <typename T>
    void operator()(T const& v) {
        if constexpr (raw<T>) {
            w.bytes(&v, sizeof v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            count(v.size());
            w.bytes(v.data(), v.size());
        } else if constexpr (is_vector<T>::value) {
            count(v.size());
            if constexpr (raw<typename T::value_type>)
                w.bytes(v.data(), v.size() * sizeof(typename T::value_type));
            else
                for (auto const& x : v) (*this)(x);
        } else if constexpr (requires {
                                 v.has_value();
                                 *v;
                             }) {  // optional
            (*this)(v.has_value());
            if (v) (*this)(*v);
        } else if constexpr (std::is_same_v<T, value>) {
            (*this)(static_cast<std::uint8_t>(v.index()));
            std::visit(
                [&](auto const& x) {
                    if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, std::monostate>) (*this)(x);
                },
                v);
        } else if constexpr (requires {
                                 v.begin()->first;
                                 v.begin()->second;
                             }) {  // maps
            count(v.size());
            for (auto const& [k, x] : v) (*this)(k), (*this)(x);
        } else if constexpr (requires { store_codec::describe(*this, v); }) {
            store_codec::describe(*this, v);
        } else {
            describe(*this, v);
        }
    }
    void count(std::size_t n) { w.bytes(&n, sizeof n); }
};

// Reads them back, checking every count against the bytes left.
struct in {
    reader& r;
    template <typename T>
    void operator()(T& v) {
        if constexpr (std::is_same_v<T, bool>) {
            std::uint8_t b = 0;
            r.bytes(&b, 1);
            if (b > 1) throw store_error("the store holds a bad flag");
            v = b;
        } else if constexpr (std::is_enum_v<T>) {
            r.bytes(&v, sizeof v);
            if (static_cast<std::uint64_t>(v) > 16) throw store_error("the store holds an unknown kind of value");
        } else if constexpr (raw<T>) {
            r.bytes(&v, sizeof v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            v.resize(count(1));
            r.bytes(v.data(), v.size());
        } else if constexpr (is_vector<T>::value) {
            using E = typename T::value_type;
            if constexpr (raw<E>) {
                v.resize(count(sizeof(E)));
                r.bytes(v.data(), v.size() * sizeof(E));
            } else {
                v.resize(count(1));
                for (auto& x : v) (*this)(x);
            }
        } else if constexpr (requires {
                                 v.has_value();
                                 v.emplace();
                             }) {
            bool has = false;
            (*this)(has);
            if (has)
                (*this)(v.emplace());
            else
                v.reset();
        } else if constexpr (std::is_same_v<T, value>) {
            std::uint8_t index = 0;
            (*this)(index);
            switch (index) {
                case 0:
                    v = std::monostate{};
                    break;
                case 1:
                    (*this)(v.template emplace<std::int64_t>());
                    break;
                case 2:
                    (*this)(v.template emplace<double>());
                    break;
                case 3:
                    (*this)(v.template emplace<std::string>());
                    break;
                default:
                    throw store_error("the store holds an unknown kind of attribute");
            }
        } else if constexpr (requires {
                                 v.begin()->first;
                                 v.emplace();
                             }) {
            std::size_t const n = count(2);
            v.clear();
            for (std::size_t i = 0; i < n; ++i) {
                std::remove_const_t<typename T::key_type> k{};
                typename T::mapped_type x{};
                (*this)(k), (*this)(x);
                v.emplace(std::move(k), std::move(x));
            }
        } else if constexpr (requires { store_codec::describe(*this, v); }) {
            store_codec::describe(*this, v);
        } else {
            describe(*this, v);
        }
    }
    // A count of items of at least `each` bytes, no more than the bytes left allow.
    std::size_t count(std::size_t each) {
        std::size_t n = 0;
        r.bytes(&n, sizeof n);
        if (n > r.available() / std::max<std::size_t>(each, 1))
            throw store_error("the store holds a length beyond its end");
        return n;
    }
};

}  // namespace

void store_codec::write(dataset const& data, writer& w) {
    out o{w};
    snapshot const& s = data.snap_;
    o(s.title), o(s.version), o(s.collections), o(s.provinces), o(s.failures), o(s.timings);
    for (std::size_t k = 0; k < s.collections.size(); ++k) {
        auto const& d = data.derived_[k];
        o(*d.tiles), o(d.features), o(d.properties);
    }
}

std::shared_ptr<dataset const> store_codec::read(reader& r, dataset_options const& options) {
    in i{r};
    snapshot s;
    i(s.title), i(s.version), i(s.collections), i(s.provinces), i(s.failures), i(s.timings);
    std::shared_ptr<dataset> data(new dataset(std::move(s)), dataset::release);
    data->derived_.resize(data->snap_.collections.size());
    for (std::size_t k = 0; k < data->snap_.collections.size(); ++k) {
        auto& c = data->snap_.collections[k];
        auto& d = data->derived_[k];
        d.tiles = std::unique_ptr<tile_index>(
            new tile_index(c, data->snap_.provinces, options.tiles, tile_index::prepared{}));
        i(*d.tiles), i(d.features), i(d.properties);
        std::size_t const n = c.features.size();
        bool const aligned = d.tiles->unit_start_.size() == n + 1 && d.tiles->rank_.size() == n &&
                             d.tiles->display_json_.size() == n &&
                             (d.features.empty() || d.features.starts.size() == n + 1) &&
                             (d.properties.empty() || d.properties.starts.size() == n + 1) &&
                             (c.search_text.empty() || c.search_text.size() == n);
        if (!aligned) throw store_error("the store's parts do not agree on the number of features");
        c.build_tree();
        c.index_dates();
        c.index_provinces();
        data->derive_lookups(c, d);
    }
    if (!r.at_end()) throw store_error("the store holds more than its data");
    data->companies_ = company_index(data->snap_.collections);
    return data;
}

// --- files -------------------------------------------------------------------------

void write_store(dataset const& data, std::string const& key, std::filesystem::path const& file) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    auto const temporary = file.string() + ".tmp-" + std::to_string(::getpid());
    try {
        file_ptr f(std::fopen(temporary.c_str(), "wb"));
        if (!f) throw store_error("cannot create " + temporary + ": " + std::strerror(errno));
        std::uint64_t const header_rest[2] = {0, 0};  // payload length and checksum, filled in at the end
        std::uint32_t const key_length = static_cast<std::uint32_t>(key.size());
        auto put = [&](void const* p, std::size_t n) {
            if (std::fwrite(p, 1, n, f.get()) != n)
                throw store_error("cannot write " + temporary + ": " + std::strerror(errno));
        };
        put(magic, sizeof magic), put(&format, sizeof format), put(&key_length, sizeof key_length),
            put(key.data(), key.size());
        long const header_end = std::ftell(f.get());
        put(header_rest, sizeof header_rest);
        writer w(f.get());
        store_codec::write(data, w);
        auto const [length, checksum] = w.finish();
        std::uint64_t const filled[2] = {length, checksum};
        if (std::fseek(f.get(), header_end, SEEK_SET) != 0) throw store_error("cannot seek in " + temporary);
        put(filled, sizeof filled);
        if (std::fflush(f.get()) != 0) throw store_error("cannot write " + temporary + ": " + std::strerror(errno));
        f.reset();
        std::filesystem::rename(temporary, file);
    } catch (std::exception const& e) {
        std::filesystem::remove(temporary, ec);
        throw store_error(e.what());
    }
}

std::shared_ptr<dataset const> read_store(std::filesystem::path const& file, std::string const& key,
                                          dataset_options const& options) {
    file_ptr f(std::fopen(file.c_str(), "rb"));
    if (!f) throw store_error("no store yet at " + file.string());
    char m[sizeof magic];
    std::uint32_t stored_format = 0, key_length = 0;
    auto get = [&](void* p, std::size_t n) {
        if (std::fread(p, 1, n, f.get()) != n) throw store_error("the store's header is cut short");
    };
    get(m, sizeof m);
    if (std::memcmp(m, magic, sizeof magic) != 0) throw store_error("not a store");
    get(&stored_format, sizeof stored_format);
    if (stored_format != format)
        throw store_error("the store has format " + std::to_string(stored_format) + ", this build reads " +
                          std::to_string(format));
    get(&key_length, sizeof key_length);
    if (key_length > 1 << 20) throw store_error("the store's header is damaged");
    std::string stored_key(key_length, '\0');
    get(stored_key.data(), key_length);
    if (stored_key != key) {
        bool const other_build = stored_key.substr(0, stored_key.find('\n')) != key.substr(0, key.find('\n'));
        throw store_error(other_build ? "the store was written by another build"
                                      : "the store holds other data or options");
    }
    std::uint64_t length = 0, checksum = 0;
    get(&length, sizeof length);
    get(&checksum, sizeof checksum);
    std::error_code ec;
    auto const size = std::filesystem::file_size(file, ec);
    auto const header =
        sizeof magic + sizeof stored_format + sizeof key_length + key_length + 2 * sizeof(std::uint64_t);
    if (ec || size != header + length)
        throw store_error("the store is " + std::to_string(size) + " bytes, its header says " +
                          std::to_string(header + length));
    reader r(f.get(), length);
    std::shared_ptr<dataset const> data;
    try {
        data = store_codec::read(r, options);
    } catch (store_error const& e) {
        throw store_error(std::string(e.what()) + " (damaged)");
    }
    if (r.checksum() != checksum) throw store_error("the store's checksum does not match its data (damaged)");
    return data;
}

std::string const& build_id() {
    static std::string const id = [] {
        std::ifstream exe("/proc/self/exe", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(exe)), std::istreambuf_iterator<char>());
        return hex(hash_bytes(bytes));
    }();
    return id;
}

std::string store_key(std::string const& data_version, std::vector<std::string> const& sources,
                      load_options const& load, dataset_options const& options, std::string const& build) {
    // The build first, on a line of its own (read_store tells the two apart).
    std::string key = build + "\n" + data_version + "\n";
    for (auto const& s : sources) key += "source " + s + "\n";
    key += "crs " + load.crs + "\nencoding " + load.encoding + "\nprovinces " + load.provinces_path + "\n";
    auto const& t = options.tiles;
    key += "tiles " + std::to_string(t.extent) + " " + std::to_string(t.buffer) + " " + std::to_string(t.tolerance) +
           " " + std::to_string(t.min_zoom) + " " + std::to_string(t.max_zoom) + " " +
           std::to_string(t.max_tile_bytes) + "\n";
    key += "feature text " + std::to_string(options.feature_text_bytes) + "\n";
    return key;
}

std::filesystem::path default_store_dir() {
    if (char const* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "concessions";
    if (char const* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache" / "concessions";
    return std::filesystem::temp_directory_path() / "concessions-store";
}

namespace {
// Keeps the `keep` most recently used stores in `dir` and removes the rest,
// and any temporary file older than an hour (a writer that was stopped).
void prune(std::filesystem::path const& dir, std::size_t keep) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> stores;
    auto const now = fs::file_time_type::clock::now();
    for (auto const& e : fs::directory_iterator(dir, ec)) {
        auto const name = e.path().filename().string();
        auto const when = e.last_write_time(ec);
        if (ec) continue;
        if (name.find(".store.tmp-") != std::string::npos && now - when > std::chrono::hours(1))
            fs::remove(e.path(), ec);
        else if (e.path().extension() == ".store")
            stores.emplace_back(when, e.path());
    }
    if (stores.size() <= keep) return;
    std::sort(stores.begin(), stores.end(), [](auto const& a, auto const& b) { return a.first > b.first; });
    for (std::size_t i = keep; i < stores.size(); ++i) fs::remove(stores[i].second, ec);
}
}  // namespace

store_outcome load_through_store(std::vector<std::string> const& sources, load_options const& load,
                                 dataset_options const& options, std::filesystem::path const& dir) {
    store_outcome o;
    // One file per set of sources and options, whatever their version.
    std::string const which = store_key("", sources, load, options, "");
    o.file = dir / (hex(hash_bytes(which)) + ".store");
    o.key = store_key(current_version(sources, load), sources, load, options, build_id());
    try {
        o.data = read_store(o.file, o.key, options);
        o.from_store = true;
        o.note = "read from the store " + o.file.string();
        std::error_code ec;
        std::filesystem::last_write_time(o.file, std::filesystem::file_time_type::clock::now(), ec);  // recently used
    } catch (store_error const& e) {
        o.note = e.what();
        o.data = dataset::load(sources, load, options);
        // Under the version of the data it holds (a source that changed
        // while it loaded gives another version than the one asked first).
        o.key = store_key(o.data->version(), sources, load, options, build_id());
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    prune(dir, 16);
    return o;
}

}  // namespace geo
