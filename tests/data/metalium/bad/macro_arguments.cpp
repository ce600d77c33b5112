// expect: 5:18: macro 'PAIR' takes 2 arguments, 1 given
// A function-like macro called with the wrong number of arguments.
#define PAIR(a, b) ((a) + (b))
void kernel_main() {
    uint32_t x = PAIR(1);
}
