#include "drivers/libvirt/iso9660.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "absl/strings/ascii.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

constexpr size_t kSector = 2048;
// Sector map: 16 PVD, 17 Joliet SVD, 18 terminator, 19-22 path tables
// (primary L/M, Joliet L/M), 23 primary root, 24 Joliet root, 25+ file data.
constexpr uint32_t kPvd = 16, kSvd = 17, kTerminator = 18, kPathTables = 19;
constexpr uint32_t kPrimaryRoot = 23, kJolietRoot = 24, kFirstData = 25;
constexpr uint32_t kPathTableSize = 10;  // one record: the root
// Fixed timestamp (2000-01-01 00:00:00 UTC) so images are reproducible.
constexpr uint8_t kRecordDate[7] = {100, 1, 1, 0, 0, 0, 0};
constexpr char kDescriptorDate[] = "2000010100000000";

void Le16(std::string& b, size_t at, uint16_t v) {
  b[at] = char(v & 0xff); b[at + 1] = char(v >> 8);
}
void Be16(std::string& b, size_t at, uint16_t v) {
  b[at] = char(v >> 8); b[at + 1] = char(v & 0xff);
}
void Le32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char((v >> (8 * i)) & 0xff);
}
void Be32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char((v >> (8 * (3 - i))) & 0xff);
}
void Both16(std::string& b, size_t at, uint16_t v) { Le16(b, at, v); Be16(b, at + 2, v); }
void Both32(std::string& b, size_t at, uint32_t v) { Le32(b, at, v); Be32(b, at + 4, v); }

std::string Ucs2(std::string_view ascii) {
  std::string out;
  for (char c : ascii) { out += '\0'; out += c; }
  return out;
}

// Writes `text` into a fixed-width field padded with spaces (UCS-2 spaces
// for Joliet).
void Field(std::string& b, size_t at, size_t width, std::string_view text, bool joliet) {
  std::string value = joliet ? Ucs2(text) : std::string(text);
  const std::string space = joliet ? std::string("\0 ", 2) : " ";
  while (value.size() < width) value += space;
  std::copy_n(value.begin(), width, b.begin() + at);
}

std::string DirectoryRecord(uint32_t lba, uint32_t size, bool directory, std::string_view name) {
  const size_t length = 33 + name.size() + (name.size() % 2 == 0 ? 1 : 0);
  std::string r(length, '\0');
  r[0] = char(length);
  Both32(r, 2, lba);
  Both32(r, 10, size);
  std::copy_n(kRecordDate, 7, r.begin() + 18);
  r[25] = directory ? 2 : 0;
  Both16(r, 28, 1);
  r[32] = char(name.size());
  std::copy(name.begin(), name.end(), r.begin() + 33);
  return r;
}

std::string PathTable(uint32_t root_lba, bool big_endian) {
  std::string t(kPathTableSize, '\0');
  t[0] = 1;  // length of the root's identifier (a single NUL)
  if (big_endian) { Be32(t, 2, root_lba); Be16(t, 6, 1); }
  else { Le32(t, 2, root_lba); Le16(t, 6, 1); }
  return t;
}

std::string VolumeDescriptor(bool joliet, std::string_view label, uint32_t total_sectors) {
  std::string d(kSector, '\0');
  d[0] = joliet ? 2 : 1;
  std::copy_n("CD001", 5, d.begin() + 1);
  d[6] = 1;
  Field(d, 8, 32, "", joliet);
  Field(d, 40, 32, label, joliet);
  Both32(d, 80, total_sectors);
  if (joliet) std::copy_n("%/E", 3, d.begin() + 88);  // UCS-2 level 3
  Both16(d, 120, 1);
  Both16(d, 124, 1);
  Both16(d, 128, kSector);
  Both32(d, 132, kPathTableSize);
  const uint32_t tables = kPathTables + (joliet ? 2 : 0);
  Le32(d, 140, tables);
  Be32(d, 148, tables + 1);
  const std::string root = DirectoryRecord(joliet ? kJolietRoot : kPrimaryRoot, kSector, true,
                                           std::string_view("\0", 1));
  std::copy(root.begin(), root.end(), d.begin() + 156);
  for (size_t at : {190, 318, 446, 574}) Field(d, at, 128, "", joliet);
  for (size_t at : {702, 739, 776}) Field(d, at, 37, "", false);
  for (size_t at : {813, 830}) {
    std::copy_n(kDescriptorDate, 16, d.begin() + at);
  }
  for (size_t at : {847, 864}) std::fill_n(d.begin() + at, 16, '0');
  d[881] = 1;  // file structure version
  return d;
}

// "meta-data" -> "META_DAT.;1": ISO 9660 level 1 (8.3 of d-characters).
std::string PrimaryName(std::string_view name) {
  std::string base(name), ext;
  if (size_t dot = base.rfind('.'); dot != std::string::npos) {
    ext = base.substr(dot + 1);
    base = base.substr(0, dot);
  }
  auto d_chars = [](std::string s, size_t max) {
    s = absl::AsciiStrToUpper(s.substr(0, max));
    for (char& c : s) if (!absl::ascii_isalnum(c)) c = '_';
    return s;
  };
  return fmt::format("{}.{};1", d_chars(base, 8), d_chars(ext, 3));
}

bool ValidLabel(std::string_view label) {
  return !label.empty() && label.size() <= 32 &&
         std::all_of(label.begin(), label.end(), [](char c) {
           return absl::ascii_isalnum(c) || c == '_' || c == '-';
         });
}

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
                  c == '_' || c == '-';
         });
}

std::string Directory(uint32_t self_lba, const std::vector<std::string>& records) {
  std::string dir = DirectoryRecord(self_lba, kSector, true, std::string_view("\0", 1));
  dir += DirectoryRecord(self_lba, kSector, true, "\1");  // root's parent is itself
  for (const std::string& r : records) dir += r;
  return dir;  // unpadded: the caller checks it fits one sector
}

}  // namespace

absl::StatusOr<std::string> BuildIso9660(std::string_view volume_label,
                                         std::vector<IsoFile> files) {
  if (!ValidLabel(volume_label)) {
    return absl::InvalidArgumentError(
        fmt::format("ISO volume label \"{}\": want 1-32 of [A-Za-z0-9_-]", volume_label));
  }
  std::sort(files.begin(), files.end(),
            [](const IsoFile& a, const IsoFile& b) { return a.name < b.name; });
  std::set<std::string> primary_names;
  for (const IsoFile& f : files) {
    if (!ValidName(f.name)) {
      return absl::InvalidArgumentError(
          fmt::format("ISO file name \"{}\": want 1-64 of [a-z0-9._-]", f.name));
    }
    if (!primary_names.insert(PrimaryName(f.name)).second) {
      return absl::InvalidArgumentError(
          fmt::format("ISO file name \"{}\" collides with another in 8.3 form {}", f.name,
                      PrimaryName(f.name)));
    }
  }
  // Place each file's data; directory records are sorted by identifier, which
  // the sort above gives for both the primary and the Joliet tree.
  std::vector<std::string> primary, joliet;
  uint32_t next = kFirstData;
  std::vector<uint32_t> extents;
  for (const IsoFile& f : files) {
    extents.push_back(next);
    primary.push_back(DirectoryRecord(next, f.contents.size(), false, PrimaryName(f.name)));
    joliet.push_back(DirectoryRecord(next, f.contents.size(), false, Ucs2(f.name)));
    next += (f.contents.size() + kSector - 1) / kSector;
  }
  std::string primary_root = Directory(kPrimaryRoot, primary);
  std::string joliet_root = Directory(kJolietRoot, joliet);
  if (primary_root.size() > kSector || joliet_root.size() > kSector) {
    return absl::InvalidArgumentError("ISO: too many files for one directory sector");
  }
  primary_root.resize(kSector, '\0');
  joliet_root.resize(kSector, '\0');
  const uint32_t total = next;
  std::string image(size_t{total} * kSector, '\0');
  auto put = [&](uint32_t lba, const std::string& bytes) {
    std::copy(bytes.begin(), bytes.end(), image.begin() + size_t{lba} * kSector);
  };
  put(kPvd, VolumeDescriptor(false, volume_label, total));
  put(kSvd, VolumeDescriptor(true, volume_label, total));
  std::string terminator(kSector, '\0');
  terminator[0] = char(255);
  std::copy_n("CD001", 5, terminator.begin() + 1);
  terminator[6] = 1;
  put(kTerminator, terminator);
  put(kPathTables + 0, PathTable(kPrimaryRoot, false));
  put(kPathTables + 1, PathTable(kPrimaryRoot, true));
  put(kPathTables + 2, PathTable(kJolietRoot, false));
  put(kPathTables + 3, PathTable(kJolietRoot, true));
  put(kPrimaryRoot, primary_root);
  put(kJolietRoot, joliet_root);
  for (size_t i = 0; i < files.size(); ++i) put(extents[i], files[i].contents);
  return image;
}

}  // namespace reconcile::drivers::libvirt
