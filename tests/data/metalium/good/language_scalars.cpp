// role: reader
// Scalar types and operators: every integer type, const / constexpr, casts of all three spellings, integer
// literals, enums, aliases, sizeof, shifts, logic, compound assignment and increments. Results go to L1.

#include <cstdint>
#include <stdint.h>
#include "dataflow_api.h"

using word_t = uint32_t;
typedef int32_t signed_word;
enum Mode : uint8_t { MODE_COPY = 1, MODE_SCALE = 4, MODE_LAST };
enum class Phase { Idle, Busy = 7, Done };

constexpr uint32_t kScale = 3;
constexpr uint32_t kWords = 12 + sizeof(uint64_t) / sizeof(uint32_t);

void kernel_main() {
    const word_t seed = get_arg_val<word_t>(0);
    const signed_word delta = get_arg_val<int32_t>(1);
    cb_reserve_back(0, 1);
    volatile tt_l1_ptr uint32_t* out = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(0));

    uint8_t small = static_cast<uint8_t>(seed + 250);  // wraps at 8 bits
    uint16_t half = (uint16_t)(seed * 1000u);
    int16_t negative_half = int16_t(-delta);
    int8_t tiny = -3;
    uint64_t wide = (uint64_t)seed << 33 | 0xFFu;
    size_t count = 0;
    bool flag = seed > 5 && delta != 0 || !(seed & 1);
    unsigned u = 0x10;
    int i = -7;
    auto deduced = seed * kScale;

    out[0] = small;
    out[1] = half + negative_half;
    out[2] = static_cast<uint32_t>(tiny) ^ 0xFFFFFFFFu;
    out[3] = (uint32_t)(wide >> 32);
    out[4] = (uint32_t)wide;
    out[5] = flag ? 11 : 22;
    out[6] = i / 2 + i % 4;                // signed division truncates toward zero
    u <<= 2;
    out[7] = u | (u >> 1);
    count += 5;
    count *= 3;
    count -= 1;
    count /= 2;
    count %= 5;
    ++count;
    count++;
    --count;
    out[8] = count;
    out[9] = deduced + MODE_SCALE + static_cast<uint32_t>(Phase::Busy) + MODE_LAST;
    out[10] = 'A' + sizeof(Phase) + sizeof(small) * 100;
    out[11] = (delta < 0) ? ~0u : 1u;
    out[12] = 0b1011 + 017 + 1'000;
    for (uint32_t k = 13; k < kWords; ++k) out[k] = k;

    // The results page goes to page 0 of the output buffer (runtime arg 2).
    const InterleavedAddrGen<true> results = {.bank_base_address = get_arg_val<uint32_t>(2), .page_size = 256};
    noc_async_write(get_write_ptr(0), get_noc_addr(0, results), 256);
    noc_async_write_barrier();
}
