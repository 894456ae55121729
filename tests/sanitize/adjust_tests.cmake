# Read by ctest in the sanitized build (CONCESSIONS_SANITIZE), after the
# tests are listed: tests whose subject the sanitizers change themselves.
# A name no longer listed is passed over.

# AddressSanitizer holds freed memory back before reusing it (its
# quarantine, 256 MB, is what catches a use after free), so the server's
# resident set grows by what it frees, which this test bounds. It runs
# without the quarantine; every other check stays on.
set_tests_properties(
  faults_e2e.clients_that_stop_reading_are_cut_off_after_the_write_timeout_and_memory_stays_bounded
  PROPERTIES ENVIRONMENT "ASAN_OPTIONS=quarantine_size_mb=0:thread_local_quarantine_size_kb=0")

# At the descriptor limit UBSan's vptr check cannot tell whether an
# object's vtable is readable (it copies it through a pipe, which needs two
# descriptors), and takes every std::make_shared in the server for a type
# mismatch; its report cannot be written to the log either. The ordinary
# build runs this test.
set_tests_properties(
  faults_e2e.at_the_descriptor_limit_new_connections_get_503_and_open_ones_are_served
  PROPERTIES DISABLED TRUE)
