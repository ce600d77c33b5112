// role: reader
// Helper functions, inlined at each call: inline / static / FORCE_INLINE / ALWI, by-value and reference
// parameters, default arguments, returns from inside loops, function templates with type and value
// parameters (explicit and deduced), a helper taking an address generator, forward declarations.

#include <cstdint>
#include "dataflow_api.h"

uint32_t triangle(uint32_t n);

FORCE_INLINE uint32_t clamp_add(uint32_t a, uint32_t b, uint32_t limit = 100) {
    uint32_t s = a + b;
    return s > limit ? limit : s;
}

ALWI void accumulate(uint32_t& total, uint32_t value) { total += value; }

static inline int first_multiple(int start, int step, int of) {
    for (int v = start;; v += step) {
        if (v % of == 0) {
            return v;
        }
        if (v > 10000) break;
    }
    return -1;
}

template <typename T>
T max_of(T a, T b) {
    if (a > b) return a;
    return b;
}

template <bool kDouble, uint32_t kAdd = 1>
uint32_t transform(uint32_t x) {
    if constexpr (kDouble) {
        return 2 * x + kAdd;
    } else {
        return x + kAdd;
    }
}

template <typename AddrGen>
void read_page(const AddrGen& gen, uint32_t page, uint32_t l1, uint32_t bytes) {
    noc_async_read(get_noc_addr(page, gen), l1, bytes);
    noc_async_read_barrier();
}

uint32_t triangle(uint32_t n) {
    uint32_t t = 0;
    for (uint32_t i = 1; i <= n; ++i) t += i;
    return t;
}

void kernel_main() {
    const uint32_t x = get_arg_val<uint32_t>(0);
    const uint32_t src = get_arg_val<uint32_t>(1);
    cb_reserve_back(0, 1);
    volatile tt_l1_ptr uint32_t* out = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(0));
    uint32_t total = 0;
    accumulate(total, x);
    accumulate(total, clamp_add(x, 90));
    out[0] = total;
    out[1] = first_multiple(static_cast<int>(x), 7, 5);
    out[2] = max_of(x, 17u) + max_of<int>(-3, -9);
    out[3] = transform<true>(x) + transform<false, 10>(x);
    out[4] = triangle(x);
    const InterleavedAddrGen<true> gen = {.bank_base_address = src, .page_size = 64};
    read_page(gen, 0, get_write_ptr(0) + 64, 64);

    // The results page goes to page 0 of the output buffer (runtime arg 2).
    const InterleavedAddrGen<true> results = {.bank_base_address = get_arg_val<uint32_t>(2), .page_size = 256};
    noc_async_write(get_write_ptr(0), get_noc_addr(0, results), 256);
    noc_async_write_barrier();
}
