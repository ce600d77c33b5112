// The .tsb file format: KernelBinary <-> bytes, and atomic save / load. The byte layout is documented in
// docs/bytecode.md; keep the two in agreement.
//
// Deserialize treats its input as hostile: every read is bounds-checked against the end of the enclosing
// section, every count is checked against the bytes that remain before anything is allocated for it, and
// a CRC-32 over the whole file rejects corruption the structure alone cannot see (a flipped register
// field, say).
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string_view>

#include <fmt/format.h>

#include "tilesim/bytecode/kernel_binary.h"

namespace tilesim::bc {
namespace {

// Section tags, in the order sections appear in a file.
constexpr std::string_view kHeaderTag = "HEAD";
constexpr std::string_view kCodeTag = "CODE";
constexpr std::string_view kConstantsTag = "CNST";
constexpr std::string_view kStringsTag = "STRS";
constexpr std::string_view kImportsTag = "IMPT";
constexpr std::string_view kFilesTag = "FILE";
constexpr std::string_view kSourceMapTag = "SMAP";

constexpr size_t kInstrBytes = 8;          // op, a, b, c, imm
constexpr size_t kSourceMapEntryBytes = 16;  // pc, file, line, column
constexpr size_t kStringMinBytes = 4;      // the length prefix of an empty string

// CRC-32 as in zlib / IEEE 802.3 (reflected polynomial 0xEDB88320), table-driven.
constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

uint32_t Crc32(std::span<const uint8_t> bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t byte : bytes) crc = kCrcTable[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

// A tag as text when printable, else as hex, for error messages about unexpected section tags.
std::string DescribeTag(std::span<const uint8_t> tag) {
  const bool printable = std::all_of(tag.begin(), tag.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
  if (printable) return fmt::format("'{}'", std::string(tag.begin(), tag.end()));
  return fmt::format("0x{:02x}{:02x}{:02x}{:02x}", tag[0], tag[1], tag[2], tag[3]);
}

// ---- Writing ----

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { LittleEndian(v, 2); }
  void U32(uint32_t v) { LittleEndian(v, 4); }
  void U64(uint64_t v) { LittleEndian(v, 8); }
  void Bytes(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void Count(size_t n, std::string_view what) { U32(CheckedU32(n, what)); }
  void String(std::string_view s, std::string_view what) {
    Count(s.size(), what);
    Bytes(s);
  }
  void StringList(const std::vector<std::string>& list, std::string_view what) {
    Count(list.size(), what);
    for (const std::string& s : list) String(s, what);
  }
  // Writes the tag and a length placeholder; EndSection fills the length in.
  size_t BeginSection(std::string_view tag) {
    Bytes(tag);
    const size_t length_at = out_.size();
    U32(0);
    return length_at;
  }
  void EndSection(size_t length_at) {
    const uint32_t length = CheckedU32(out_.size() - length_at - 4, "section length");
    for (int i = 0; i < 4; ++i) out_[length_at + i] = static_cast<uint8_t>(length >> (8 * i));
  }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  void LittleEndian(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  static uint32_t CheckedU32(size_t n, std::string_view what) {
    if (n > std::numeric_limits<uint32_t>::max()) {
      throw BytecodeError(fmt::format("cannot serialize: {} {} does not fit the format's 32-bit field", what, n));
    }
    return static_cast<uint32_t>(n);
  }
  std::vector<uint8_t> out_;
};

// ---- Reading ----

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes), limit_(bytes.size()) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return limit_ - pos_; }

  [[noreturn]] void Fail(size_t offset, const std::string& what) const {
    throw BytecodeError(fmt::format("offset {}: {}", offset, what));
  }
  void Need(size_t n, std::string_view what) const {
    if (remaining() < n) {
      Fail(pos_, fmt::format("expected {} ({} bytes), but only {} bytes remain{}", what, n, remaining(),
                             limit_ < bytes_.size() ? " in the section" : ""));
    }
  }
  uint64_t LittleEndian(int n, std::string_view what) {
    Need(static_cast<size_t>(n), what);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  uint8_t U8(std::string_view what) { return static_cast<uint8_t>(LittleEndian(1, what)); }
  uint16_t U16(std::string_view what) { return static_cast<uint16_t>(LittleEndian(2, what)); }
  uint32_t U32(std::string_view what) { return static_cast<uint32_t>(LittleEndian(4, what)); }
  uint64_t U64(std::string_view what) { return LittleEndian(8, what); }
  std::span<const uint8_t> Bytes(size_t n, std::string_view what) {
    Need(n, what);
    auto span = bytes_.subspan(pos_, n);
    pos_ += n;
    return span;
  }

  // A u32 element count, rejected before any allocation if the elements could not fit in what remains.
  uint32_t Count(std::string_view what, size_t min_element_bytes) {
    const size_t at = pos_;
    const uint32_t count = U32(fmt::format("the number of {}", what));
    if (static_cast<uint64_t>(count) * min_element_bytes > remaining()) {
      Fail(at, fmt::format("{} {} need at least {} bytes, but only {} remain", count, what,
                           static_cast<uint64_t>(count) * min_element_bytes, remaining()));
    }
    return count;
  }
  std::string String(std::string_view what) {
    const size_t at = pos_;
    const uint32_t length = U32(fmt::format("the length of {}", what));
    if (length > remaining()) {
      Fail(at, fmt::format("{} is {} bytes long, but only {} bytes remain", what, length, remaining()));
    }
    auto chars = Bytes(length, what);
    return std::string(chars.begin(), chars.end());
  }
  std::vector<std::string> StringList(std::string_view what) {
    const uint32_t count = Count(what, kStringMinBytes);
    std::vector<std::string> list;
    list.reserve(count);
    for (uint32_t i = 0; i < count; ++i) list.push_back(String(fmt::format("{} {}", what, i)));
    return list;
  }

  // Reads a section header and runs `body` with reads confined to the section's declared length;
  // the body must consume the section exactly.
  template <typename Body>
  void Section(std::string_view tag, Body&& body) {
    const size_t tag_at = pos_;
    auto found = Bytes(4, fmt::format("section tag '{}'", tag));
    if (!std::equal(found.begin(), found.end(), tag.begin(), tag.end())) {
      Fail(tag_at, fmt::format("expected section tag '{}', found {}", tag, DescribeTag(found)));
    }
    const size_t length_at = pos_;
    const uint32_t length = U32(fmt::format("the length of section '{}'", tag));
    if (length > remaining()) {
      Fail(length_at, fmt::format("section '{}' claims {} bytes, but only {} remain", tag, length, remaining()));
    }
    const size_t outer_limit = limit_;
    limit_ = pos_ + length;
    body();
    if (pos_ != limit_) {
      Fail(pos_, fmt::format("expected the end of section '{}', but {} bytes of it are left over", tag, limit_ - pos_));
    }
    limit_ = outer_limit;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  size_t limit_;  // reads stop here: the end of the current section, or of the file
};

void ReadHeader(Reader& in, KernelBinary& kernel) {
  kernel.num_registers = in.U32("the number of registers");
  const size_t role_at = in.pos();
  const uint32_t role = in.U32("the kernel role");
  if (role >= kNumKernelRoles) {
    in.Fail(role_at, fmt::format("expected a kernel role 0..{} (reader, writer, compute), found {}", kNumKernelRoles - 1, role));
  }
  kernel.role = static_cast<KernelRole>(role);
  kernel.name = in.String("the kernel name");
}

void ReadCode(Reader& in, KernelBinary& kernel) {
  const uint32_t count = in.Count("instructions", kInstrBytes);
  kernel.code.resize(count);
  for (Instr& instr : kernel.code) {
    // Opcode values are not checked here: Deserialize reads, Verify judges.
    instr.op = static_cast<Opcode>(in.U8("an opcode"));
    instr.a = in.U8("operand a");
    instr.b = in.U8("operand b");
    instr.c = in.U8("operand c");
    instr.imm = in.U32("the immediate");
  }
}

void ReadSourceMap(Reader& in, KernelBinary& kernel) {
  const uint32_t count = in.Count("source map entries", kSourceMapEntryBytes);
  kernel.source_map.resize(count);
  for (SourceMapEntry& entry : kernel.source_map) {
    entry.pc = in.U32("a source map pc");
    entry.location.file = in.U32("a source map file index");
    entry.location.line = in.U32("a source map line");
    entry.location.column = in.U32("a source map column");
  }
}

}  // namespace

std::vector<uint8_t> Serialize(const KernelBinary& kernel) {
  if (static_cast<uint32_t>(kernel.role) >= kNumKernelRoles) {
    throw BytecodeError(fmt::format("cannot serialize kernel '{}': invalid role {}", kernel.name,
                                    static_cast<uint32_t>(kernel.role)));
  }
  Writer out;
  out.Bytes(std::string_view(kMagic, sizeof(kMagic)));
  out.U16(kFormatVersion);
  out.U16(0);  // flags

  size_t section = out.BeginSection(kHeaderTag);
  out.U32(kernel.num_registers);
  out.U32(static_cast<uint32_t>(kernel.role));
  out.String(kernel.name, "kernel name length");
  out.EndSection(section);

  section = out.BeginSection(kCodeTag);
  out.Count(kernel.code.size(), "instruction count");
  for (const Instr& instr : kernel.code) {
    out.U8(static_cast<uint8_t>(instr.op));
    out.U8(instr.a);
    out.U8(instr.b);
    out.U8(instr.c);
    out.U32(instr.imm);
  }
  out.EndSection(section);

  section = out.BeginSection(kConstantsTag);
  out.Count(kernel.constants.size(), "constant count");
  for (uint64_t value : kernel.constants) out.U64(value);
  out.EndSection(section);

  section = out.BeginSection(kStringsTag);
  out.StringList(kernel.strings, "string");
  out.EndSection(section);

  section = out.BeginSection(kImportsTag);
  out.StringList(kernel.imports, "import");
  out.EndSection(section);

  section = out.BeginSection(kFilesTag);
  out.StringList(kernel.files, "file name");
  out.EndSection(section);

  section = out.BeginSection(kSourceMapTag);
  out.Count(kernel.source_map.size(), "source map entry count");
  for (const SourceMapEntry& entry : kernel.source_map) {
    out.U32(entry.pc);
    out.U32(entry.location.file);
    out.U32(entry.location.line);
    out.U32(entry.location.column);
  }
  out.EndSection(section);

  out.U32(Crc32(out.bytes()));
  return std::move(out.bytes());
}

KernelBinary Deserialize(std::span<const uint8_t> bytes) {
  Reader in(bytes);
  auto magic = in.Bytes(sizeof(kMagic), "the magic number \"TSBC\"");
  if (!std::equal(magic.begin(), magic.end(), std::begin(kMagic), std::end(kMagic))) {
    in.Fail(0, fmt::format("expected the magic number \"TSBC\", found {} (not a tilesim bytecode file)", DescribeTag(magic)));
  }
  const uint16_t version = in.U16("the format version");
  if (version != kFormatVersion) {
    in.Fail(4, fmt::format("expected format version {}, found {} (written by a {} tilesim?)", kFormatVersion, version,
                           version > kFormatVersion ? "newer" : "different"));
  }
  const uint16_t flags = in.U16("the flags");
  if (flags != 0) in.Fail(6, fmt::format("expected flags 0, found 0x{:04x}", flags));

  KernelBinary kernel;
  in.Section(kHeaderTag, [&] { ReadHeader(in, kernel); });
  in.Section(kCodeTag, [&] { ReadCode(in, kernel); });
  in.Section(kConstantsTag, [&] {
    const uint32_t count = in.Count("constants", 8);
    kernel.constants.resize(count);
    for (uint64_t& value : kernel.constants) value = in.U64("a constant");
  });
  in.Section(kStringsTag, [&] { kernel.strings = in.StringList("strings"); });
  in.Section(kImportsTag, [&] { kernel.imports = in.StringList("imports"); });
  in.Section(kFilesTag, [&] { kernel.files = in.StringList("file names"); });
  in.Section(kSourceMapTag, [&] { ReadSourceMap(in, kernel); });

  const size_t checksum_at = in.pos();
  const uint32_t stored = in.U32("the CRC-32 checksum");
  const uint32_t computed = Crc32(bytes.first(checksum_at));
  if (stored != computed) {
    in.Fail(checksum_at, fmt::format("checksum mismatch: the file says 0x{:08x}, its contents hash to 0x{:08x} "
                                     "(the file is corrupted)", stored, computed));
  }
  if (in.remaining() != 0) {
    in.Fail(in.pos(), fmt::format("expected the end of the file after the checksum, found {} more bytes", in.remaining()));
  }
  return kernel;
}

void SaveToFile(const KernelBinary& kernel, const std::string& path) {
  const std::vector<uint8_t> bytes = Serialize(kernel);
  // Write a sibling temporary file and rename it over `path`, so a reader never sees a half-written
  // file and a failed write leaves the old file intact. The random suffix keeps concurrent savers apart.
  static std::atomic<uint64_t> counter{0};
  std::random_device entropy;
  const uint64_t salt = (static_cast<uint64_t>(entropy()) << 32) ^ counter.fetch_add(1) ^
                        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string temp = fmt::format("{}.tmp-{:016x}", path, salt);

  std::FILE* file = std::fopen(temp.c_str(), "wbx");  // "x": fail rather than reuse an existing file
  if (file == nullptr) {
    throw std::runtime_error(fmt::format("cannot write '{}': cannot create '{}': {}", path, temp, std::strerror(errno)));
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temp.c_str());
    throw std::runtime_error(fmt::format("cannot write '{}': writing '{}' failed: {}", path, temp,
                                         std::strerror(written ? errno : write_errno)));
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::remove(temp.c_str());
    throw std::runtime_error(fmt::format("cannot write '{}': renaming '{}' over it failed: {}", path, temp, error.message()));
  }
}

KernelBinary LoadFromFile(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) throw std::runtime_error(fmt::format("cannot load '{}': it is a directory", path));
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw std::runtime_error(fmt::format("cannot read '{}': I/O error", path));
  try {
    return Deserialize(bytes);
  } catch (const BytecodeError& e) {
    throw BytecodeError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace tilesim::bc
