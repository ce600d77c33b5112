// expect: 5:23: cannot convert the data format of a circular buffer (known only to the host here) to uint32_t
// A kernel may pass a circular buffer's data format on (to InterleavedAddrGenFast) but not look at it: only
// the host knows it here.
void kernel_main() {
    uint32_t format = static_cast<uint32_t>(get_dataformat(0));
}
