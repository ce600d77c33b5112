// expect: 6:5: expected ';' after the declaration, found 'cb_push_back'
// A declaration without its semicolon.
void kernel_main() {
    uint32_t cb = 0;
    uint32_t n = 1
    cb_push_back(cb, n);
}
