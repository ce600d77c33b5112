// expect: 6:27: only interleaved buffers are supported
// compile-args: 3,2048
// Compile-time arg 0 has the Sharded bit: the front end only knows interleaved buffers.
void kernel_main() {
    uint32_t addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto s = TensorAccessor(args, addr, 2048);
}
