// expect: 6:5: unknown function 'foo'
// A call of a function nobody defined.
#include "dataflow_api.h"

void kernel_main() {
    foo(1);
}
