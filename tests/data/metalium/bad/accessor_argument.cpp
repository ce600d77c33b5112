// expect: 5:28: 'noc_async_read_tile' needs an address generator
// A page read whose second argument is a plain address instead of an accessor.
void kernel_main() {
    uint32_t src = get_arg_val<uint32_t>(0);
    noc_async_read_tile(0, src, get_write_ptr(0));
}
