// The tile DSL front end never crashes, hangs or throws anything but a CompileError: thousands of random
// mutations (deletions, insertions of significant characters and tokens, duplicated and swapped lines,
// truncations, changed digits) of the good kernels in tests/data/tile/good either parse or are a
// CompileError with a location, all within a time budget.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tilesim/compiler.h"
#include "tilesim/tile_compiler.h"

namespace tilesim::tile {
namespace {

std::vector<std::string> GoodKernels() {
  std::vector<std::string> texts;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TILESIM_SOURCE_DIR) + "/tests/data/tile/good")) {
    if (entry.path().extension() == ".py") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

const char* const kFragments[] = {
    "(", ")", "[", "]", "{", "}", ":", ",", "\n", "    ", "\t", "\"", "'", "\"\"\"", "\\", "\\\n", "#", "0", "-1",
    "1e400", "99999999999999999999", "0x", "1.5", "T.", "for ", "with ", " in ", "=", "+=", "+", "-", "//", "%",
    "*", "**", "/", "lambda", "@", "def ", "if ", "while ", "\r", std::string_view("\0", 1).data(), "\xff", "max(",
    "T.gemm(", "T.copy(", "T.Parallel(", "T.Kernel(", "return ", "import ", " as ", "M", "by", "A_shared", ".",
    "not ", " and ", "None", "True", "pass", ";",
};

std::string Mutate(std::string text, std::mt19937& rng) {
  auto pick = [&](size_t bound) { return bound == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, bound - 1)(rng); };
  const int mutations = 1 + static_cast<int>(pick(3));
  for (int m = 0; m < mutations; ++m) {
    switch (pick(6)) {
      case 0: {  // delete a short range
        const size_t at = pick(text.size());
        text.erase(at, 1 + pick(20));
        break;
      }
      case 1: {  // insert a fragment
        const char* fragment = kFragments[pick(std::size(kFragments))];
        const std::string inserted = fragment[0] == '\0' ? std::string(1, '\0') : std::string(fragment);
        text.insert(pick(text.size() + 1), inserted);
        break;
      }
      case 2:
      case 3: {  // duplicate or swap lines
        std::vector<std::string> lines;
        std::istringstream stream(text);
        for (std::string line; std::getline(stream, line);) lines.push_back(line);
        if (lines.size() < 2) break;
        const size_t a = pick(lines.size());
        const size_t b = pick(lines.size());
        if (m % 2 == 0) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(b), lines[a]);
        else std::swap(lines[a], lines[b]);
        text.clear();
        for (const std::string& line : lines) text += line + "\n";
        break;
      }
      case 4:  // truncate
        text.resize(pick(text.size() + 1));
        break;
      default: {  // change a digit (shapes, grid extents, stages)
        std::vector<size_t> digits;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] >= '0' && text[i] <= '9') digits.push_back(i);
        }
        if (!digits.empty()) text[digits[pick(digits.size())]] = static_cast<char>('0' + pick(10));
      }
    }
  }
  return text;
}

TEST(TileFrontendFuzz, MutatedKernelsParseOrFailWithCompileError) {
  const std::vector<std::string> kernels = GoodKernels();
  ASSERT_GE(kernels.size(), 5u);
  // The factory kernel needs its sizes; other kernels reject unknown bindings, so only half the runs bind.
  const Bindings sizes = {{"M", 256}, {"N", 256}, {"K", 128}};
  std::mt19937 rng(20240611);
  const auto start = std::chrono::steady_clock::now();
  int parsed = 0;
  int rejected = 0;
  constexpr int kIterations = 4000;
  for (int i = 0; i < kIterations; ++i) {
    const std::string text = Mutate(kernels[static_cast<size_t>(i) % kernels.size()], rng);
    try {
      ParseDsl(DslSource{"fuzz.py", text}, i % 2 ? sizes : Bindings{});
      ++parsed;
    } catch (const compiler::CompileError& error) {
      ASSERT_FALSE(error.where().empty()) << text;
      ASSERT_FALSE(error.message().empty()) << text;
      ++rejected;
    } catch (const std::exception& error) {
      FAIL() << "not a CompileError: " << error.what() << "\n--- input ---\n" << text;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_GT(parsed, 0);    // some mutations are harmless (a changed comment digit)
  EXPECT_GT(rejected, 0);  // and most are not
  std::cout << kIterations << " mutations: " << parsed << " parsed, " << rejected << " rejected in " << seconds << " s\n";
}

}  // namespace
}  // namespace tilesim::tile
