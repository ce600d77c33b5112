// expect: 4:5: unknown type 'Accessor'
// A declaration with a type nobody defined.
void kernel_main() {
    Accessor reader;
}
