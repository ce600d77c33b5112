// expect: 4:5: unsupported type 'float'
// Kernel scalars are integers.
void kernel_main() {
    float scale = 0.5f;
}
