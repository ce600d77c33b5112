// expect: 7:9: duplicate case value 2
// Two case labels with the same value.
void kernel_main() {
    uint32_t n = get_arg_val<uint32_t>(0);
    switch (n) {
        case 2: break;
        case 1 + 1: break;
    }
}
