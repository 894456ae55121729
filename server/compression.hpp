#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace server {

// gzip (RFC 1952) with libdeflate.
std::string gzip(std::string_view data, int level = 6);

// Whether an Accept-Encoding header admits gzip (RFC 9110 section 12.5.3): a
// "gzip" item decides by its q (q=0 refuses); without one, a "*" item does.
bool accepts_gzip(std::string_view accept_encoding);

// Whether a body of this type is worth gzipping (text, JSON, XML, CSV, script).
bool compressible(std::string_view content_type);

// Whether a body is sent gzipped to a client that takes gzip (and so kept
// gzipped beside it in a cache): a compressible type, over 512 bytes.
inline bool worth_gzip(std::string_view content_type, std::size_t size) { return size > 512 && compressible(content_type); }

}  // namespace server
