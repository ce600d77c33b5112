// expect: 6:24: recursion is not supported: 'fib' calls itself
// Helpers are inlined at each call, so they cannot call themselves.
#include <cstdint>

uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void kernel_main() {
    uint32_t x = fib(get_arg_val<uint32_t>(0));
}
