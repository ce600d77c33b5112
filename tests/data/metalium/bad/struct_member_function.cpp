// expect: 5:14: unsupported: member functions in struct 'Range'
// Structs hold data members only.
struct Range {
    uint32_t begin, end;
    uint32_t size() const { return end - begin; }
};
void kernel_main() {}
