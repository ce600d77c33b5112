// expect: 5:11: cannot assign to const variable 'limit'
// Assigning to a const local.
void kernel_main() {
    const uint32_t limit = get_arg_val<uint32_t>(0);
    limit = 3;
}
