// expect: 5:9: 'break' outside a loop or switch
// break with no loop around it.
void kernel_main() {
    if (get_arg_val<uint32_t>(0) == 0) {
        break;
    }
}
