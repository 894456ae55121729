#include "server/tile_archive.hpp"

#include "geo/pmtiles.hpp"
#include "server/compression.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <fstream>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace server {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string system_error_text(std::string const& what, fs::path const& p) {
    return what + " " + p.string() + ": " + std::strerror(errno);
}

// Beside the output, so that the final rename stays on one file system.
fs::path partial_name(fs::path const& output) {
    return output.parent_path() / ("." + output.filename().string() + ".partial-" + std::to_string(getpid()));
}

// A file that becomes visible at `output` only when published: an unnamed
// file (O_TMPFILE) linked in at the end where the file system allows it,
// so that even a killed export leaves nothing; otherwise a hidden name
// removed unless published.
class scratch_file {
public:
    // tag: told apart from other scratch files for the same output.
    explicit scratch_file(fs::path output, std::string const& tag = "") : output_(std::move(output)) {
        fs::path const dir = output_.parent_path().empty() ? fs::path(".") : output_.parent_path();
        fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            named_ = partial_name(output_).string() + tag;
            fd_ = ::open(named_.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
            if (fd_ < 0) throw std::runtime_error(system_error_text("cannot write in", dir));
        }
    }
    ~scratch_file() {
        if (fd_ >= 0) ::close(fd_);
        if (!published_ && !named_.empty()) ::unlink(named_.c_str());
    }
    scratch_file(scratch_file const&) = delete;
    scratch_file& operator=(scratch_file const&) = delete;

    int fd() const { return fd_; }
    void write(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t const n = ::write(fd_, bytes.data(), bytes.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error(system_error_text("cannot write", output_));
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    // Appends `length` bytes of `from`, from its start.
    void append(scratch_file const& from, std::uint64_t length) {
        loff_t in = 0;
        while (length > 0) {
            ssize_t const n = ::copy_file_range(from.fd_, &in, fd_, nullptr, length, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error(system_error_text("cannot write", output_));
            length -= static_cast<std::uint64_t>(n);
        }
    }
    void publish() {
        if (::fsync(fd_) != 0) throw std::runtime_error(system_error_text("cannot write", output_));
        if (named_.empty()) {
            named_ = partial_name(output_);
            std::string const self = "/proc/self/fd/" + std::to_string(fd_);
            ::unlink(named_.c_str());
            if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, named_.c_str(), AT_SYMLINK_FOLLOW) != 0)
                throw std::runtime_error(system_error_text("cannot write", named_));
        }
        std::error_code ec;
        fs::rename(named_, output_, ec);
        if (ec) {
            ::unlink(named_.c_str());
            throw std::runtime_error("cannot move the archive to " + output_.string() + ": " + ec.message());
        }
        published_ = true;
    }

private:
    fs::path output_, named_;
    int fd_ = -1;
    bool published_ = false;
};

json metadata_of(archive_info const& info) {
    return {{"name", info.name},
            {"description", info.description},
            {"attribution", info.attribution},
            {"version", info.version},
            {"type", "overlay"},
            {"format", "pbf"},
            {"minzoom", std::to_string(info.min_zoom)},
            {"maxzoom", std::to_string(info.max_zoom)},
            {"vector_layers", info.vector_layers}};
}

// "102.5,10.4,107.6,14.7": numbers as MBTiles' bounds and center rows write them.
std::string joined(std::initializer_list<double> values) {
    std::string out;
    for (double v : values) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", v);
        out += (out.empty() ? "" : ",") + std::string(buf);
    }
    return out;
}

// --- PMTiles -----------------------------------------------------------------
class pmtiles_sink final : public tile_sink {
public:
    explicit pmtiles_sink(fs::path const& output) : output_(output), data_(output, ".tiles") {}

    void add(geo::tiles::tile_id, std::uint64_t id, std::string_view, std::string_view gzipped) override {
        ++addressed_;
        // Small tiles repeat (the same feature covering tile after tile, at
        // every zoom): kept once, found by their bytes.
        std::uint64_t offset = data_bytes_;
        bool stored = false;
        if (gzipped.size() <= max_shared_bytes) {
            auto [it, inserted] = shared_.try_emplace(std::string(gzipped), data_bytes_);
            if (!inserted) {
                offset = it->second;
                stored = true;
                ++duplicates_;
            }
        }
        if (!stored) {
            buffer_.append(gzipped);
            data_bytes_ += gzipped.size();
            ++contents_;
            if (buffer_.size() >= (1u << 20)) flush();
        }
        auto const length = static_cast<std::uint32_t>(gzipped.size());
        if (!entries_.empty()) {
            auto& last = entries_.back();
            if (last.tile_id + last.run_length == id && last.offset == offset && last.length == length) {
                ++last.run_length;
                return;
            }
        }
        entries_.push_back({id, offset, length, 1});
    }

    void finish(archive_info const& info) override {
        flush();
        if (entries_.empty()) throw std::runtime_error("no feature is in any tile (do the filters match nothing?)");
        auto const compress = [](std::string_view bytes) { return gzip(bytes, 9); };
        geo::pmtiles::directories const dirs = geo::pmtiles::build_directories(entries_, compress);
        std::string const metadata = compress(metadata_of(info).dump());
        geo::pmtiles::header h;
        h.root_offset = geo::pmtiles::header_bytes;
        h.root_length = dirs.root.size();
        h.metadata_offset = h.root_offset + h.root_length;
        h.metadata_length = metadata.size();
        h.leaves_offset = h.metadata_offset + h.metadata_length;
        h.leaves_length = dirs.leaves.size();
        h.data_offset = h.leaves_offset + h.leaves_length;
        h.data_length = data_bytes_;
        h.addressed_tiles = addressed_;
        h.tile_entries = entries_.size();
        h.tile_contents = contents_;
        h.min_zoom = static_cast<std::uint8_t>(info.min_zoom);
        h.max_zoom = static_cast<std::uint8_t>(info.max_zoom);
        h.bounds = {info.bounds[0], info.bounds[1], info.bounds[2], info.bounds[3]};
        h.center = {info.center[0], info.center[1]};
        h.center_zoom = static_cast<std::uint8_t>(info.center[2]);
        scratch_file out(output_);
        out.write(geo::pmtiles::serialize_header(h));
        out.write(dirs.root);
        out.write(metadata);
        out.write(dirs.leaves);
        out.append(data_, data_bytes_);
        out.publish();
    }

    std::uint64_t bytes() const override { return data_bytes_; }
    std::uint64_t duplicates() const override { return duplicates_; }

private:
    static constexpr std::size_t max_shared_bytes = 2048;
    void flush() {
        data_.write(buffer_);
        buffer_.clear();
    }

    fs::path output_;
    scratch_file data_;  // the tile data, copied behind the directories at the end
    std::string buffer_;
    std::uint64_t data_bytes_ = 0, addressed_ = 0, contents_ = 0, duplicates_ = 0;
    std::vector<geo::pmtiles::entry> entries_;
    std::unordered_map<std::string, std::uint64_t> shared_;
};

// --- MBTiles -----------------------------------------------------------------
// https://github.com/mapbox/mbtiles-spec/blob/master/1.3/spec.md: tile_row
// counts from the south (TMS); vector tiles are gzipped protobuf and the
// metadata's json row carries vector_layers.
class mbtiles_sink final : public tile_sink {
public:
    explicit mbtiles_sink(fs::path const& output) : output_(output), partial_(partial_name(output)) {
        fs::remove(partial_);
        if (sqlite3_open_v2(partial_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            fail("cannot create");
        exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;"
             "CREATE TABLE metadata (name TEXT, value TEXT);"
             "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
             "BEGIN;");
        if (sqlite3_prepare_v2(db_, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &insert_, nullptr) != SQLITE_OK) fail("cannot write");
    }
    ~mbtiles_sink() override {
        sqlite3_finalize(insert_);
        sqlite3_close(db_);
        if (!finished_) fs::remove(partial_);
    }

    void add(geo::tiles::tile_id t, std::uint64_t, std::string_view, std::string_view gzipped) override {
        sqlite3_bind_int(insert_, 1, static_cast<int>(t.z));
        sqlite3_bind_int(insert_, 2, static_cast<int>(t.x));
        sqlite3_bind_int(insert_, 3, static_cast<int>((1u << t.z) - 1 - t.y));
        sqlite3_bind_blob(insert_, 4, gzipped.data(), static_cast<int>(gzipped.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(insert_) != SQLITE_DONE) fail("cannot write");
        sqlite3_reset(insert_);
        bytes_ += gzipped.size();
    }

    void finish(archive_info const& info) override {
        exec("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
        sqlite3_stmt* meta = nullptr;
        if (sqlite3_prepare_v2(db_, "INSERT INTO metadata VALUES (?, ?)", -1, &meta, nullptr) != SQLITE_OK) fail("cannot write");
        json const m = metadata_of(info);
        std::vector<std::pair<std::string, std::string>> rows = {
            {"bounds", joined({info.bounds[0], info.bounds[1], info.bounds[2], info.bounds[3]})},
            {"center", joined({info.center[0], info.center[1], info.center[2]})},
            {"json", json{{"vector_layers", info.vector_layers}}.dump()}};
        for (auto const& [k, v] : m.items())
            if (v.is_string()) rows.emplace_back(k, v.get<std::string>());
        for (auto const& [k, v] : rows) {
            sqlite3_bind_text(meta, 1, k.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(meta, 2, v.c_str(), -1, SQLITE_TRANSIENT);
            bool const ok = sqlite3_step(meta) == SQLITE_DONE;
            sqlite3_reset(meta);
            if (!ok) {
                sqlite3_finalize(meta);
                fail("cannot write");
            }
        }
        sqlite3_finalize(meta);
        exec("COMMIT;");
        sqlite3_finalize(insert_);
        insert_ = nullptr;
        if (sqlite3_close(db_) != SQLITE_OK) fail("cannot close");
        db_ = nullptr;
        std::error_code ec;
        fs::rename(partial_, output_, ec);
        if (ec) throw std::runtime_error("cannot move the archive to " + output_.string() + ": " + ec.message());
        finished_ = true;
    }

    std::uint64_t bytes() const override { return bytes_; }

private:
    void exec(char const* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string const text = err ? err : "unknown error";
            sqlite3_free(err);
            throw std::runtime_error("MBTiles " + partial_.string() + ": " + text);
        }
    }
    [[noreturn]] void fail(std::string const& what) {
        throw std::runtime_error("MBTiles: " + what + " " + partial_.string() + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    }

    fs::path output_, partial_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    std::uint64_t bytes_ = 0;
    bool finished_ = false;
};

// --- a folder ----------------------------------------------------------------
class dir_sink final : public tile_sink {
public:
    dir_sink(fs::path const& output, bool replace) : output_(output), partial_(partial_name(output)), replace_(replace) {
        fs::remove_all(partial_);
        fs::create_directories(partial_);
    }
    ~dir_sink() override {
        std::error_code ec;
        if (!finished_) fs::remove_all(partial_, ec);
    }

    void add(geo::tiles::tile_id t, std::uint64_t, std::string_view mvt, std::string_view) override {
        fs::path const dir = partial_ / std::to_string(t.z) / std::to_string(t.x);
        if (dir != last_dir_) {
            fs::create_directories(dir);
            last_dir_ = dir;
        }
        fs::path const file = dir / (std::to_string(t.y) + ".mvt");
        std::ofstream out(file, std::ios::binary);
        out.write(mvt.data(), static_cast<std::streamsize>(mvt.size()));
        if (!out.flush()) throw std::runtime_error(system_error_text("cannot write", file));
        bytes_ += mvt.size();
    }

    void finish(archive_info const& info) override {
        std::ofstream out(partial_ / "tiles.json");
        out << tilejson_of(info, "{z}/{x}/{y}.mvt").dump(2) << "\n";
        if (!out.flush()) throw std::runtime_error(system_error_text("cannot write", partial_ / "tiles.json"));
        out.close();
        if (replace_) fs::remove_all(output_);
        fs::rename(partial_, output_);
        finished_ = true;
    }

    std::uint64_t bytes() const override { return bytes_; }

private:
    fs::path output_, partial_, last_dir_;
    bool replace_;
    std::uint64_t bytes_ = 0;
    bool finished_ = false;
};

}  // namespace

json tilejson_of(archive_info const& info, std::string const& tiles_url) {
    json out = metadata_of(info);
    out.erase("format");
    out.erase("type");
    out["tilejson"] = "3.0.0";
    out["scheme"] = "xyz";
    out["tiles"] = {tiles_url};
    out["minzoom"] = info.min_zoom;
    out["maxzoom"] = info.max_zoom;
    out["bounds"] = {info.bounds[0], info.bounds[1], info.bounds[2], info.bounds[3]};
    out["center"] = {info.center[0], info.center[1], info.center[2]};
    return out;
}

std::unique_ptr<tile_sink> make_tile_sink(archive_format format, fs::path const& output, bool replace) {
    if (output.filename().empty()) throw std::runtime_error("the output " + output.string() + " names no file");
    fs::path const dir = output.parent_path().empty() ? fs::path(".") : output.parent_path();
    if (!fs::is_directory(dir)) throw std::runtime_error("the folder " + dir.string() + " does not exist");
    if (fs::exists(output) && !replace)
        throw std::runtime_error(output.string() + " exists (--force replaces it)");
    if (fs::is_directory(output) && format != archive_format::dir)
        throw std::runtime_error(output.string() + " is a folder: give a file name for a " +
                                 (format == archive_format::pmtiles ? "PMTiles" : "MBTiles") + " archive");
    switch (format) {
        case archive_format::pmtiles: return std::make_unique<pmtiles_sink>(output);
        case archive_format::mbtiles: return std::make_unique<mbtiles_sink>(output);
        case archive_format::dir: return std::make_unique<dir_sink>(output, replace);
    }
    throw std::logic_error("unknown archive format");
}

}  // namespace server
