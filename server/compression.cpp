#include "server/compression.hpp"

#include <libdeflate.h>

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

bool accepts_gzip(std::string_view header) {
    std::string h;
    for (char ch : header)
        if (ch != ' ') h += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::size_t pos = 0;
    while (pos <= h.size()) {
        std::size_t end = h.find(',', pos);
        if (end == std::string::npos) end = h.size();
        std::string const item = h.substr(pos, end - pos);
        std::string const coding = item.substr(0, item.find(';'));
        if (coding == "gzip" || coding == "*") {
            auto const q = item.find(";q=");
            return q == std::string::npos || std::stod("0" + item.substr(q + 3)) > 0;
        }
        pos = end + 1;
    }
    return false;
}

}  // namespace server
