// expect: 5:1: unsupported: class templates
// Class templates are outside the dialect.
#include <cstdint>
template <typename T>
struct Holder {
    T value;
};

void kernel_main() {}
