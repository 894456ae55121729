#include "server/compression.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace server {

std::string gzip(std::string_view data, int level) {
    struct deleter {
        void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
    };
    thread_local std::unique_ptr<libdeflate_compressor, deleter> compressors[13];
    auto& c = compressors[level];
    if (!c) c.reset(libdeflate_alloc_compressor(level));
    std::string out(libdeflate_gzip_compress_bound(c.get(), data.size()), '\0');
    std::size_t const n = libdeflate_gzip_compress(c.get(), data.data(), data.size(), out.data(), out.size());
    out.resize(n);
    return out;
}

// A list of codings with optional parameters, any case, any spacing:
// "gzip, deflate, br" or "gzip;q=0.5, *;q=0". The first gzip or * decides;
// q=0 refuses.
bool accepts_gzip(std::string_view header) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    auto is = [](std::string_view s, std::string_view lower) {
        return s.size() == lower.size() &&
               std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    };
    while (!header.empty()) {
        std::size_t const comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
        std::size_t const semi = item.find(';');
        std::string_view const coding = trim(item.substr(0, semi));
        if (!is(coding, "gzip") && coding != "*") continue;
        // Parameters: only q matters ("q=0", "q=0.000" refuse).
        for (item.remove_prefix(semi == std::string_view::npos ? item.size() : semi + 1); !item.empty();) {
            std::size_t const next = item.find(';');
            std::string_view const param = trim(item.substr(0, next));
            item.remove_prefix(next == std::string_view::npos ? item.size() : next + 1);
            if (param.size() < 2 || !is(param.substr(0, 1), "q") || trim(param.substr(1)).substr(0, 1) != "=") continue;
            std::string_view const q = trim(trim(param.substr(1)).substr(1));
            return std::any_of(q.begin(), q.end(), [](char c) { return c >= '1' && c <= '9'; });
        }
        return true;
    }
    return false;
}

}  // namespace server
