// Device profiles (emulator/timing/device_profile.h): the shipped files load with their sourced values,
// bad files are rejected naming the file and key, names are found on the search path, and the emulator's
// DeviceConfig follows from a profile.
#include "emulator/timing/device_profile.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "emulator/timing/compute_costs.h"
#include "emulator/timing/device_shape.h"
#include "emulator/timing/noc_params.h"

namespace tilesim::emu::timing {
namespace {

const std::filesystem::path kProfiles = std::filesystem::path(TILESIM_SOURCE_DIR) / "profiles";

// Expects `body` to throw ProfileError whose message contains every one of `parts`.
template <class Body>
void ExpectProfileError(Body body, std::initializer_list<std::string> parts) {
  try {
    body();
    FAIL() << "no ProfileError";
  } catch (const ProfileError& e) {
    for (const std::string& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(DeviceProfile, WormholeFileGivesItsSourcedNocFigures) {
  const DeviceProfile profile = LoadDeviceProfile(kProfiles / "wormhole_b0.json");
  EXPECT_EQ(profile.name(), "wormhole_b0");
  const NocParams noc = NocParamsFromProfile(profile);
  EXPECT_DOUBLE_EQ(noc.link_bytes_per_cycle, 30.0);
  EXPECT_DOUBLE_EQ(noc.router_hop_cycles, 9.0);
  EXPECT_DOUBLE_EQ(noc.worker_inject_bytes_per_cycle, 28.1);
  EXPECT_DOUBLE_EQ(noc.dram_channel_bytes_per_cycle, 22.2);
  EXPECT_EQ(noc.max_packet_bytes, 8192u);
  EXPECT_EQ(noc.shape.dram_banks.size(), 12u);
  EXPECT_NE(profile.SourceOf("noc.router_hop_cycles").find("tt-isa-documentation"), std::string_view::npos);
  // Interpolated halfway between the 512 B (18.0) and 1024 B (27.4) entries.
  EXPECT_DOUBLE_EQ(noc.PacketThroughput(768), (18.0 + 27.4) / 2);
}

TEST(DeviceProfile, WormholeFileGivesTheMatrixEngineCyclesPerFidelity) {
  const ComputeCosts costs(LoadDeviceProfile(kProfiles / "wormhole_b0.json"));
  EXPECT_DOUBLE_EQ(costs.MatmulTileCycles(MathFidelity::LoFi), 16);
  EXPECT_DOUBLE_EQ(costs.MatmulTileCycles(MathFidelity::HiFi2), 32);
  EXPECT_DOUBLE_EQ(costs.MatmulTileCycles(MathFidelity::HiFi3), 48);
  EXPECT_DOUBLE_EQ(costs.MatmulTileCycles(MathFidelity::HiFi4), 64);
  EXPECT_DOUBLE_EQ(costs.PackTileCycles(DataFormat::Float16_b), 2048.0 / 64);
  EXPECT_EQ(costs.SfpuTileCycles("Exp"), costs.SfpuTileCycles("exp"));
  EXPECT_FALSE(costs.SfpuTileCycles("no_such_op").has_value());
}

TEST(DeviceProfile, EveryShippedProfileLoadsAndGivesAValidDeviceConfig) {
  struct Expected {
    const char* name;
    uint32_t columns, rows, banks, noc_x, noc_y;
  };
  for (const Expected& e : {Expected{"wormhole_b0", 8, 8, 12, 10, 12}, Expected{"grayskull", 12, 10, 8, 13, 12},
                            Expected{"blackhole", 13, 10, 8, 17, 12}}) {
    SCOPED_TRACE(e.name);
    const DeviceProfile profile = LoadDeviceProfile(kProfiles / (std::string(e.name) + ".json"));
    const DeviceConfig config = DeviceConfigFromProfile(profile);
    EXPECT_EQ(config.grid_x, e.columns);
    EXPECT_EQ(config.grid_y, e.rows);
    EXPECT_EQ(config.num_dram_banks, e.banks);
    EXPECT_EQ(config.noc_size_x, e.noc_x);
    EXPECT_EQ(config.noc_size_y, e.noc_y);
    EXPECT_NO_THROW(ComputeCosts{profile});
  }
}

TEST(DeviceProfile, WormholeConfigMatchesTheEmulatorDefaults) {
  const DeviceConfig from_profile = DeviceConfigFromProfile(LoadDeviceProfile(kProfiles / "wormhole_b0.json"));
  const DeviceConfig defaults = Finalize(DeviceConfig{});
  EXPECT_EQ(from_profile.l1_size, defaults.l1_size);
  EXPECT_EQ(from_profile.worker_noc_x, defaults.worker_noc_x);
  EXPECT_EQ(from_profile.worker_noc_y, defaults.worker_noc_y);
  EXPECT_EQ(from_profile.dram_bank_noc, defaults.dram_bank_noc);
  EXPECT_EQ(from_profile.dram_bank_size, defaults.dram_bank_size);
}

TEST(DeviceProfile, KeysAFileLeavesOutKeepTheirDefaults) {
  const DeviceProfile profile = ParseDeviceProfile(R"({"name": "tiny", "noc": {"router_hop_cycles": {"value": 12, "source": "test"}}})",
                                                   "tiny.json");
  const NocParams noc = NocParamsFromProfile(profile);
  EXPECT_EQ(profile.name(), "tiny");
  EXPECT_DOUBLE_EQ(noc.router_hop_cycles, 12.0);
  EXPECT_DOUBLE_EQ(noc.link_bytes_per_cycle, 30.0);  // declared default
  EXPECT_FALSE(profile.IsSet("noc.link_bytes_per_cycle"));
}

TEST(DeviceProfile, AGroupSourceCoversItsBareValues) {
  const DeviceProfile profile =
      ParseDeviceProfile(R"({"riscv": {"source": "isa docs", "mul_cycles": 3}})", "group.json");
  EXPECT_EQ(profile.SourceOf("riscv.mul_cycles"), "isa docs");
  EXPECT_DOUBLE_EQ(ComputeCosts(profile).riscv().mul, 3.0);
}

TEST(DeviceProfile, UnknownKeyIsNamedWithTheNearestKnownKey) {
  ExpectProfileError([] { ParseDeviceProfile(R"({"noc": {"source": "s", "link_bytes_per_cyle": 30}})", "typo.json"); },
                     {"typo.json", "unknown key 'noc.link_bytes_per_cyle'", "did you mean 'noc.link_bytes_per_cycle'"});
}

TEST(DeviceProfile, UnknownGroupIsAnUnknownKey) {
  ExpectProfileError([] { ParseDeviceProfile(R"({"nocc": {}})", "group.json"); }, {"group.json", "unknown key 'nocc'"});
}

TEST(DeviceProfile, WrongTypeNamesTheKeyAndTheExpectedType) {
  ExpectProfileError(
      [] { ParseDeviceProfile(R"({"noc": {"router_hop_cycles": {"value": "nine", "source": "s"}}})", "type.json"); },
      {"type.json", "'noc.router_hop_cycles'", "expected a number", "\"nine\""});
  ExpectProfileError([] { ParseDeviceProfile(R"({"dram": {"source": "s", "banks": [[0, 1], [2]]}})", "pairs.json"); },
                     {"'dram.banks'", "[x, y] integer pairs"});
  ExpectProfileError([] { ParseDeviceProfile(R"({"grid": {"source": "s", "columns": 2.5}})", "int.json"); },
                     {"'grid.columns'", "expected an integer"});
}

TEST(DeviceProfile, ValueWithoutSourceIsRejected) {
  ExpectProfileError([] { ParseDeviceProfile(R"({"noc": {"router_hop_cycles": 9}})", "nosource.json"); },
                     {"nosource.json", "'noc.router_hop_cycles'", "has no source"});
}

TEST(DeviceProfile, OutOfRangeValueIsRejected) {
  ExpectProfileError(
      [] { ParseDeviceProfile(R"({"noc": {"source": "s", "link_bytes_per_cycle": 0}})", "range.json"); },
      {"range.json", "'noc.link_bytes_per_cycle'", "out of range"});
}

TEST(DeviceProfile, AThroughputCurveThatStallsSomePacketSizeIsRejected) {
  const DeviceProfile profile = ParseDeviceProfile(
      R"({"noc": {"source": "s", "packet_throughput": [[128, 0], [2048, 30]]}})", "curve.json");
  ExpectProfileError([&] { NocParamsFromProfile(profile); }, {"curve.json", "'noc.packet_throughput'", "positive"});
}

TEST(DeviceProfile, InconsistentShapeIsRejectedNamingTheKey) {
  const DeviceProfile profile = ParseDeviceProfile(
      R"({"grid": {"source": "s", "columns": 9, "worker_noc_x": [1, 2, 3, 4, 6, 7, 8, 9]}})", "shape.json");
  ExpectProfileError([&] { ShapeFromProfile(profile); }, {"shape.json", "'grid.columns'"});
}

TEST(DeviceProfile, InvalidJsonAndMissingFilesAreReported) {
  ExpectProfileError([] { ParseDeviceProfile("{\"noc\": ", "broken.json"); }, {"broken.json", "not valid JSON"});
  ExpectProfileError([] { LoadDeviceProfile("/nonexistent/dir/device.json"); },
                     {"/nonexistent/dir/device.json", "cannot open"});
  ExpectProfileError([] { FindDeviceProfile("/nonexistent/dir/device.json"); }, {"no such device profile file"});
}

TEST(DeviceProfile, NamesAreFoundInTheProfileDirectoryVariable) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tilesim_profiles_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "custom.json") << R"({"name": "custom", "clock": {"ghz": {"value": 2.0, "source": "test"}}})";
  ::setenv("TILESIM_PROFILE_DIR", dir.c_str(), 1);
  const DeviceProfile profile = LoadDeviceProfileByName("custom");
  EXPECT_DOUBLE_EQ(ShapeFromProfile(profile).clock_ghz, 2.0);
  EXPECT_EQ(FindDeviceProfile("wormhole_b0"), kProfiles / "wormhole_b0.json");  // the source tree is searched too
  ExpectProfileError([] { FindDeviceProfile("no_such_device"); }, {"'no_such_device'", "custom", "wormhole_b0"});
  ::unsetenv("TILESIM_PROFILE_DIR");
  std::filesystem::remove_all(dir);
}

TEST(DeviceProfile, ReadingAnUnlistedParameterIsAProgrammingError) {
  const Param<double> unlisted{"test.unlisted", "a parameter no list names", 1.0};
  EXPECT_THROW(DeviceProfile().Get(unlisted), std::logic_error);
}

TEST(DeviceProfile, EveryDeclaredParameterHasADescriptionAndAUniqueKey) {
  std::set<std::string_view> keys;
  for (const ParamBase* p : AllProfileParams()) {
    EXPECT_FALSE(p->description().empty()) << p->key();
    EXPECT_TRUE(keys.insert(p->key()).second) << p->key();
  }
  EXPECT_GT(keys.size(), 40u);
}

}  // namespace
}  // namespace tilesim::emu::timing
