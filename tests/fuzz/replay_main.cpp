// The corpus replay: runs a fuzz target's LLVMFuzzerTestOneInput once on
// each file named (directories: each file in them), so that every seed and
// every input that once crashed is tried in the ordinary build too, with any
// compiler. libFuzzer's own main does the fuzzing in the clang build.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        fs::path const p = argv[i];
        if (fs::is_directory(p)) {
            for (auto const& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
        } else {
            files.push_back(p);
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "no inputs: give files or folders of the corpus\n");
        return 2;
    }
    for (auto const& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string const bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof()) {
            std::fprintf(stderr, "cannot read %s\n", f.c_str());
            return 2;
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size());
    }
    std::printf("%zu inputs replayed, every property held\n", files.size());
    return 0;
}
