// expect: 5:14: redefinition of 'tile'
// One name declared twice in the same scope.
void kernel_main() {
    uint32_t tile = 0;
    uint32_t tile = 1;
}
