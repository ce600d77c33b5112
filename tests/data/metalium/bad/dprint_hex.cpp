// expect: 4:29: unsupported: DPRINT manipulator HEX()
// The emulator's DPRINT prints integers in decimal only.
void kernel_main() {
    DPRINT << "address " << HEX() << get_write_ptr(0) << ENDL();
}
