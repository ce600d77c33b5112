// expect: 4:33: unsupported: get_dataformat
// A kernel cannot ask a circular buffer for its data format here.
void kernel_main() {
    uint32_t format = (uint32_t)get_dataformat(0);
}
