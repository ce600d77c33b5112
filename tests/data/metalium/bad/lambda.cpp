// expect: 4:16: unsupported: lambda expressions
// Lambdas are outside the dialect.
void kernel_main() {
    auto add = [](uint32_t a, uint32_t b) { return a + b; };
}
