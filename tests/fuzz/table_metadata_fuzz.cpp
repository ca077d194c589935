// libFuzzer target: the input is the text of a _table.json. The parser must
// accept it or return Corruption or Unsupported naming the file, never throw
// or crash; and what it accepts must survive a round trip: written again and
// re-read, it gives the same scheme, config and creation time, and the same
// text once more (the serialization is canonical).
// The input also goes through the files: stored as a table root's
// _table.json, read_table_metadata must give what the parser gave; an
// accepted one written back with write_table_metadata must read back the
// same, and a second write that may not replace it must fail and leave it.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include <chronicle/core/file_system.hpp>

#include "fuzz_check.hpp"
#include "table/table_metadata.hpp"

namespace {

using namespace chronicle;

// A directory of this process's own, on tmpfs when there is one, so that the
// writes' fsyncs cost nothing; removed at exit.
class TableRoot {
 public:
  TableRoot() {
    path_ = (::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
            std::string("/chronicle-metadata-fuzz-XXXXXX");
    if (::mkdtemp(path_.data()) == nullptr) __builtin_trap();
  }
  ~TableRoot() {
    ::unlink((path_ + "/_table.json").c_str());
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& table_root() {
  static const TableRoot root;
  return root.path();
}

void store(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    __builtin_trap();
  }
  ::close(fd);
}

bool same(const detail::TableMetadata& a, const detail::TableMetadata& b) {
  return detail::serialize_table_metadata(a) == detail::serialize_table_metadata(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "fuzz/_table.json";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto meta = detail::parse_table_metadata(text, path);

  FileSystem& fs = FileSystem::system();
  const std::string& root = table_root();
  const std::string file = root + "/_table.json";
  store(file, text);
  auto read = detail::read_table_metadata(fs, root);
  CHRONICLE_FUZZ_CHECK(read.has_value() == meta.has_value());

  if (!meta) {
    CHRONICLE_FUZZ_CHECK(fuzz::is_input_error(meta.error(), Errc::Corruption, Errc::Unsupported));
    CHRONICLE_FUZZ_CHECK(meta.error().message().find(path) != std::string::npos);
    CHRONICLE_FUZZ_CHECK(read.error().code() == meta.error().code());
    CHRONICLE_FUZZ_CHECK(read.error().message().find(file) != std::string::npos);
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(same(*read, *meta));
  const std::string written = detail::serialize_table_metadata(*meta);
  auto again = detail::parse_table_metadata(written, path);
  CHRONICLE_FUZZ_CHECK(again.has_value());
  CHRONICLE_FUZZ_CHECK(again->scheme == meta->scheme);
  CHRONICLE_FUZZ_CHECK(again->created_ns == meta->created_ns);
  CHRONICLE_FUZZ_CHECK(again->config.compression_policy == meta->config.compression_policy);
  CHRONICLE_FUZZ_CHECK(detail::serialize_table_metadata(*again) == written);

  CHRONICLE_FUZZ_CHECK(detail::write_table_metadata(fs, root, *meta, 0644, /*replace=*/true).has_value());
  auto reread = detail::read_table_metadata(fs, root);
  CHRONICLE_FUZZ_CHECK(reread.has_value() && same(*reread, *meta));
  store(file, text);
  CHRONICLE_FUZZ_CHECK(!detail::write_table_metadata(fs, root, *again, 0644, /*replace=*/false));
  auto kept = detail::read_table_metadata(fs, root);
  CHRONICLE_FUZZ_CHECK(kept.has_value() && same(*kept, *meta));
  return 0;
}
