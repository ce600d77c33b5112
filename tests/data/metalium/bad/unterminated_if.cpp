// expect: 3:1: unterminated conditional directive
// An #ifdef without its #endif.
#ifdef USE_FAST_PATH
void kernel_main() {}
