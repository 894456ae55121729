#pragma once
// What a fuzz target asserts beyond "no crash": a property that must hold
// for every input. A broken one prints what and aborts, which libFuzzer
// reports as a crash (and keeps the input) and the corpus replay as a
// failed test.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace fuzz {

inline void check(bool holds, std::string_view what, std::string_view input = {}) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()), what.data());
    if (!input.empty()) std::fprintf(stderr, "  about: %.*s\n", static_cast<int>(input.size()), input.data());
    std::abort();
}

}  // namespace fuzz
