#include "inspect/header_opener.hpp"

namespace chronicle::cli {

const UnifiedSegmentOpener& header_opener() {
  static const UnifiedSegmentOpener opener(FileSystem::system(), ColdReadOptions{0});
  return opener;
}

}  // namespace chronicle::cli
