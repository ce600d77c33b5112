// expect: 4:20: unexpected character '@'
// A character that starts no C++ token.
void kernel_main() {
    uint32_t x = 1 @ 2;
}
