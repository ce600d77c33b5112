// expect: 6:28: compile-time arg 3 requested, 1 given
// compile-args: 7
// The kernel reads a compile-time arg the host did not give.
void kernel_main() {
    constexpr uint32_t a = get_compile_time_arg_val(0);
    constexpr uint32_t b = get_compile_time_arg_val(3);
}
