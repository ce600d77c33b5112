// expect: 4:14: the size of array 'staging' depends on get_compile_time_arg_val()
// An array sized by a compile-time arg, compiled without the compile-time args.
void kernel_main() {
    uint32_t staging[get_compile_time_arg_val(0)];
}
