#include "compiler/tile/analysis/affine.h"

#include <algorithm>

#include "compiler/tile/ir/mutator.h"

namespace tilesim::tir {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

Affine Combine(const Affine& a, const Affine& b, int64_t sign) {
  Affine out = a;
  out.constant += sign * b.constant;
  for (const auto& [var, coeff] : b.coeffs) {
    int64_t& c = out.coeffs[var];
    c += sign * coeff;
    if (c == 0) out.coeffs.erase(var);
  }
  return out;
}

Affine Scale(const Affine& a, int64_t factor) {
  Affine out;
  if (factor == 0) return out;
  out.constant = a.constant * factor;
  for (const auto& [var, coeff] : a.coeffs) out.coeffs[var] = coeff * factor;
  return out;
}

}  // namespace

bool Affine::DivisibleBy(int64_t n) const {
  if (constant % n != 0) return false;
  return std::all_of(coeffs.begin(), coeffs.end(), [n](const auto& entry) { return entry.second % n == 0; });
}

Affine Affine::DividedBy(int64_t n) const {
  Affine out;
  out.constant = FloorDiv(constant, n);
  for (const auto& [var, coeff] : coeffs) out.coeffs[var] = coeff / n;
  return out;
}

std::optional<Affine> ToAffine(const Index& index) {
  if (!index) return std::nullopt;
  if (const auto* c = std::get_if<IndexConst>(&index->node)) return Affine{c->value, {}};
  if (const auto* v = std::get_if<IndexVar>(&index->node)) return Affine{0, {{v->var, 1}}};
  const auto* bin = std::get_if<IndexBinary>(&index->node);
  if (!bin) return std::nullopt;
  std::optional<Affine> lhs = ToAffine(bin->lhs);
  std::optional<Affine> rhs = ToAffine(bin->rhs);
  if (!lhs || !rhs) return std::nullopt;
  switch (bin->op) {
    case IndexOp::Add:
      return Combine(*lhs, *rhs, 1);
    case IndexOp::Sub:
      return Combine(*lhs, *rhs, -1);
    case IndexOp::Mul:
      if (lhs->IsConstant()) return Scale(*rhs, lhs->constant);
      if (rhs->IsConstant()) return Scale(*lhs, rhs->constant);
      return std::nullopt;
    case IndexOp::FloorDiv:
    case IndexOp::FloorMod:
    case IndexOp::Min:
    case IndexOp::Max:
      if (!lhs->IsConstant() || !rhs->IsConstant()) return std::nullopt;
      if ((bin->op == IndexOp::FloorDiv || bin->op == IndexOp::FloorMod) && rhs->constant == 0) return std::nullopt;
      switch (bin->op) {
        case IndexOp::FloorDiv:
          return Affine{FloorDiv(lhs->constant, rhs->constant), {}};
        case IndexOp::FloorMod:
          return Affine{FloorMod(lhs->constant, rhs->constant), {}};
        case IndexOp::Min:
          return Affine{std::min(lhs->constant, rhs->constant), {}};
        default:
          return Affine{std::max(lhs->constant, rhs->constant), {}};
      }
    case IndexOp::BitAnd:
    case IndexOp::Lt:
    case IndexOp::Ne:
      return std::nullopt;
  }
  return std::nullopt;
}

Index FromAffine(const Affine& affine, SourceLocation loc) {
  Index sum;
  for (const auto& [var, coeff] : affine.coeffs) {
    Index term = MakeIndexVar(var, loc);
    if (coeff != 1) term = MakeIndexBinary(IndexOp::Mul, term, MakeIndexConst(coeff, loc), loc);
    sum = sum ? MakeIndexBinary(IndexOp::Add, sum, term, loc) : term;
  }
  if (!sum) return MakeIndexConst(affine.constant, loc);
  if (affine.constant != 0) sum = MakeIndexBinary(IndexOp::Add, sum, MakeIndexConst(affine.constant, loc), loc);
  return sum;
}

Index Simplify(const Index& index) {
  return RewriteIndex(index, [](const Index& node) -> Index {
    const auto* bin = std::get_if<IndexBinary>(&node->node);
    if (!bin) return node;
    const auto* a = std::get_if<IndexConst>(&bin->lhs->node);
    const auto* b = std::get_if<IndexConst>(&bin->rhs->node);
    if (a && b) {
      if (std::optional<Affine> folded = ToAffine(node)) return MakeIndexConst(folded->constant, node->location);
      return node;
    }
    // x + 0, x * 1, 0 + x, 1 * x, x * 0
    if (b && b->value == 0 && (bin->op == IndexOp::Add || bin->op == IndexOp::Sub)) return bin->lhs;
    if (a && a->value == 0 && bin->op == IndexOp::Add) return bin->rhs;
    if (b && b->value == 1 && (bin->op == IndexOp::Mul || bin->op == IndexOp::FloorDiv)) return bin->lhs;
    if (a && a->value == 1 && bin->op == IndexOp::Mul) return bin->rhs;
    if ((a && a->value == 0 && bin->op == IndexOp::Mul) || (b && b->value == 0 && bin->op == IndexOp::Mul)) {
      return MakeIndexConst(0, node->location);
    }
    return node;
  });
}

}  // namespace tilesim::tir
