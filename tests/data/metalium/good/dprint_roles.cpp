// role: compute
// DPRINT from a compute kernel: the MATH / PACK / UNPACK wrappers, integers of several types, a string
// with an embedded newline, character literals and ENDL(), and the 2026 format form.

#include "debug/dprint.h"
#include "compute_kernel_api.h"

namespace NAMESPACE {
void MAIN {
    uint32_t n = get_arg_val<uint32_t>(0);
    int32_t signed_n = -static_cast<int32_t>(n);
    uint64_t big = static_cast<uint64_t>(n) << 32;
    DPRINT_MATH(DPRINT << "math sees " << n << ENDL());
    DPRINT_MATH(DPRINT << "wrapped " << U8(n + 256) << ' ' << I16(-n) << ' ' << U32(n) << ENDL());
    DPRINT_PACK(DPRINT << "pack sees " << signed_n << ENDL());
    DPRINT_UNPACK(DPRINT << "unpack sees " << big << ENDL());
    DPRINT << "two\nlines" << ' ' << (n > 2) << DEC() << ENDL();
    DEVICE_PRINT_PACK("packed {} of {}\n", n, big);
    DPRINT_DATA0(DPRINT << "never printed here" << ENDL());
    DPRINT_DATA1("nor {} here\n", n);
}
}  // namespace NAMESPACE
