// expect: 4:5: 'DEVICE_PRINT' has more arguments than {} in its format
// A format print with an argument left over.
void kernel_main() {
    DEVICE_PRINT("tiles {}\n", 4, 5);
}
