/*
 * fuzz_rows.c - libFuzzer target over the CSV row splitter (src/csvrows.c)
 * and the row validators (src/events.c).  The harness itself is in
 * fuzz_rows.h, shared with the cmocka replay tests/test_fuzz_regressions.c.
 *
 * Build and run: tests/fuzz/run.sh [SECONDS]   (clang, ASan + UBSan)
 */
#include "fuzz_rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_rows_one(data, size);
}
