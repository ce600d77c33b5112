// expect: 4:5: 'cb_push_back' takes 2 arguments, 1 given
// Too few arguments to a kernel API call.
void kernel_main() {
    cb_push_back(0);
}
