// ValidatePlanJson: structure and consistency of a tt.plan.json (docs/tt_plan.md). Every problem is
// reported, each with its JSON path, so a broken plan shows all that is wrong at once.
#include <map>
#include <set>
#include <string>

#include "compiler/backend/tt_plan/plan_json.h"

namespace tilesim::tile {
namespace {

using nlohmann::json;

// A non-negative integer, however nlohmann stored it (signed when built from a signed C++ value).
bool IsUnsigned(const json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
}

class Validator {
 public:
  explicit Validator(const json& plan) : plan_(plan) {}

  std::vector<std::string> Run() {
    if (!plan_.is_object()) return {"$: a plan is a JSON object"};
    if (!plan_.contains("schema_version") || plan_["schema_version"] != kPlanSchemaVersion) {
      Problem("schema_version", "must be " + std::to_string(kPlanSchemaVersion));
    }
    Grid();
    Tensors();
    CircularBuffers();
    Semaphores();
    Kernels();
    CoreRangesAndCores();
    return problems_;
  }

 private:
  void Problem(const std::string& path, const std::string& message) { problems_.push_back(path + ": " + message); }

  // The member `key` of `object` if it has the expected kind, else a problem and null.
  const json* Field(const json& object, const std::string& path, const std::string& key, json::value_t kind) {
    if (!object.is_object() || !object.contains(key)) {
      Problem(path, "missing \"" + key + "\"");
      return nullptr;
    }
    const json& value = object[key];
    const bool ok = kind == json::value_t::number_unsigned ? IsUnsigned(value)
                    : kind == json::value_t::number_integer ? value.is_number_integer()
                                                            : value.type() == kind;
    if (!ok) {
      Problem(path + "." + key, "has the wrong type");
      return nullptr;
    }
    return &value;
  }
  std::optional<uint64_t> Unsigned(const json& object, const std::string& path, const std::string& key) {
    const json* v = Field(object, path, key, json::value_t::number_unsigned);
    if (v == nullptr) return std::nullopt;
    return v->get<uint64_t>();
  }
  const json* Array(const json& object, const std::string& path, const std::string& key) {
    return Field(object, path, key, json::value_t::array);
  }
  // [x, y] of unsigned numbers inside the grid.
  std::optional<std::pair<uint64_t, uint64_t>> Core(const json& value, const std::string& path) {
    if (!value.is_array() || value.size() != 2 || !IsUnsigned(value[0]) || !IsUnsigned(value[1])) {
      Problem(path, "a core is [x, y]");
      return std::nullopt;
    }
    const uint64_t x = value[0].get<uint64_t>(), y = value[1].get<uint64_t>();
    if (x >= grid_x_ || y >= grid_y_) {
      Problem(path, "core (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the " +
                        std::to_string(grid_x_) + "x" + std::to_string(grid_y_) + " grid");
      return std::nullopt;
    }
    return std::make_pair(x, y);
  }

  void Grid() {
    const json* grid = Field(plan_, "$", "grid", json::value_t::object);
    if (grid == nullptr) return;
    grid_x_ = Unsigned(*grid, "grid", "x").value_or(0);
    grid_y_ = Unsigned(*grid, "grid", "y").value_or(0);
    if (grid_x_ == 0 || grid_y_ == 0) Problem("grid", "needs positive x and y");
    if (const json* l1 = Field(plan_, "$", "l1", json::value_t::object)) {
      l1_size_ = Unsigned(*l1, "l1", "size").value_or(0);
      cb_base_ = Unsigned(*l1, "l1", "circular_buffer_base").value_or(0);
    }
  }

  void Tensors() {
    const json* tensors = Array(plan_, "$", "tensors");
    if (tensors == nullptr) return;
    for (size_t i = 0; i < tensors->size(); ++i) {
      const json& t = (*tensors)[i];
      const std::string path = "tensors[" + std::to_string(i) + "]";
      const json* name = Field(t, path, "name", json::value_t::string);
      if (name != nullptr && !tensor_names_.insert(name->get<std::string>()).second) {
        Problem(path + ".name", "tensor '" + name->get<std::string>() + "' is listed twice");
      }
      const json* dtype = Field(t, path, "dtype", json::value_t::string);
      uint64_t tile_bytes = 0;
      if (dtype != nullptr) {
        if (*dtype == "bfloat16") {
          tile_bytes = 2048;
        } else if (*dtype == "float32") {
          tile_bytes = 4096;
        } else {
          Problem(path + ".dtype", "is bfloat16 or float32");
        }
      }
      for (const char* key : {"layout", "memory_layout", "buffer_type"}) Field(t, path, key, json::value_t::string);
      if (t.value("layout", "") != "tiled") Problem(path + ".layout", "tensors are stored \"tiled\"");
      if (t.value("memory_layout", "") != "interleaved") Problem(path + ".memory_layout", "tensors are \"interleaved\"");
      if (t.value("buffer_type", "") != "DRAM") Problem(path + ".buffer_type", "tensors live in \"DRAM\"");
      const auto rows = Unsigned(t, path, "tile_rows");
      const auto cols = Unsigned(t, path, "tile_cols");
      const auto page = Unsigned(t, path, "page_size");
      const auto pages = Unsigned(t, path, "num_pages");
      if (const json* shape = Array(t, path, "shape"); shape != nullptr && rows && cols) {
        if (shape->empty() || shape->size() > 2) {
          Problem(path + ".shape", "tensors have 1 or 2 dimensions");
        } else {
          bool ok = true;
          for (const json& d : *shape) ok = ok && IsUnsigned(d) && d.get<uint64_t>() > 0;
          if (!ok) {
            Problem(path + ".shape", "extents are positive integers");
          } else {
            const uint64_t r = shape->size() == 2 ? (*shape)[0].get<uint64_t>() : 1;
            const uint64_t c = shape->back().get<uint64_t>();
            if (*rows != (r + 31) / 32 || *cols != (c + 31) / 32) {
              Problem(path, "tile_rows x tile_cols " + std::to_string(*rows) + "x" + std::to_string(*cols) +
                                " does not cover the shape in 32x32 tiles");
            }
          }
        }
      }
      if (page && tile_bytes != 0 && *page != tile_bytes) {
        Problem(path + ".page_size", std::to_string(*page) + " is not one " + dtype->get<std::string>() + " tile (" +
                                         std::to_string(tile_bytes) + " bytes)");
      }
      if (pages && rows && cols && *pages != *rows * *cols) {
        Problem(path + ".num_pages", std::to_string(*pages) + " != tile_rows * tile_cols");
      }
    }
  }

  void CircularBuffers() {
    const json* cbs = Array(plan_, "$", "circular_buffers");
    if (cbs == nullptr) return;
    std::set<uint64_t> indexes;
    uint64_t end = cb_base_;
    for (size_t i = 0; i < cbs->size(); ++i) {
      const json& cb = (*cbs)[i];
      const std::string path = "circular_buffers[" + std::to_string(i) + "]";
      const auto index = Unsigned(cb, path, "index");
      const auto pages = Unsigned(cb, path, "num_pages");
      const auto page = Unsigned(cb, path, "page_size");
      const auto total = Unsigned(cb, path, "total_size");
      Field(cb, path, "data_format", json::value_t::string);
      Field(cb, path, "holds", json::value_t::string);
      if (index && *index >= 32) Problem(path + ".index", "circular buffers are c_0..c_31");
      if (index && !indexes.insert(*index).second) Problem(path + ".index", "c_" + std::to_string(*index) + " is used twice");
      if ((pages && *pages == 0) || (page && *page == 0)) Problem(path, "needs at least one page of at least one byte");
      if (pages && page && total && *total != *pages * *page) Problem(path + ".total_size", "!= num_pages * page_size");
      if (total) end = (end + 31) / 32 * 32 + *total;  // CBs are placed 32-byte aligned one after another
    }
    if (l1_size_ != 0 && end > l1_size_) {
      Problem("circular_buffers", "need L1 up to " + std::to_string(end) + " bytes; a core has " + std::to_string(l1_size_));
    }
  }

  void Semaphores() {
    const json* semaphores = Array(plan_, "$", "semaphores");
    if (semaphores == nullptr) return;
    num_semaphores_ = semaphores->size();
    if (num_semaphores_ > 16) Problem("semaphores", "at most 16 per core");
    for (size_t i = 0; i < semaphores->size(); ++i) {
      const std::string path = "semaphores[" + std::to_string(i) + "]";
      const auto id = Unsigned((*semaphores)[i], path, "id");
      Unsigned((*semaphores)[i], path, "initial_value");
      if (id && *id != i) Problem(path + ".id", "semaphores are numbered 0, 1, ... in order");
    }
  }

  void Kernels() {
    const json* kernels = Array(plan_, "$", "kernels");
    if (kernels == nullptr) return;
    std::set<std::string> processors;
    for (size_t i = 0; i < kernels->size(); ++i) {
      const json& k = (*kernels)[i];
      const std::string path = "kernels[" + std::to_string(i) + "]";
      const json* name = Field(k, path, "name", json::value_t::string);
      const json* role = Field(k, path, "role", json::value_t::string);
      const json* processor = Field(k, path, "processor", json::value_t::string);
      const json* file = Field(k, path, "file", json::value_t::string);
      const json* names = Array(k, path, "runtime_arg_names");
      if (const json* args = Array(k, path, "compile_time_args")) {
        for (const json& a : *args) {
          if (!IsUnsigned(a) || a.get<uint64_t>() > 0xffffffffull) Problem(path + ".compile_time_args", "are uint32 values");
        }
      }
      if (name == nullptr) continue;
      const std::string n = name->get<std::string>();
      if (arg_counts_.count(n) != 0) Problem(path + ".name", "kernel '" + n + "' is listed twice");
      arg_counts_[n] = names != nullptr ? names->size() : 0;
      if (file != nullptr && *file != n + ".cpp") Problem(path + ".file", "is the kernel's name + \".cpp\"");
      if (role == nullptr || processor == nullptr) continue;
      static const std::map<std::string, std::string> kProcessorOf = {
          {"reader", "RISCV_0"}, {"writer", "RISCV_1"}, {"compute", "compute"}};
      auto it = kProcessorOf.find(role->get<std::string>());
      if (it == kProcessorOf.end()) {
        Problem(path + ".role", "is reader, writer or compute");
        continue;
      }
      if (*processor != it->second) Problem(path + ".processor", "a " + it->first + " kernel runs on " + it->second);
      if (!processors.insert(it->second).second) Problem(path, "a second kernel on " + it->second);
      if (it->first == "compute") {
        const json* fidelity = Field(k, path, "math_fidelity", json::value_t::string);
        MathFidelity parsed;
        if (fidelity != nullptr && !ParseMathFidelity(fidelity->get<std::string>(), parsed)) {
          Problem(path + ".math_fidelity", "is LoFi, HiFi2, HiFi3 or HiFi4");
        }
        Field(k, path, "fp32_dest_acc_en", json::value_t::boolean);
      } else {
        const auto noc = Unsigned(k, path, "noc");
        if (noc && *noc > 1) Problem(path + ".noc", "is 0 or 1");
      }
    }
  }

  void RuntimeArg(const json& arg, const std::string& path) {
    if (IsUnsigned(arg)) {
      if (arg.get<uint64_t>() > 0xffffffffull) Problem(path, "does not fit in uint32");
      return;
    }
    if (!arg.is_object() || arg.size() != 1) {
      Problem(path, "is a uint32 value or one of {\"tensor_address\": NAME}, {\"noc_x\": [x, y]}, {\"noc_y\": [x, y]}, "
                    "{\"semaphore\": ID}");
      return;
    }
    const std::string kind = arg.begin().key();
    const json& value = arg.begin().value();
    if (kind == "tensor_address") {
      if (!value.is_string() || tensor_names_.count(value.get<std::string>()) == 0) {
        Problem(path, "the address of an unknown tensor " + value.dump());
      }
    } else if (kind == "noc_x" || kind == "noc_y") {
      Core(value, path + "." + kind);
    } else if (kind == "semaphore") {
      if (!IsUnsigned(value) || value.get<uint64_t>() >= num_semaphores_) {
        Problem(path, "semaphore " + value.dump() + " is not one of the plan's " + std::to_string(num_semaphores_));
      }
    } else {
      Problem(path, "unknown runtime arg kind \"" + kind + "\"");
    }
  }

  void CoreRangesAndCores() {
    std::set<std::pair<uint64_t, uint64_t>> in_ranges;
    if (const json* ranges = Array(plan_, "$", "core_ranges")) {
      for (size_t i = 0; i < ranges->size(); ++i) {
        const std::string path = "core_ranges[" + std::to_string(i) + "]";
        const json& r = (*ranges)[i];
        if (!r.is_object() || !r.contains("start") || !r.contains("end")) {
          Problem(path, "a range is {\"start\": [x, y], \"end\": [x, y]}");
          continue;
        }
        const auto start = Core(r["start"], path + ".start");
        const auto end = Core(r["end"], path + ".end");
        if (!start || !end) continue;
        if (end->first < start->first || end->second < start->second) {
          Problem(path, "ends left of or above its start");
          continue;
        }
        for (uint64_t y = start->second; y <= end->second; ++y) {
          for (uint64_t x = start->first; x <= end->first; ++x) {
            if (!in_ranges.insert({x, y}).second) Problem(path, "overlaps another range at (" + std::to_string(x) + ", " + std::to_string(y) + ")");
          }
        }
      }
    }
    const json* cores = Array(plan_, "$", "cores");
    if (cores == nullptr) return;
    if (const auto n = Unsigned(plan_, "$", "num_cores"); n && *n != cores->size()) {
      Problem("num_cores", std::to_string(*n) + " but " + std::to_string(cores->size()) + " cores are listed");
    }
    std::set<std::pair<uint64_t, uint64_t>> listed;
    for (size_t i = 0; i < cores->size(); ++i) {
      const json& c = (*cores)[i];
      const std::string path = "cores[" + std::to_string(i) + "]";
      if (!c.is_object() || !c.contains("core")) {
        Problem(path, "missing \"core\"");
        continue;
      }
      const auto core = Core(c["core"], path + ".core");
      if (core) {
        if (!listed.insert(*core).second) Problem(path + ".core", "is listed twice");
        if (in_ranges.count(*core) == 0) Problem(path + ".core", "is in none of the core_ranges");
      }
      if (const json* blocks = Array(c, path, "blocks")) {
        for (const json& b : *blocks) {
          if (!b.is_array() || b.size() != 2 || !IsUnsigned(b[0]) || !IsUnsigned(b[1])) {
            Problem(path + ".blocks", "a block is [bx, by]");
            break;
          }
        }
        if (const auto n = Unsigned(c, path, "num_blocks"); n && *n != blocks->size()) Problem(path + ".num_blocks", "!= the blocks listed");
      }
      const json* args = Field(c, path, "runtime_args", json::value_t::object);
      if (args == nullptr) continue;
      for (const auto& [kernel, count] : arg_counts_) {
        if (!args->contains(kernel)) {
          Problem(path + ".runtime_args", "none for kernel '" + kernel + "'");
          continue;
        }
        const json& list = (*args)[kernel];
        const std::string list_path = path + ".runtime_args." + kernel;
        if (!list.is_array()) {
          Problem(list_path, "is an array");
          continue;
        }
        if (list.size() != count) {
          Problem(list_path, std::to_string(list.size()) + " args, but the kernel names " + std::to_string(count));
        }
        for (size_t a = 0; a < list.size(); ++a) RuntimeArg(list[a], list_path + "[" + std::to_string(a) + "]");
      }
      for (const auto& item : args->items()) {
        if (arg_counts_.count(item.key()) == 0) Problem(path + ".runtime_args", "args for unknown kernel '" + item.key() + "'");
      }
    }
    if (listed.size() != in_ranges.size()) {
      Problem("core_ranges", std::to_string(in_ranges.size()) + " cores in ranges, " + std::to_string(listed.size()) + " listed in cores");
    }
  }

  const json& plan_;
  std::vector<std::string> problems_;
  uint64_t grid_x_ = 0, grid_y_ = 0, l1_size_ = 0, cb_base_ = 0;
  std::set<std::string> tensor_names_;
  size_t num_semaphores_ = 0;
  std::map<std::string, size_t> arg_counts_;  // kernel name -> runtime_arg_names count
};

}  // namespace

std::vector<std::string> ValidatePlanJson(const nlohmann::json& plan) { return Validator(plan).Run(); }

}  // namespace tilesim::tile
