/* fuzz_cutoff.c - libFuzzer harness for the cutoff of `history --prune`
 * (dt_date_parse_cutoff), the one argument parser the history store adds.
 * The input is one argument, as the command line hands it over. Invariants:
 *   - *out is written only when the text is accepted;
 *   - an age "Nd" is the start of the UTC day N days before now, for N up
 *     to DT_CUTOFF_DAYS_MAX, and nothing else ending in 'd' is an age;
 *   - any other accepted text is a date dt_date_parse reads the same. */
#include <string.h>

#include "dt_date.h"
#include "fuzz_common.h"

#define NOW 1796118566LL /* 2026-12-01T09:49:26Z */
#define SENTINEL_OUT 0x5a5a5a5a5a5aLL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256];
    fuzz_text(data, size, text, sizeof text);
    size_t len = strlen(text);
    int64_t out = SENTINEL_OUT;
    bool ok = dt_date_parse_cutoff(text, NOW, &out);
    if (!ok) {
        CHECK(out == SENTINEL_OUT);
        return 0;
    }
    bool digits = len >= 2;
    for (size_t i = 0; i + 1 < len; i++)
        digits &= text[i] >= '0' && text[i] <= '9';
    if (digits && (text[len - 1] == 'd' || text[len - 1] == 'D')) {
        unsigned long long days = strtoull(text, NULL, 10);
        CHECK(days <= DT_CUTOFF_DAYS_MAX);
        CHECK(out == dt_date_bucket(NOW, DT_BUCKET_DAY) - (int64_t)days * 86400);
        return 0;
    }
    int64_t again;
    CHECK(dt_date_parse(text, len, &again) == DT_DATE_OK && again == out);
    return 0;
}
