// expect: 4:5: unsupported: pointers to pointers
// Pointers hold L1 addresses of integers, never of other pointers.
void kernel_main() {
    uint32_t** table = nullptr;
}
