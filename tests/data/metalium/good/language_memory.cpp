// role: reader
// L1 through pointers: 32-, 16-, 8- and 64-bit elements, pointer arithmetic and comparison, subscripts,
// dereference, address-of an element; local arrays (with constant and run-time indexes) and structs.

#include <cstdint>
#include "dataflow_api.h"

struct Window {
    uint32_t start;
    uint32_t length = 4;
    uint16_t flags[2];
};

Window make_window(uint32_t start) {
    Window w{start};
    w.flags[1] = 7;
    return w;
}

void kernel_main() {
    const uint32_t pick = get_arg_val<uint32_t>(0);
    cb_reserve_back(0, 1);
    uint32_t base = get_write_ptr(0);
    uint32_t* words = (uint32_t*)base;
    uint16_t* halves = reinterpret_cast<uint16_t*>(base + 64);
    uint8_t* bytes = reinterpret_cast<uint8_t*>(base + 128);
    volatile uint64_t* longs = reinterpret_cast<volatile uint64_t*>(base + 192);

    for (uint32_t i = 0; i < 8; ++i) {
        halves[i] = static_cast<uint16_t>(0x1111 * i);
        bytes[i] = static_cast<uint8_t>(i * 37);
    }
    longs[0] = 0x0123456789ABCDEFull;
    uint32_t* end = words + 4;
    uint32_t steps = 0;
    for (uint32_t* p = words; p != end; ++p) {
        *p = steps++;
    }
    words[4] = halves[3] + bytes[7];
    words[5] = static_cast<uint32_t>(longs[0] >> 8);
    words[6] = static_cast<uint32_t>(end - words);
    uint32_t* middle = &words[2];
    middle[1] += 40;

    uint32_t table[5] = {10, 20, 30, 40, 50};
    uint32_t grid[2][3] = {{1, 2, 3}, {4, 5, 6}};
    table[pick % 5] += 1;
    words[7] = table[pick % 5] + table[0] + grid[1][2];

    Window w = make_window(pick);
    w.length *= 2;
    words[8] = w.start + w.length + w.flags[1] + w.flags[0];

    // The results page goes to page 0 of the output buffer (runtime arg 1).
    const InterleavedAddrGen<true> results = {.bank_base_address = get_arg_val<uint32_t>(1), .page_size = 256};
    noc_async_write(get_write_ptr(0), get_noc_addr(0, results), 256);
    noc_async_write_barrier();
}
