#pragma once
// What the connection layer hands the application and gets back: plain
// structs, so handlers are testable without sockets.

#include "server/messages.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

struct cached_response;  // response_cache.hpp

struct request_view {
    // Views into the connection's parsed request: valid while the handler runs.
    std::string_view method;  // "GET", "HEAD", ...
    std::string_view target;  // raw request target
    std::string_view accept;
    std::string_view if_none_match;
    std::string_view host;  // Host header, for absolute links
    bool accepts_gzip = false;  // what Accept-Encoding says (read once, by the connection)
    std::string_view accept_language;  // which language the client reads (server/language.hpp)
};

struct response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::shared_ptr<std::string const> shared_body;  // used instead of body when set (a body shared with the cache)
    std::shared_ptr<std::string const> gzipped;  // body already gzipped (from a cache), if any
    // A cached answer: its body, file, gzip form, ETag, type and headers are
    // sent from the entry itself, in place of the fields above.
    std::shared_ptr<cached_response const> cached;
    // Set for responses produced piece by piece (downloads): appends the
    // next piece to the buffer and returns false once there is no more.
    std::function<bool(std::string&)> stream;
    std::vector<std::pair<std::string, std::string>> headers;
    // Data responses: the session adds ETag (from `etag`, or the body) and
    // Cache-Control, answers If-None-Match with 304, and may gzip.
    bool cacheable = false;
    std::string etag;  // for streamed responses, whose body is not known in advance
    // This request's Cache-Control, in place of the default (public,
    // max-age=60), for an answer whose headers name none: a cached tile
    // asked for by a versioned URL (api::tile) goes out with the entry
    // other URLs share, under a Cache-Control of its own.
    char const* cache_control = nullptr;
    char const* label = "other";  // what /metrics counts it under (see metrics_label)
    // An error's description as a message, so that the body can be written
    // again in the language the request chose (speak).
    std::optional<message> error;
};

// {"code": ..., "description": ...} with the status's reason phrase as code,
// the description in English until speak() says otherwise.
response error_response(unsigned status, message description);
// A description that is not one of the API's messages (a library's words,
// as in "export failed: ..."): kept as it is, under message_id::detail.
response error_response(unsigned status, std::string const& description);
// An error's body written again in `lang` (no change for other answers).
void speak(response& r, language lang);

}  // namespace server
