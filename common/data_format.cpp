#include "tilesim/data_format.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace tilesim {
namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::string_view ToString(DataFormat format) {
  switch (format) {
    case DataFormat::Float32: return "Float32";
    case DataFormat::Float16_b: return "Float16_b";
    case DataFormat::Bfp8_b: return "Bfp8_b";
    case DataFormat::Bfp4_b: return "Bfp4_b";
    default: return "Invalid";
  }
}

DataFormat ParseDataFormat(std::string_view name) {
  for (DataFormat f : {DataFormat::Float32, DataFormat::Float16_b, DataFormat::Bfp8_b, DataFormat::Bfp4_b}) {
    if (EqualsIgnoreCase(name, ToString(f))) return f;
  }
  if (EqualsIgnoreCase(name, "bfloat16") || EqualsIgnoreCase(name, "bf16")) return DataFormat::Float16_b;
  if (EqualsIgnoreCase(name, "float32") || EqualsIgnoreCase(name, "fp32")) return DataFormat::Float32;
  return DataFormat::Invalid;
}

std::string_view ToString(MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi: return "LoFi";
    case MathFidelity::HiFi2: return "HiFi2";
    case MathFidelity::HiFi3: return "HiFi3";
    case MathFidelity::HiFi4: return "HiFi4";
  }
  return "?";
}

bool ParseMathFidelity(std::string_view name, MathFidelity& out) {
  for (MathFidelity f : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
    if (EqualsIgnoreCase(name, ToString(f))) {
      out = f;
      return true;
    }
  }
  return false;
}

}  // namespace tilesim
