#include <chronicle/core/file_system.hpp>
#include <chronicle/core/mmap_file.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "support/fault_fs.hpp"
#include "support/files.hpp"
#include "support/status_matchers.hpp"
#include "support/temp_dir.hpp"

namespace chronicle {
namespace {

using test::TempDirTest;

class FileSystemTest : public TempDirTest {
 protected:
  FileSystem& fs = FileSystem::system();
};

TEST_F(FileSystemTest, CreatesAllocatesMapsAndSyncs) {
  const std::string path = tmp_.sub("f");
  ASSERT_OK_AND_ASSIGN(auto fd, fs.open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW));
  EXPECT_GT(fd.get(), 2);
  ASSERT_OK(fs.allocate(fd.get(), path, 8192));
  EXPECT_EQ(test::file_size(path), 8192u);
  ASSERT_OK_AND_ASSIGN(auto map, MmapFile::map(fs, fd.get(), path, 8192, true));
  map.prefault_for_write();
  std::memcpy(map.data() + 100, "hello", 5);
  ASSERT_OK(fs.msync(map.data() + 100, 5, path));
  ASSERT_OK(fs.fdatasync(fd.get(), path));
  ASSERT_OK(fs.start_writeback(fd.get(), path, 0, 8192));
  auto bytes = test::read_file(path);
  EXPECT_EQ(std::string(bytes.data() + 100, 5), "hello");
}

// Pages of `map` in [from, to) that are resident, by mincore.
std::size_t resident_pages(const MmapFile& map, std::size_t from, std::size_t to) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in(map.size() / page);
  EXPECT_EQ(::mincore(map.data(), map.size(), in.data()), 0);
  std::size_t n = 0;
  for (std::size_t i = from / page; i < to / page; ++i) n += in[i] & 1;
  return n;
}

TEST_F(FileSystemTest, PrefaultStopsWhenCancelledAndPopulateTakesAnUnalignedStart) {
  const std::string path = tmp_.sub("f");
  constexpr std::size_t kSize = 16u << 20;  // several populate chunks
  ASSERT_OK_AND_ASSIGN(auto fd, fs.open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW));
  ASSERT_OK(fs.allocate(fd.get(), path, kSize));
  ASSERT_OK_AND_ASSIGN(auto map, MmapFile::map(fs, fd.get(), path, kSize, true));
  const std::atomic<bool> cancel{true};
  const std::size_t before = resident_pages(map, 0, kSize);  // all of it on tmpfs
  EXPECT_FALSE(map.prefault_for_write(&cancel));
  EXPECT_EQ(resident_pages(map, 0, kSize), before);

  // Stores made meanwhile survive: populate never writes.
  std::memcpy(map.data() + 8200, "kept", 4);
  populate_for_write(map.data() + 8200, kSize - 8200);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  EXPECT_EQ(resident_pages(map, 8192, kSize), (kSize - 8192) / page);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(map.data()) + 8200, 4), "kept");
  EXPECT_TRUE(map.prefault_for_write());
  EXPECT_EQ(resident_pages(map, 0, kSize), kSize / page);
}

TEST_F(FileSystemTest, RenameNoReplaceRefusesToClobber) {
  test::write_file(tmp_.sub("a"), {'a'});
  test::write_file(tmp_.sub("b"), {'b'});
  auto r = fs.rename_noreplace(tmp_.sub("a"), tmp_.sub("b"));
  EXPECT_ERROR(r, Errc::Io);
  EXPECT_EQ(test::read_file(tmp_.sub("b")), std::vector<char>{'b'});
  ASSERT_OK(fs.rename_replace(tmp_.sub("a"), tmp_.sub("b")));
  EXPECT_EQ(test::read_file(tmp_.sub("b")), std::vector<char>{'a'});
}

TEST_F(FileSystemTest, OpenWithNoFollowRefusesASymlink) {
  test::write_file(tmp_.sub("target"), {'x'});
  ASSERT_EQ(::symlink(tmp_.sub("target").c_str(), tmp_.sub("link").c_str()), 0);
  auto r = fs.open(tmp_.sub("link"), O_RDWR | O_NOFOLLOW);
  EXPECT_ERROR(r, Errc::Io);
  EXPECT_NE(r.error().message().find("link"), std::string::npos);
}

TEST_F(FileSystemTest, MissingFileIsNotFound) {
  EXPECT_ERROR(fs.open(tmp_.sub("nope"), O_RDONLY), Errc::NotFound);
  EXPECT_ERROR(fs.unlink(tmp_.sub("nope")), Errc::NotFound);
}

TEST_F(FileSystemTest, MkdirOfAnExistingDirectoryIsFine) {
  ASSERT_OK(fs.mkdir(tmp_.sub("d")));
  ASSERT_OK(fs.mkdir(tmp_.sub("d")));
  test::write_file(tmp_.sub("file"), {'x'});
  EXPECT_ERROR(fs.mkdir(tmp_.sub("file")), Errc::Io);
  ASSERT_OK(fs.sync_dir(tmp_.sub("d")));
}

TEST_F(FileSystemTest, PreadExactReportsAShortFileAsCorruption) {
  test::write_file(tmp_.sub("short"), {'1', '2', '3'});
  ASSERT_OK_AND_ASSIGN(auto fd, fs.open(tmp_.sub("short"), O_RDONLY));
  char buf[8];
  ASSERT_OK(fs.pread_exact(fd.get(), tmp_.sub("short"), buf, 3, 0));
  auto r = fs.pread_exact(fd.get(), tmp_.sub("short"), buf, 8, 0);
  EXPECT_ERROR(r, Errc::Corruption);
  EXPECT_NE(r.error().message().find("offset 3"), std::string::npos) << r.error().message();
}

TEST_F(FileSystemTest, FaultFsFailsTheNthCallOnceOrPersistently) {
  test::FaultFs faulty;
  faulty.fail(FsOp::Fsync, 2, EIO);
  const std::string path = tmp_.sub("f");
  ASSERT_OK_AND_ASSIGN(auto fd, faulty.open(path, O_RDWR | O_CREAT));
  EXPECT_OK(faulty.fsync(fd.get(), path));
  auto second = faulty.fsync(fd.get(), path);
  EXPECT_ERROR(second, Errc::Io);
  EXPECT_EQ(second.error().sys_errno(), EIO);
  EXPECT_NE(second.error().message().find(path), std::string::npos);
  EXPECT_OK(faulty.fsync(fd.get(), path));
  faulty.fail(FsOp::Fallocate, 1, ENOSPC, /*persistent=*/true);
  EXPECT_ERROR(faulty.allocate(fd.get(), path, 4096), Errc::NoSpace);
  EXPECT_ERROR(faulty.allocate(fd.get(), path, 4096), Errc::NoSpace);
  faulty.clear();
  EXPECT_OK(faulty.allocate(fd.get(), path, 4096));
  EXPECT_EQ(faulty.count(FsOp::Fallocate), 3);
}

// Records what observe() is told (the power-loss tests build on it).
class ObservingFs : public FileSystem {
 public:
  std::vector<FsCall> calls;  // the views in them are dangling: use paths, froms
  std::vector<std::string> paths, froms;
  int failing_unlink = 0;

 protected:
  int inject(FsOp op, std::string_view) override { return op == FsOp::Unlink ? failing_unlink : 0; }
  void observe(const FsCall& call) override {
    calls.push_back(call);
    paths.emplace_back(call.path);
    froms.emplace_back(call.from);
  }
};

TEST_F(FileSystemTest, ObserveSeesEverySuccessfulCallWithWhatItDid) {
  ObservingFs obs;
  const std::string a = tmp_.sub("a"), b = tmp_.sub("b");
  ASSERT_OK_AND_ASSIGN(auto fd, obs.open(a, O_RDWR | O_CREAT | O_EXCL));
  ASSERT_OK(obs.allocate(fd.get(), a, 8192));
  ASSERT_OK_AND_ASSIGN(auto map, MmapFile::map(obs, fd.get(), a, 8192, true));
  ASSERT_OK(obs.msync(map.data() + 4100, 10, a));
  ASSERT_OK(obs.fdatasync(fd.get(), a));
  ASSERT_OK(obs.rename_noreplace(a, b));
  ASSERT_OK(obs.mkdir(tmp_.sub("d")));
  ASSERT_OK(obs.mkdir(tmp_.sub("d")));
  ASSERT_OK(obs.sync_dir(tmp_.path()));
  obs.failing_unlink = EIO;
  EXPECT_ERROR(obs.unlink(b), Errc::Io);  // a failed call is not observed
  ASSERT_EQ(obs.calls.size(), 9u);
  EXPECT_EQ(obs.calls[0].op, FsOp::Open);
  EXPECT_EQ(obs.calls[0].fd, fd.get());
  EXPECT_NE(obs.calls[0].flags & O_CREAT, 0);
  EXPECT_EQ(obs.calls[1].op, FsOp::Fallocate);
  EXPECT_EQ(obs.calls[1].len, 8192u);
  EXPECT_EQ(obs.calls[2].op, FsOp::Mmap);
  EXPECT_EQ(obs.calls[2].addr, map.data());
  EXPECT_EQ(obs.calls[2].flags, 1);
  EXPECT_EQ(obs.calls[3].op, FsOp::Msync);
  EXPECT_EQ(obs.calls[3].addr, map.data() + 4100);
  EXPECT_EQ(obs.calls[3].len, 10u);
  EXPECT_EQ(obs.calls[4].op, FsOp::Fsync);
  EXPECT_EQ(obs.calls[4].flags, 1);  // fdatasync
  EXPECT_EQ(obs.calls[5].op, FsOp::Rename);
  EXPECT_EQ(obs.paths[5], b);
  EXPECT_EQ(obs.froms[5], a);
  EXPECT_EQ(obs.calls[6].flags, 1);  // created
  EXPECT_EQ(obs.calls[7].flags, 0);  // existed already
  EXPECT_EQ(obs.calls[8].op, FsOp::DirSync);
  EXPECT_EQ(obs.paths[8], tmp_.path());
}

TEST_F(FileSystemTest, DescriptorsNeverUseStdinStdoutOrStderr) {
  // Close stdin and open a file: the descriptor must not be 0.
  const int saved = ::dup(0);
  ::close(0);
  test::write_file(tmp_.sub("f"), {'x'});
  auto fd = fs.open(tmp_.sub("f"), O_RDONLY);
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_OK(fd);
  EXPECT_GT(fd->get(), 2);
}

}  // namespace
}  // namespace chronicle
