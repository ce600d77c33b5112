// expect: 3:1: unknown include "my_private_api.h"
// A quoted include that is neither a kernel API header nor a file next to the kernel.
#include "my_private_api.h"

void kernel_main() {}
