// expect: 4:5: unterminated /* comment
// A block comment that never ends.
void kernel_main() {
    /* the reader loop
    for (uint32_t i = 0; i < 4; ++i) {}
}
