// expect: 5:10: index 4 is out of the bounds of array 'sizes' (4 elements)
// A constant index past the end of a local array.
void kernel_main() {
    uint32_t sizes[4] = {1, 2, 3, 4};
    sizes[4] = 5;
}
