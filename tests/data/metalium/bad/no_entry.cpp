// expect: 1:1: no kernel entry point
// A file with helpers but no kernel_main.
#include <cstdint>

uint32_t helper(uint32_t x) { return x + 1; }
