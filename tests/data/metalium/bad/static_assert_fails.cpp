// expect: 5:1: static_assert failed: tiles must come in pairs
// A static_assert whose condition is false.
constexpr uint32_t kTiles = 3;

static_assert(kTiles % 2 == 0, "tiles must come in pairs");

void kernel_main() {}
