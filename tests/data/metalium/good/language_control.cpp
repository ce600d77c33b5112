// role: reader
// compile-args: 41
// Control flow: for (counted, decreasing, with continue), while, do-while, switch with fallthrough and
// default, break, continue, if constexpr on a compile-time arg, nested loops and an early return.

#include "dataflow_api.h"

constexpr bool kVerbose = false;

void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0);
    cb_reserve_back(0, 1);
    volatile tt_l1_ptr uint32_t* out = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(0));

    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i % 3 == 0) continue;
        sum += i;
    }
    out[0] = sum;

    uint32_t down = 0;
    for (int32_t i = static_cast<int32_t>(n); i >= 0; i -= 2) down += static_cast<uint32_t>(i);
    out[1] = down;

    uint32_t w = 1;
    while (w < n * 10) {
        w <<= 1;
        if (w == 64) break;
    }
    out[2] = w;

    uint32_t d = 0;
    do {
        d += 3;
    } while (d < n);
    out[3] = d;

    uint32_t kinds = 0;
    for (uint32_t k = 0; k < 6; ++k) {
        switch (k) {
            case 0: kinds += 1; break;
            case 1:
            case 2: kinds += 10; [[fallthrough]];
            case 3: kinds += 100; break;
            default: kinds += 1000; continue;
        }
        kinds += 5;
    }
    out[4] = kinds;

    if constexpr (kVerbose) {
        DPRINT << "sum " << sum << ENDL();
    } else {
        out[5] = get_compile_time_arg_val(0) + 1;
    }

    uint32_t found = 0xFFFF;
    for (uint32_t row = 0; row < 4 && found == 0xFFFF; ++row) {
        for (uint32_t col = 0; col < 4; ++col) {
            if (row * 4 + col == n) {
                found = row * 100 + col;
                break;
            }
        }
    }
    out[6] = found;
    if (n > 1000) {
        return;
    }
    out[7] = 1;

    // The results page goes to page 0 of the output buffer (runtime arg 1).
    const InterleavedAddrGen<true> results = {.bank_base_address = get_arg_val<uint32_t>(1), .page_size = 256};
    noc_async_write(get_write_ptr(0), get_noc_addr(0, results), 256);
    noc_async_write_barrier();
}
