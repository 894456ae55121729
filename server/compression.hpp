#pragma once
#include <string>
#include <string_view>

namespace server {

// gzip (RFC 1952) with libdeflate.
std::string gzip(std::string_view data, int level = 6);

// Whether an Accept-Encoding header admits gzip (and does not refuse it with q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace server
