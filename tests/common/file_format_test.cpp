// The .tsb file format: the documented byte layout, round trips, and rejection of damaged input.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <random>
#include <fstream>
#include <string>
#include <vector>

#include "common/bytecode_test_util.h"

namespace tilesim::bc {
namespace {

using testing::I;
using testing::MakeKernel;

// An independent, bit-at-a-time CRC-32 (IEEE), to check the file's table-driven one against.
uint32_t ReferenceCrc32(const std::vector<uint8_t>& bytes, size_t length) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < length; ++i) {
    crc ^= bytes[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutU32(std::vector<uint8_t>& bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (8 * i));
}
// Recomputes the trailing checksum, so a test can reach the structural checks behind it.
void FixChecksum(std::vector<uint8_t>& bytes) {
  PutU32(bytes, bytes.size() - 4, ReferenceCrc32(bytes, bytes.size() - 4));
}

// The small kernel whose bytes docs/bytecode.md spells out.
KernelBinary TinyKernel() {
  KernelBinary kernel = MakeKernel({I(Opcode::LOADI, 1, 0, 0, 0x01020304u), I(Opcode::HALT)}, 2, KernelRole::DataMovement1);
  kernel.name = "k";
  kernel.constants = {0x1122334455667788ull};
  kernel.strings = {"hi"};
  kernel.imports = {"my_x"};
  kernel.files = {"a.cpp"};
  kernel.source_map = {{0, {0, 3, 4}}};
  return kernel;
}

void ExpectSameKernel(const KernelBinary& a, const KernelBinary& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.num_registers, b.num_registers);
  ASSERT_EQ(a.code.size(), b.code.size());
  for (size_t i = 0; i < a.code.size(); ++i) {
    EXPECT_EQ(a.code[i].op, b.code[i].op) << i;
    EXPECT_EQ(a.code[i].a, b.code[i].a) << i;
    EXPECT_EQ(a.code[i].b, b.code[i].b) << i;
    EXPECT_EQ(a.code[i].c, b.code[i].c) << i;
    EXPECT_EQ(a.code[i].imm, b.code[i].imm) << i;
  }
  EXPECT_EQ(a.constants, b.constants);
  EXPECT_EQ(a.strings, b.strings);
  EXPECT_EQ(a.imports, b.imports);
  EXPECT_EQ(a.files, b.files);
  ASSERT_EQ(a.source_map.size(), b.source_map.size());
  for (size_t i = 0; i < a.source_map.size(); ++i) {
    EXPECT_EQ(a.source_map[i].pc, b.source_map[i].pc);
    EXPECT_EQ(a.source_map[i].location.file, b.source_map[i].location.file);
    EXPECT_EQ(a.source_map[i].location.line, b.source_map[i].location.line);
    EXPECT_EQ(a.source_map[i].location.column, b.source_map[i].location.column);
  }
}

std::string DeserializeError(const std::vector<uint8_t>& bytes) {
  try {
    Deserialize(bytes);
  } catch (const BytecodeError& error) {
    return error.what();
  }
  return "<accepted>";
}

TEST(FileFormat, ReferenceCrcMatchesTheStandardCheckValue) {
  const std::string check = "123456789";
  EXPECT_EQ(ReferenceCrc32(std::vector<uint8_t>(check.begin(), check.end()), check.size()), 0xCBF43926u);
}

TEST(FileFormat, TinyKernelHasTheDocumentedBytes) {
  std::vector<uint8_t> expected = {
      'T', 'S', 'B', 'C', 1, 0, 0, 0,                                        // magic, version 1, flags 0
      'H', 'E', 'A', 'D', 13, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 'k',  // 2 registers, writer, "k"
      'C', 'O', 'D', 'E', 20, 0, 0, 0, 2, 0, 0, 0,                           // 2 instructions
      static_cast<uint8_t>(Opcode::LOADI), 1, 0, 0, 0x04, 0x03, 0x02, 0x01,
      static_cast<uint8_t>(Opcode::HALT), 0, 0, 0, 0, 0, 0, 0,
      'C', 'N', 'S', 'T', 12, 0, 0, 0, 1, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
      'S', 'T', 'R', 'S', 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 'h', 'i',
      'I', 'M', 'P', 'T', 12, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 'm', 'y', '_', 'x',
      'F', 'I', 'L', 'E', 13, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 'a', '.', 'c', 'p', 'p',
      'S', 'M', 'A', 'P', 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0,
      0, 0, 0, 0,  // CRC-32, filled in below
  };
  FixChecksum(expected);
  EXPECT_EQ(Serialize(TinyKernel()), expected);
}

TEST(FileFormat, RoundTripKeepsEveryField) {
  KernelBinary kernel = MakeKernel({
      I(Opcode::LOADK, 0, 0, 0, 1),
      testing::Call(1, 0, 0, 1),
      I(Opcode::ADDI32, 2, 1, 0, 0xfffffffcu),
      I(Opcode::JNZ, 2, 0, 0, 0),
      I(Opcode::HALT),
  }, 3, KernelRole::Compute);
  kernel.name = "compute_\xc3\xa9";  // non-ASCII survives
  kernel.constants = {0, ~0ull, 0x8000000000000000ull};
  kernel.strings = {"", std::string("a\0b", 3), "line\n"};
  kernel.imports = {"get_arg_val"};
  kernel.files = {"compute.cpp", "include/util.h"};
  kernel.source_map = {{0, {0, 10, 1}}, {2, {1, 99, 12}}, {4, {0, 0, 0}}};
  ExpectSameKernel(Deserialize(Serialize(kernel)), kernel);
}

TEST(FileFormat, RoundTripOfAnEmptyKernel) {
  KernelBinary kernel;
  ExpectSameKernel(Deserialize(Serialize(kernel)), kernel);
}

TEST(FileFormat, EveryTruncationIsRejectedWithAnOffset) {
  const std::vector<uint8_t> bytes = Serialize(TinyKernel());
  for (size_t length = 0; length < bytes.size(); ++length) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(length));
    const std::string error = DeserializeError(prefix);
    ASSERT_EQ(error.rfind("offset ", 0), 0u) << "length " << length << ": " << error;
    EXPECT_LE(std::stoul(error.substr(7)), length) << error;
  }
}

TEST(FileFormat, EverySingleByteCorruptionIsRejected) {
  // CRC-32 detects every error confined to 32 consecutive bits, so no flipped byte may get through,
  // whether it lands in a structural field or in an operand only the checksum covers.
  const std::vector<uint8_t> bytes = Serialize(TinyKernel());
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> damaged = bytes;
      damaged[at] ^= flip;
      const std::string error = DeserializeError(damaged);
      EXPECT_EQ(error.rfind("offset ", 0), 0u) << "byte " << at << " ^ " << int{flip} << ": " << error;
    }
  }
}

TEST(FileFormat, RejectsBadMagic) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes[0] = 'X';
  EXPECT_EQ(DeserializeError(bytes), "offset 0: expected the magic number \"TSBC\", found 'XSBC' (not a tilesim bytecode file)");
}

TEST(FileFormat, RejectsAFutureVersion) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes[4] = kFormatVersion + 1;
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes),
            fmt::format("offset 4: expected format version {}, found {} (written by a newer tilesim?)", kFormatVersion,
                        kFormatVersion + 1));
}

TEST(FileFormat, RejectsNonZeroFlags) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes[7] = 0x80;
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 6: expected flags 0, found 0x8000");
}

TEST(FileFormat, RejectsABadRole) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  PutU32(bytes, 20, 3);  // HEAD body: num_registers at 16, role at 20
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 20: expected a kernel role 0..2 (reader, writer, compute), found 3");
}

TEST(FileFormat, RejectsACountLargerThanTheSectionAllows) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  PutU32(bytes, 37, 0xffffffffu);  // CODE tag at 29, length at 33, count at 37
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 37: 4294967295 instructions need at least 34359738360 bytes, but only 16 remain");
}

TEST(FileFormat, RejectsAStringLongerThanItsSection) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  PutU32(bytes, 24, 1000);  // the kernel name's length
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 24: the kernel name is 1000 bytes long, but only 1 bytes remain");
}

TEST(FileFormat, RejectsAWrongSectionTag) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes[32] = 'F';
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 29: expected section tag 'CODE', found 'CODF'");
}

TEST(FileFormat, RejectsASectionWithLeftOverBytes) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  PutU32(bytes, 33, 24);                   // CODE claims 4 more bytes...
  bytes.insert(bytes.begin() + 57, 4, 0);  // ...which follow its two instructions
  FixChecksum(bytes);
  EXPECT_EQ(DeserializeError(bytes), "offset 57: expected the end of section 'CODE', but 4 bytes of it are left over");
}

TEST(FileFormat, RejectsABadChecksum) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes[42] ^= 1;  // LOADI's a: structurally fine, so only the checksum notices
  const std::string error = DeserializeError(bytes);
  EXPECT_EQ(error.rfind(fmt::format("offset {}: checksum mismatch", bytes.size() - 4), 0), 0u) << error;
}

TEST(FileFormat, RejectsTrailingBytes) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes.push_back(0);
  EXPECT_EQ(DeserializeError(bytes),
            fmt::format("offset {}: expected the end of the file after the checksum, found 1 more bytes", bytes.size() - 1));
}

TEST(FileFormat, SerializeRefusesAnInvalidRole) {
  KernelBinary kernel = TinyKernel();
  kernel.role = static_cast<KernelRole>(9);
  EXPECT_THROW(Serialize(kernel), BytecodeError);
}

// A fresh directory per test, removed afterwards.
class FileFormatOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("tilesim_file_format_test_{}_{}", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                       std::random_device{}());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    return names;
  }
  std::filesystem::path dir_;
};

TEST_F(FileFormatOnDisk, SaveThenLoadRoundTrips) {
  SaveToFile(TinyKernel(), PathOf("tiny.tsb"));
  ExpectSameKernel(LoadFromFile(PathOf("tiny.tsb")), TinyKernel());
  EXPECT_EQ(Listing(), std::vector<std::string>{"tiny.tsb"});  // no temporary left behind
}

TEST_F(FileFormatOnDisk, SaveReplacesAnExistingFile) {
  KernelBinary first = TinyKernel();
  first.name = "first";
  SaveToFile(first, PathOf("k.tsb"));
  SaveToFile(TinyKernel(), PathOf("k.tsb"));
  EXPECT_EQ(LoadFromFile(PathOf("k.tsb")).name, "k");
  EXPECT_EQ(Listing(), std::vector<std::string>{"k.tsb"});
}

TEST_F(FileFormatOnDisk, FailedSaveLeavesTheOldFileIntact) {
  SaveToFile(TinyKernel(), PathOf("k.tsb"));
  KernelBinary bad = TinyKernel();
  bad.role = static_cast<KernelRole>(9);
  EXPECT_THROW(SaveToFile(bad, PathOf("k.tsb")), BytecodeError);
  ExpectSameKernel(LoadFromFile(PathOf("k.tsb")), TinyKernel());
  EXPECT_EQ(Listing(), std::vector<std::string>{"k.tsb"});
}

TEST_F(FileFormatOnDisk, SaveIntoAMissingDirectoryNamesThePath) {
  const std::string path = PathOf("no/such/dir/k.tsb");
  try {
    SaveToFile(TinyKernel(), path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

TEST_F(FileFormatOnDisk, LoadingAMissingFileNamesThePath) {
  const std::string path = PathOf("missing.tsb");
  try {
    LoadFromFile(path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), fmt::format("cannot open '{}': No such file or directory", path));
  }
}

TEST_F(FileFormatOnDisk, LoadingACorruptFileNamesThePathAndOffset) {
  std::vector<uint8_t> bytes = Serialize(TinyKernel());
  bytes.resize(10);
  std::ofstream(PathOf("short.tsb"), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), 10);
  try {
    LoadFromFile(PathOf("short.tsb"));
    FAIL() << "expected an error";
  } catch (const BytecodeError& error) {
    EXPECT_EQ(std::string(error.what()).rfind(PathOf("short.tsb") + ": offset 8: ", 0), 0u) << error.what();
  }
}

}  // namespace
}  // namespace tilesim::bc
