// A program that uses chronicle as an installed package would: append a few
// records, read them back, exit non-zero on any mismatch.
#include <chronicle/chronicle.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer <empty-dir>\n");
    return 2;
  }
  const std::string dir = std::string(argv[1]) + "/log";
  auto writer = chronicle::SegmentWriter::open(dir).value();
  const std::string msg = "hello from a consumer";
  for (int i = 0; i < 3; ++i) {
    writer.append(1, 1000 + i, std::as_bytes(std::span(msg.data(), msg.size()))).value();
  }
  auto reader = chronicle::LogReader::open(dir).value();
  chronicle::RecordView view;
  int n = 0;
  while (reader.next(view) == chronicle::Step::Record) ++n;
  std::printf("chronicle %s: read %d records\n", CHRONICLE_VERSION_STRING, n);
  return n == 3 ? 0 : 1;
}
