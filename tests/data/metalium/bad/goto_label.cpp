// expect: 5:9: unsupported: goto
// goto is outside the dialect.
void kernel_main() {
    for (uint32_t i = 0; i < 4; ++i) {
        goto done;
    }
}
