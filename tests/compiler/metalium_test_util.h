// Helpers shared by the Metalium front-end tests: the kernel corpora and their header comments, and small
// programs that run compiled kernels on the emulator through the host API.
//
// Corpus files start with comment lines the tests read:
//   // expect: LINE:COL: message        (bad corpus: the CompileError's location and message)
//   // role: reader|writer|compute      (default reader)
//   // compile-args: 2,2048             (compiled with these compile-time args when present)
//   // defines: NAME=VALUE, FLAG        (a bare NAME means NAME=1)
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tilesim/compiler.h"
#include "tilesim/host.h"
#include "tilesim/metalium.h"

namespace tilesim::metalium_test {

inline std::string CorpusDir(const std::string& which) {
  return std::string(TILESIM_SOURCE_DIR) + "/tests/data/metalium/" + which;
}

inline std::vector<std::string> CorpusFiles(const std::string& which) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir(which))) {
    if (entry.is_regular_file() && entry.path().extension() == ".cpp") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct CorpusHeader {
  KernelRole role = KernelRole::DataMovement0;
  bool has_compile_args = false;
  std::vector<uint32_t> compile_args;
  std::map<std::string, std::string> defines;
  std::string expect;  // "LINE:COL: message"
};

inline std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

inline CorpusHeader ReadHeader(const std::string& text) {
  CorpusHeader header;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("//", 0) != 0) break;
    const std::string body = Trim(line.substr(2));
    const size_t colon = body.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = body.substr(0, colon);
    const std::string value = Trim(body.substr(colon + 1));
    std::vector<std::string> items;
    std::stringstream list(value);
    for (std::string item; std::getline(list, item, ',');) items.push_back(Trim(item));
    if (key == "expect") {
      header.expect = value;
    } else if (key == "role") {
      EXPECT_TRUE(ParseKernelRole(value, header.role)) << "bad role '" << value << "'";
    } else if (key == "compile-args") {
      header.has_compile_args = true;
      for (const std::string& item : items) header.compile_args.push_back(static_cast<uint32_t>(std::stoul(item, nullptr, 0)));
    } else if (key == "defines") {
      for (const std::string& item : items) {
        const size_t eq = item.find('=');
        header.defines[item.substr(0, eq)] = eq == std::string::npos ? "1" : item.substr(eq + 1);
      }
    }
  }
  return header;
}

inline metalium::FrontEndOptions OptionsOf(const CorpusHeader& header) {
  metalium::FrontEndOptions options;
  options.role = header.role;
  options.defines = header.defines;
  return options;
}

// Compiles a corpus file with the options of its header.
inline kir::Kernel CompileCorpusFile(const std::string& path) {
  const CorpusHeader header = ReadHeader(ReadText(path));
  return header.has_compile_args ? metalium::ParseKernelFile(path, OptionsOf(header), header.compile_args)
                                 : metalium::ParseKernelFile(path, OptionsOf(header));
}

inline std::string GoodKernel(const std::string& name) { return CorpusDir("good") + "/" + name; }

// A small device for one test, closed at the end of it; DPRINT lines are collected.
class TestDevice {
 public:
  explicit TestDevice(uint32_t grid_x = 1, uint32_t grid_y = 1) {
    DeviceOptions options;
    options.grid_x = grid_x;
    options.grid_y = grid_y;
    options.dram_bank_size = 4u << 20;
    options.threads = 2;
    options.dprint = [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
    };
    device_ = CreateDevice(0, options);
  }
  ~TestDevice() { CloseDevice(device_); }
  TestDevice(const TestDevice&) = delete;
  TestDevice& operator=(const TestDevice&) = delete;

  Device* get() const { return device_; }
  CommandQueue& cq() const { return device_->command_queue(); }
  std::vector<std::string> dprint() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  Device* device_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

inline std::shared_ptr<Buffer> DramBuffer(const TestDevice& device, uint64_t bytes, uint64_t page_size) {
  return CreateBuffer(InterleavedBufferConfig{device.get(), bytes, page_size, BufferType::DRAM});
}

inline CBHandle MakeCb(Program& program, const CoreRangeSet& cores, uint8_t index, uint32_t pages, uint32_t page_size,
                       DataFormat format = DataFormat::Float16_b) {
  return CreateCircularBuffer(program, cores,
                              CircularBufferConfig(pages * page_size, {{index, format}}).set_page_size(index, page_size));
}

// The results-page convention of the scalar tests: a reader kernel fills the first page of CB 0 through
// `out` (RESULTS_BEGIN) and RESULTS_END writes it to the output buffer given as runtime arg 0.
inline constexpr uint32_t kResultWords = 64;
inline const std::string kResultsPrelude = R"(#include "dataflow_api.h"
#define RESULTS_BEGIN cb_reserve_back(0, 1); \
    volatile tt_l1_ptr uint32_t* out = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_write_ptr(0));
#define RESULTS_END { \
    const InterleavedAddrGen<true> results_page = {.bank_base_address = get_arg_val<uint32_t>(0), .page_size = 256}; \
    noc_async_write(get_write_ptr(0), get_noc_addr(0, results_page), 256); \
    noc_async_write_barrier(); }
)";

struct ScalarRun {
  std::vector<uint32_t> out;
  std::vector<std::string> dprint;
};

// Compiles `kernel` (prefixed with kResultsPrelude) as a reader and runs it on one core; runtime arg 0 is the
// results buffer, `args` follow. The results page starts filled with 0xDEADBEEF.
inline ScalarRun RunScalarKernel(const std::string& kernel, const std::vector<uint32_t>& args = {},
                                 const std::vector<uint32_t>& compile_args = {}) {
  TestDevice device;
  auto results = DramBuffer(device, kResultWords * 4, kResultWords * 4);
  std::vector<uint32_t> poison(kResultWords, 0xDEADBEEFu);
  EnqueueWriteBuffer(device.cq(), results, poison, true);
  Program program = CreateProgram();
  const CoreCoord core{0, 0};
  MakeCb(program, core, 0, 1, 4096);
  const kir::Kernel k = metalium::ParseKernel(metalium::KernelSource{"scalar_kernel.cpp", kResultsPrelude + kernel},
                                              metalium::FrontEndOptions{}, compile_args);
  const KernelHandle handle = CreateKernel(program, k, core, DataMovementConfig{.compile_args = compile_args});
  std::vector<uint32_t> all_args = {results->address()};
  all_args.insert(all_args.end(), args.begin(), args.end());
  SetRuntimeArgs(program, handle, core, all_args);
  EnqueueProgram(device.cq(), program, true);
  ScalarRun run;
  EnqueueReadBuffer(device.cq(), results, run.out, true);
  run.dprint = device.dprint();
  return run;
}

}  // namespace tilesim::metalium_test
