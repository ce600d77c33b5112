// expect: 5:30: unknown name 'count'
// A variable used but never declared.
void kernel_main() {
    uint32_t total = 0;
    for (uint32_t i = 0; i < count; ++i) total += i;
}
