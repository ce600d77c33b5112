// expect: 3:1: unsupported: classes
// Classes are outside the dialect (plain structs are supported).
class Reader {
  public:
    uint32_t addr;
};
void kernel_main() {}
