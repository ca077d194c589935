#include <chronicle/table/partition/partition_filter.hpp>

#include <fmt/format.h>

#include <chronicle/core/errors.hpp>

namespace chronicle {

namespace {

// The filter tree. PartitionFilter::Node (private in the header) derives
// from this so that the helpers below, which are not members, can name it.
struct FilterNode {
  enum class Kind : std::uint8_t { All, Exact, In, Range, And, Or, Not };

  Kind kind;
  std::string key;                     // Exact, In, Range
  std::vector<PartitionValue> values;  // Exact: the value; In: the set
  std::optional<PartitionValue> lo;    // Range
  std::optional<PartitionValue> hi;    // Range
  // And, Or: the parts; Not: the one part. Mutable only so that the
  // destructor can take them from nodes it releases (see there).
  mutable std::vector<std::shared_ptr<const FilterNode>> children;

  explicit FilterNode(Kind k) : kind(k) {}
  FilterNode(const FilterNode&) = delete;
  FilterNode& operator=(const FilterNode&) = delete;

  // Releasing a filter nested a million levels deep would recurse once per
  // level and overflow the stack. Instead, the children of nodes about to be
  // released are moved to a flat list first, so no destructor recurses.
  ~FilterNode() {
    std::vector<std::shared_ptr<const FilterNode>> pending = std::move(children);
    while (!pending.empty()) {
      std::shared_ptr<const FilterNode> n = std::move(pending.back());
      pending.pop_back();
      // use_count() == 1 is exact here: no weak_ptrs exist, and no other owner
      // is left that could copy it.
      if (n.use_count() == 1) {
        for (auto& c : n->children) pending.push_back(std::move(c));
        n->children.clear();
      }
    }
  }
};

}  // namespace

struct PartitionFilter::Node : FilterNode {
  using FilterNode::FilterNode;
};

namespace {

using Kind = FilterNode::Kind;

// And/Or/Not levels allowed above a leaf. The bound keeps the recursion of
// validate and matches shallow whatever a caller builds.
constexpr std::size_t kMaxNesting = 64;

// Strings in double quotes with escape_bytes, and '"' escaped too so that the
// quotes delimit the value; other types in their text form.
std::string quote(const PartitionValue& v) {
  if (v.type() != KeyType::String) return v.to_string();
  std::string out = "\"";
  for (char c : escape_bytes(v.as_string())) {
    if (c == '"') {
      out += "\\x22";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

Result<KeyType> key_type(const PartitionScheme& scheme, const std::string& key) {
  if (auto i = scheme.index_of(key)) return scheme.keys()[*i].type;
  std::string names;
  for (const PartitionKey& k : scheme.keys()) names += (names.empty() ? "" : ", ") + k.name;
  return invalid_argument(
      "partition filter names key \"{}\": expected one of the scheme's keys ({})",
      escape_bytes(key), names);
}

Status check_type(const std::string& key, KeyType type, const PartitionValue& v) {
  if (v.type() == type) return {};
  return invalid_argument(
      "partition filter compares key \"{}\" with the {} value {}: expected a value of type {}", key,
      key_type_name(v.type()), quote(v), key_type_name(type));
}

Status validate_leaf(const FilterNode& n, const PartitionScheme& scheme) {
  auto type = key_type(scheme, n.key);
  if (!type) return std::move(type).error();
  for (const PartitionValue& v : n.values) {
    if (auto ok = check_type(n.key, *type, v); !ok) return ok;
  }
  for (const auto* bound : {&n.lo, &n.hi}) {
    if (!*bound) continue;
    if (auto ok = check_type(n.key, *type, **bound); !ok) return ok;
  }
  return {};
}

// Sub-filters may be shared, so a small object can stand for a huge tree
// (and_({f, f}) applied k times has 2^k leaves). validate counts every node
// it visits, as matches would, and refuses a tree larger than this.
constexpr std::size_t kMaxVisitedNodes = 100'000;

// `nesting` counts the And/Or/Not nodes above `n`; `visited` every node seen.
Status validate_node(const FilterNode& n, const PartitionScheme& scheme, std::size_t nesting,
                     std::size_t& visited) {
  if (++visited > kMaxVisitedNodes) {
    return invalid_argument("partition filter has more than {} nodes (counting shared "
                            "sub-filters each time they are used)",
                            kMaxVisitedNodes);
  }
  switch (n.kind) {
    case Kind::All:
      return {};
    case Kind::Exact:
    case Kind::In:
    case Kind::Range:
      return validate_leaf(n, scheme);
    case Kind::And:
    case Kind::Or:
    case Kind::Not:
      break;
  }
  if (nesting >= kMaxNesting) {
    return invalid_argument(
        "partition filter nests and/or/not more than {} levels deep: expected at most {}",
        kMaxNesting, kMaxNesting);
  }
  for (const auto& c : n.children) {
    if (auto ok = validate_node(*c, scheme, nesting + 1, visited); !ok) return ok;
  }
  return {};
}

bool matches_node(const FilterNode& n, const PartitionScheme& scheme,
                  const PartitionValues& values) {
  const auto value = [&]() -> const PartitionValue* {
    const auto i = scheme.index_of(n.key);
    return i && *i < values.size() ? &values[*i] : nullptr;
  };
  switch (n.kind) {
    case Kind::All:
      return true;
    case Kind::Exact:
    case Kind::In: {
      const PartitionValue* v = value();
      if (v == nullptr) return false;
      for (const PartitionValue& candidate : n.values) {
        if (*v == candidate) return true;
      }
      return false;
    }
    case Kind::Range: {
      const PartitionValue* v = value();
      return v != nullptr && (!n.lo || *n.lo <= *v) && (!n.hi || *v <= *n.hi);
    }
    case Kind::And:
      for (const auto& c : n.children) {
        if (!matches_node(*c, scheme, values)) return false;
      }
      return true;
    case Kind::Or:
      for (const auto& c : n.children) {
        if (matches_node(*c, scheme, values)) return true;
      }
      return false;
    case Kind::Not:
      return !matches_node(*n.children.front(), scheme, values);
  }
  return false;
}

std::string node_to_string(const FilterNode& n, std::size_t nesting);

// A part of an and/or in parentheses when it is itself an and/or of several
// parts, so that precedence never has to be guessed.
std::string part_to_string(const FilterNode& n, std::size_t nesting) {
  std::string s = node_to_string(n, nesting);
  const bool compound = (n.kind == Kind::And || n.kind == Kind::Or) && n.children.size() > 1;
  return compound ? "(" + s + ")" : s;
}

std::string node_to_string(const FilterNode& n, std::size_t nesting) {
  const std::string key = escape_bytes(n.key);
  switch (n.kind) {
    case Kind::All:
      return "all";
    case Kind::Exact:
      return fmt::format("{} = {}", key, quote(n.values.front()));
    case Kind::In: {
      std::string out = key + " in {";
      for (std::size_t i = 0; i < n.values.size(); ++i) {
        out += (i > 0 ? ", " : "") + quote(n.values[i]);
      }
      return out + "}";
    }
    case Kind::Range:
      if (n.lo && n.hi) return fmt::format("{} in [{}, {}]", key, quote(*n.lo), quote(*n.hi));
      if (n.lo) return fmt::format("{} >= {}", key, quote(*n.lo));
      if (n.hi) return fmt::format("{} <= {}", key, quote(*n.hi));
      return key + " is any";
    case Kind::And:
    case Kind::Or: {
      if (n.children.empty()) return n.kind == Kind::And ? "all" : "none";
      // Beyond the nesting validate allows, elide rather than recurse further.
      if (nesting >= kMaxNesting) return "...";
      const char* op = n.kind == Kind::And ? " and " : " or ";
      std::string out;
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += op;
        out += part_to_string(*n.children[i], nesting + 1);
      }
      return out;
    }
    case Kind::Not:
      if (nesting >= kMaxNesting) return "...";
      return "not (" + node_to_string(*n.children.front(), nesting + 1) + ")";
  }
  return {};
}

}  // namespace

namespace {

// A moved-from PartitionFilter holds no node; it behaves as all(), so that
// using one is a harmless mistake rather than a null dereference.
const FilterNode& node_or_all(const FilterNode* n) {
  static const FilterNode kAll(Kind::All);
  return n != nullptr ? *n : kAll;
}

std::shared_ptr<const FilterNode> take_node(std::shared_ptr<const FilterNode>&& n) {
  return n ? std::move(n) : std::make_shared<const FilterNode>(Kind::All);
}

}  // namespace

PartitionFilter PartitionFilter::all() {
  return PartitionFilter(std::make_shared<Node>(Kind::All));
}

PartitionFilter PartitionFilter::exact(std::string key, PartitionValue value) {
  auto n = std::make_shared<Node>(Kind::Exact);
  n->key = std::move(key);
  n->values.push_back(std::move(value));
  return PartitionFilter(std::move(n));
}

PartitionFilter PartitionFilter::in(std::string key, std::vector<PartitionValue> values) {
  auto n = std::make_shared<Node>(Kind::In);
  n->key = std::move(key);
  n->values = std::move(values);
  return PartitionFilter(std::move(n));
}

PartitionFilter PartitionFilter::range(std::string key, std::optional<PartitionValue> lo,
                                       std::optional<PartitionValue> hi) {
  auto n = std::make_shared<Node>(Kind::Range);
  n->key = std::move(key);
  n->lo = std::move(lo);
  n->hi = std::move(hi);
  return PartitionFilter(std::move(n));
}

PartitionFilter PartitionFilter::and_(std::vector<PartitionFilter> parts) {
  auto n = std::make_shared<Node>(Kind::And);
  n->children.reserve(parts.size());
  for (PartitionFilter& p : parts) n->children.push_back(take_node(std::move(p.node_)));
  return PartitionFilter(std::move(n));
}

PartitionFilter PartitionFilter::or_(std::vector<PartitionFilter> parts) {
  auto n = std::make_shared<Node>(Kind::Or);
  n->children.reserve(parts.size());
  for (PartitionFilter& p : parts) n->children.push_back(take_node(std::move(p.node_)));
  return PartitionFilter(std::move(n));
}

PartitionFilter PartitionFilter::not_(PartitionFilter part) {
  auto n = std::make_shared<Node>(Kind::Not);
  n->children.push_back(take_node(std::move(part.node_)));
  return PartitionFilter(std::move(n));
}

Status PartitionFilter::validate(const PartitionScheme& scheme) const {
  std::size_t visited = 0;
  return validate_node(node_or_all(node_.get()), scheme, 0, visited);
}

bool PartitionFilter::matches(const PartitionScheme& scheme, const PartitionValues& values) const {
  return matches_node(node_or_all(node_.get()), scheme, values);
}

std::string PartitionFilter::to_string() const {
  return node_to_string(node_or_all(node_.get()), 0);
}

}  // namespace chronicle
