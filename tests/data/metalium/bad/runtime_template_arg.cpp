// expect: 5:46: the compile-time arg offset of TensorAccessorArgs must be a compile-time constant
// TensorAccessorArgs<N> needs N while compiling.
void kernel_main() {
    uint32_t offset = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<offset>();
}
