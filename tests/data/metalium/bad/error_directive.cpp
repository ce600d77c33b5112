// expect: 4:1: #error "TILE_COUNT must be defined"
// #error stops the compilation with its message.
#ifndef TILE_COUNT
#error "TILE_COUNT must be defined"
#endif
void kernel_main() {}
