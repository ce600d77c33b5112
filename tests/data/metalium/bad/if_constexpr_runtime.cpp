// expect: 5:5: an 'if constexpr' condition must be a compile-time constant
// if constexpr needs a constant; a runtime argument is not one.
void kernel_main() {
    uint32_t mode = get_arg_val<uint32_t>(0);
    if constexpr (mode == 1) {
        cb_push_back(0, 1);
    }
}
