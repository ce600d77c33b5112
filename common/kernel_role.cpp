#include "tilesim/kernel_role.h"

namespace tilesim {

std::string_view ToString(KernelRole role) {
  switch (role) {
    case KernelRole::DataMovement0: return "reader";
    case KernelRole::DataMovement1: return "writer";
    case KernelRole::Compute: return "compute";
  }
  return "?";
}

bool ParseKernelRole(std::string_view name, KernelRole& out) {
  if (name == "reader" || name == "dm0" || name == "brisc") {
    out = KernelRole::DataMovement0;
  } else if (name == "writer" || name == "dm1" || name == "ncrisc") {
    out = KernelRole::DataMovement1;
  } else if (name == "compute" || name == "trisc") {
    out = KernelRole::Compute;
  } else {
    return false;
  }
  return true;
}

}  // namespace tilesim
