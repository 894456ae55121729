// Golden answers: the tiles and API answers of `concessions serve` on the
// bundled sample, byte for byte, against the files tests/golden/regenerate
// wrote from the build before server/ was reshaped. The list of targets and
// how to regenerate them: tests/golden/sample/targets.txt.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

fs::path golden_dir() { return test::source_dir() / "tests/golden/sample"; }
fs::path expected_dir() { return golden_dir() / "expected"; }

// Sent with every request: the server makes its links from it.
constexpr char const* host_header = "Host: golden.test\r\n";

// The headers kept beside the body, in this order, as regenerate's KEPT_HEADERS.
constexpr char const* kept_headers[] = {"content-type",    "content-disposition", "x-features",
                                        "x-tile-features", "x-tile-omitted",      "x-tile-dropped"};

struct golden_target {
    std::string name;
    std::string target;
};

// targets.txt: "<name> <target>" a line; blank lines and # comments skipped.
std::vector<golden_target> read_targets() {
    std::vector<golden_target> targets;
    std::ifstream in(golden_dir() / "targets.txt");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        golden_target t;
        if (!(words >> t.name) || t.name.starts_with("#")) continue;
        words >> t.target;
        targets.push_back(std::move(t));
    }
    return targets;
}

// What the server's now_iso() writes: 2026-12-06T01:22:45Z.
bool is_utc_time(std::string_view s) {
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
    if (s.size() < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        bool const ok = shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(s[i])) != 0 : s[i] == shape[i];
        if (!ok) return false;
    }
    return true;
}

constexpr std::size_t utc_time_size = 20;

// `from` must not be empty.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    std::string out;
    std::size_t at = 0;
    for (std::size_t found; (found = text.find(from, at)) != std::string_view::npos; at = found + from.size())
        out.append(text.substr(at, found - at)).append(to);
    return out.append(text.substr(at));
}

// `"<key>":"<UTC time>"` -> `"<key>":"{time}"`.
std::string blank_json_times(std::string_view text, std::string_view key) {
    std::string const prefix = "\"" + std::string(key) + "\":\"";
    std::string out;
    std::size_t at = 0;
    for (std::size_t found; (found = text.find(prefix, at)) != std::string_view::npos;) {
        std::size_t const value = found + prefix.size();
        bool const time = is_utc_time(text.substr(value)) && text.substr(value + utc_time_size, 1) == "\"";
        out.append(text.substr(at, value - at)).append(time ? "{time}" : "");
        at = time ? value + utc_time_size : value;
    }
    return out.append(text.substr(at));
}

// A CSV download's rows end in their extracted_at cell: `,<UTC time>\r\n` -> `,{time}\r\n`.
std::string blank_csv_times(std::string_view text) {
    std::string_view const first_line = text.substr(0, text.find("\r\n"));
    if (!first_line.ends_with(",extracted_at")) return std::string(text);
    std::string out;
    std::size_t at = 0;
    for (std::size_t end; (end = text.find("\r\n", at)) != std::string_view::npos; at = end + 2) {
        std::string_view const row = text.substr(at, end - at);
        bool const stamped = row.size() > utc_time_size && row[row.size() - utc_time_size - 1] == ',' &&
                             is_utc_time(row.substr(row.size() - utc_time_size));
        out.append(stamped ? row.substr(0, row.size() - utc_time_size) : row).append(stamped ? "{time}\r\n" : "\r\n");
    }
    return out.append(text.substr(at));
}

// As normalise() in tests/golden/regenerate (its docstring says why each):
// request times, the data version (a hash of the sample's paths and
// modification times) and the sample folder's path are replaced; MVT bodies
// are left as they are.
std::string normalised(std::string const& body, std::string const& content_type, std::string const& data_version,
                       std::string const& sample_dir) {
    if (content_type == "application/vnd.mapbox-vector-tile") return body;
    std::string out = blank_json_times(body, "timeStamp");
    out = blank_json_times(out, "extracted_at");
    out = blank_csv_times(out);
    if (!data_version.empty()) out = replace_all(out, data_version, "{data-version}");
    return replace_all(out, sample_dir + "/", "{sample-dir}/");
}

std::string head_text(test::http_reply const& reply) {
    std::string text = "status " + std::to_string(reply.status) + "\n";
    for (char const* name : kept_headers)
        if (auto const it = reply.headers.find(name); it != reply.headers.end())
            text += std::string(name) + " " + it->second + "\n";
    return text;
}

// Bytes as a C string literal would show them.
std::string escaped(std::string_view bytes) {
    static char const hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\\')
            out += "\\\\";
        else if (c >= 0x20 && c < 0x7f)
            out += static_cast<char>(c);
        else
            out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

// "" when equal; otherwise the sizes and the first differing byte, with 40
// bytes of context around it on each side.
std::string first_difference(std::string const& expected, std::string const& actual) {
    if (expected == actual) return {};
    std::size_t at = 0;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
    std::size_t const from = at > 40 ? at - 40 : 0;
    auto context = [&](std::string const& s) {
        if (at >= s.size()) return escaped(s.substr(from)) + " <end>";
        return escaped(s.substr(from, at - from)) + " >>> " + escaped(s.substr(at, 40));
    };
    return "expected " + std::to_string(expected.size()) + " bytes, got " + std::to_string(actual.size()) +
           "; first difference at byte " + std::to_string(at) + "\n  expected: " + context(expected) +
           "\n  actual:   " + context(actual);
}

// The data version as /healthz reports it: {"...","version":"98c5bb1379b45527"}.
std::string data_version(unsigned short port) {
    std::string const body = test::http_get(port, "/healthz", host_header).body;
    std::string const key = "\"version\":\"";
    auto const at = body.find(key);
    if (at == std::string::npos) return {};
    return body.substr(at + key.size(), body.find('"', at + key.size()) - at - key.size());
}

}  // namespace

TEST(golden, targets_and_expected_files_match) {
    auto const targets = read_targets();
    ASSERT_GE(targets.size(), 80u) << "read from " << golden_dir() / "targets.txt";
    std::set<std::string> names;
    for (auto const& t : targets) {
        EXPECT_TRUE(names.insert(t.name).second) << "name used twice: " << t.name;
        EXPECT_TRUE(t.target.starts_with("/")) << t.name << ": " << t.target;
        for (char const* ext : {".head", ".body"})
            EXPECT_TRUE(fs::exists(expected_dir() / (t.name + ext))) << "missing " << expected_dir() / (t.name + ext);
    }
    for (auto const& file : fs::directory_iterator(expected_dir()))
        EXPECT_TRUE(names.contains(file.path().stem().string())) << "no target for " << file.path();
}

TEST(golden, sample_answers_are_unchanged_byte_for_byte) {
    auto const targets = read_targets();
    ASSERT_FALSE(targets.empty());
    test::server_process server("--quiet");  // no sources: the bundled sample
    ASSERT_NE(server.port(), 0);
    std::string const version = data_version(server.port());
    EXPECT_EQ(version.size(), 16u) << "no data version in /healthz";
    std::string const sample_dir = (test::source_dir() / "data/sample").string();

    int differing = 0;
    for (auto const& t : targets) {
        auto const reply = test::http_get(server.port(), t.target, host_header);
        auto const type = reply.headers.find("content-type");
        std::string const content_type = type == reply.headers.end() ? "" : type->second;
        std::string const body = normalised(reply.body, content_type, version, sample_dir);
        std::string const head = head_text(reply);
        std::string const expected_head = test::slurp(expected_dir() / (t.name + ".head"));
        std::string const body_difference = first_difference(test::slurp(expected_dir() / (t.name + ".body")), body);
        EXPECT_EQ(expected_head, head) << t.name << ": " << t.target;
        if (!body_difference.empty()) ADD_FAILURE() << t.name << ": " << t.target << "\nbody: " << body_difference;
        if (head != expected_head || !body_difference.empty()) ++differing;
    }
    if (differing > 0)
        ADD_FAILURE() << differing << " of " << targets.size() << " answers differ from " << expected_dir()
                      << ". To see them whole: tests/golden/regenerate build/server/concessions --out /tmp/golden; "
                      << "diff -r " << expected_dir() << " /tmp/golden";
}
