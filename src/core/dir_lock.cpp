#include <chronicle/core/dir_lock.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/sysmacros.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <chronicle/core/errors.hpp>

namespace chronicle {

namespace {
// The pid of the process holding the flock on `fd`'s file, from the
// kernel's /proc/locks (lines like "1: FLOCK ADVISORY WRITE 1234 fd:01:5678 0
// EOF", the device in hex, the inode in decimal). The pid in the file itself
// may still be the previous holder's: the holder writes it only after it has
// taken the lock.
std::string read_holder_pid(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    const std::string id = fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev),
                                       static_cast<unsigned long>(st.st_ino));
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
      std::istringstream fields(line);
      std::string number, kind, mode, access, pid, file;
      if (fields >> number >> kind >> mode >> access >> pid >> file && kind == "FLOCK" &&
          file == id && pid != "-1" && pid != "0") {
        return pid;
      }
    }
  }
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  const long pid = n > 0 ? std::strtol(buf, nullptr, 10) : 0;
  return pid > 0 ? std::to_string(pid) : std::string("unknown");
}
}  // namespace

Result<DirLock> DirLock::acquire(FileSystem& fs, const std::string& dir, mode_t mode) {
  const std::string path = dir + "/.lock";
  // O_NOFOLLOW: a symlink planted at the lock's name is an error, never a
  // redirection of the pid write to another file.
  auto fd = fs.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, mode);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return io_error("fstat", path, errno);
  if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
    return file_error(Errc::Io, path,
                      "lock file is not a plain file with one link (mode {:o}, {} links): "
                      "refusing to write through it",
                      st.st_mode, st.st_nlink);
  }
  if (auto locked = fs.lock_exclusive(fd->get(), path); !locked) {
    if (locked.error().code() == Errc::Locked) {
      return file_error(Errc::Locked, dir, "log is locked by another writer (pid {})",
                        read_holder_pid(fd->get()));
    }
    return std::move(locked).error();
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (auto t = fs.truncate(fd->get(), path, 0); !t) return std::move(t).error();
  if (auto w = fs.pwrite_all(fd->get(), path, pid.data(), pid.size(), 0); !w)
    return std::move(w).error();
  return DirLock(std::move(*fd));
}

Status DirLock::check_in_place(const std::string& dir) const {
  // The lock file, not the directory, is compared: our descriptor keeps its
  // inode alive, so no file created since can have its number, whereas a
  // directory removed and made again may get the same inode number back
  // (ext4 reuses them) unless a descriptor of it were kept open as well.
  const std::string path = dir + "/.lock";
  struct stat held {};
  if (::fstat(fd_.get(), &held) != 0) return io_error("fstat", path, errno);
  struct stat named {};
  if (::lstat(path.c_str(), &named) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) return io_error("lstat", path, errno);
  } else if (named.st_dev == held.st_dev && named.st_ino == held.st_ino) {
    return {};
  }
  return file_error(Errc::Io, dir,
                    "log directory was removed, renamed or replaced while this writer had it "
                    "open (its .lock is gone or another file): nothing more is written there; "
                    "reopen the log");
}

}  // namespace chronicle
