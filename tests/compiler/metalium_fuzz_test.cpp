// Mutation fuzzing of the front end over the good corpus: random byte edits, token insertions, deletions and
// line shuffles of real kernels must give a kernel or a CompileError, never a crash, a hang, an internal
// error or any other exception. Mutations are deterministic (fixed seeds), so a failure reproduces.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"

namespace tilesim::metalium_test {
namespace {

// Per kernel of the corpus; TILESIM_FUZZ_MUTATIONS raises it for a longer campaign.
int MutationsPerKernel() {
  const char* env = std::getenv("TILESIM_FUZZ_MUTATIONS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 400;
}

// Fragments that reach the corners of the grammar: unbalanced brackets, directives, templates, literals.
const char* const kFragments[] = {
    "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", ">>", "::", "...", "*", "&", "&&", "=", "+=", "++", "?", ":",
    "#define X(a) a##a\n", "\n#if\n", "\n#endif\n", "\n#else\n", "#include \"x.h\"\n", "\n#undef MAIN\n",
    "template <typename T> ", "struct S { uint32_t a; };", "return ", "return 1;", "break;", "continue;",
    "for (;;) ", "while (0) ", "do ", "switch (1) { case 1: ; }", "0x", "0b2", "1e5", "'", "\"", "/*", "//",
    "\\\n", "DPRINT << ", "ENDL()", "TensorAccessorArgs<", "get_compile_time_arg_val(99)", "uint64_t ",
    "static_cast<uint8_t>(", "reinterpret_cast<uint32_t*>(", "[[maybe_unused]] ", "__attribute__((x)) ",
    "constexpr ", "auto ", "if constexpr (", "sizeof(", "nullptr", "-2147483648", "18446744073709551615ull",
};

std::string Mutate(const std::string& text, std::mt19937_64& rng) {
  std::string s = text;
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const size_t pos = rng() % s.size();
    switch (rng() % 7) {
      case 0: s[pos] = static_cast<char>(rng() % 256); break;  // any byte
      case 1: s[pos] = "{}()[];,<>=+-*/&|!~%^?:#\"'\\ \n0123456789abcxyz_"[rng() % 47]; break;
      case 2: s.insert(pos, kFragments[rng() % std::size(kFragments)]); break;
      case 3: s.erase(pos, 1 + rng() % 40); break;
      case 4: {  // duplicate a span
        const size_t len = 1 + rng() % 80;
        s.insert(pos, s.substr(pos, len));
        break;
      }
      case 5: {  // delete a whole line
        const size_t begin = s.rfind('\n', pos);
        const size_t end = s.find('\n', pos);
        s.erase(begin == std::string::npos ? 0 : begin, end == std::string::npos ? std::string::npos : end - (begin == std::string::npos ? 0 : begin));
        break;
      }
      default: {  // swap two characters far apart
        const size_t other = rng() % s.size();
        std::swap(s[pos], s[other]);
        break;
      }
    }
  }
  return s;
}

TEST(MetaliumFuzzTest, MutatedKernelsCompileOrFailCleanly) {
  size_t compiled = 0, rejected = 0;
  for (const std::string& path : CorpusFiles("good")) {
    const std::string text = ReadText(path);
    const CorpusHeader header = ReadHeader(text);
    std::mt19937_64 rng(std::hash<std::string>{}(path.substr(path.rfind('/'))));
    const int mutations = MutationsPerKernel();
    for (int m = 0; m < mutations; ++m) {
      const std::string mutated = Mutate(text, rng);
      try {
        const kir::Kernel kernel = header.has_compile_args
                                       ? metalium::ParseKernel({path, mutated}, OptionsOf(header), header.compile_args)
                                       : metalium::ParseKernel({path, mutated}, OptionsOf(header));
        compiler::LowerToBytecode(kernel, header.compile_args);
        ++compiled;
      } catch (const compiler::CompileError& e) {
        ++rejected;
        EXPECT_FALSE(e.where().empty());
        EXPECT_FALSE(e.message().empty());
      } catch (const std::exception& e) {
        ADD_FAILURE() << path << ", mutation " << m << ": " << e.what() << "\n--- mutated source ---\n" << mutated;
      }
    }
  }
  // Both outcomes happen: the mutations are neither all harmless nor all fatal.
  EXPECT_GT(compiled, 100u);
  EXPECT_GT(rejected, 1000u);
}

TEST(MetaliumFuzzTest, DeepNestingIsAnErrorNotAStackOverflow) {
  for (const std::string open_close : {"()", "[]", "{}"}) {
    std::string body = "void kernel_main() { uint32_t x = ";
    const std::string deep = std::string(100000, open_close[0]) + "1" + std::string(100000, open_close[1]);
    body += deep + "; }";
    EXPECT_THROW(metalium::ParseKernel({"deep.cpp", body}, {}), compiler::CompileError) << open_close;
  }
  std::string unary = "void kernel_main() { uint32_t x = " + std::string(100000, '-') + "1; }";
  EXPECT_THROW(metalium::ParseKernel({"deep.cpp", unary}, {}), compiler::CompileError);
  std::string macros = "#define A0 1\n";
  for (int i = 1; i < 300; ++i) macros += "#define A" + std::to_string(i) + " (A" + std::to_string(i - 1) + " + A" + std::to_string(i - 1) + ")\n";
  macros += "void kernel_main() { uint32_t x = A299; }";
  EXPECT_THROW(metalium::ParseKernel({"macros.cpp", macros}, {}), compiler::CompileError);  // 2^299 tokens
}

}  // namespace
}  // namespace tilesim::metalium_test
