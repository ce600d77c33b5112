// expect: 5:23: unsupported: taking the address of 'count'
// Locals live in registers, not in L1.
void kernel_main() {
    uint32_t count = 0;
    uint32_t* where = &count;
}
