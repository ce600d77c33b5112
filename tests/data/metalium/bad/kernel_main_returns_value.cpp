// expect: 4:5: kernel_main returns void
// kernel_main has no result.
void kernel_main() {
    return 1;
}
