// expect: 4:12: unsupported: format spec {:#x} in 'DPRINT'
// The format form of DPRINT prints integers in decimal only.
void kernel_main() {
    DPRINT("address {:#x}\n", get_write_ptr(0));
}
