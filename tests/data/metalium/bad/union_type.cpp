// expect: 3:1: unsupported: unions
// Unions are outside the dialect.
union Bits {
    uint32_t word;
    uint8_t bytes[4];
};
void kernel_main() {}
