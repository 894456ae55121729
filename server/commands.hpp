#pragma once
// Subcommands of the `concessions` executable. Each registers its options on
// a CLI11 app and returns the process exit status when run.

#include <CLI/CLI.hpp>

#include <functional>

namespace cli {

// Exit statuses, documented in README.md.
inline constexpr int exit_ok = 0;
inline constexpr int exit_load_failed = 1;  // at least one source could not be loaded
inline constexpr int exit_usage = 2;        // bad command line

// Registers `info` on app; the returned callable runs it after parsing.
std::function<int()> add_info_command(CLI::App& app);
// Registers `serve`.
std::function<int()> add_serve_command(CLI::App& app);
// Registers `export`.
std::function<int()> add_export_command(CLI::App& app);

}  // namespace cli
