// Linked into every executable of the sanitized build with GCC
// (CONCESSIONS_SANITIZE). GCC's UndefinedBehaviorSanitizer runtime is a
// library of its own beside AddressSanitizer's, and writes its reports to
// stderr whatever log_path says; a server's stderr goes to a log the test
// may never read. The runtime calls this hook before each report; the
// summary and stack written here go through AddressSanitizer's runtime into
// log_path, where tests/sanitize/run_test finds them.

#include <cstdint>
#include <cstdio>
#include <sanitizer/common_interface_defs.h>

extern "C" {
// libubsan's (compiler-rt's sanitizer/ubsan_interface.h; GCC ships no header)
void __ubsan_get_current_report_data(char const** kind, char const** message, char const** file, unsigned* line,
                                     unsigned* column, std::uintptr_t* address);

void __ubsan_on_report() {
    char const* kind = "";
    char const* message = "";
    char const* file = "";
    unsigned line = 0;
    unsigned column = 0;
    std::uintptr_t address = 0;
    __ubsan_get_current_report_data(&kind, &message, &file, &line, &column, &address);
    char summary[4096];
    std::snprintf(summary, sizeof summary, "UndefinedBehaviorSanitizer: %s %s:%u:%u: %s", kind, file, line, column,
                  message);
    __sanitizer_report_error_summary(summary);
    __sanitizer_print_stack_trace();
}
}
