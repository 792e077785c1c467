#include "drivers/libvirt/image_upload.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <tuple>

#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "drivers/libvirt/errors.h"
#include "drivers/libvirt/handles.h"
#include "drivers/libvirt/storage.h"
#include "drivers/libvirt/xml_util.h"
#include "fmt/format.h"

namespace reconcile::drivers::libvirt {
namespace {

constexpr size_t kChunk = 1 << 20;

struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileClose>;

// What identifies one version of a file without reading it.
using FileStamp = std::tuple<std::string, uint64_t, int64_t, int64_t, uint64_t>;

absl::Mutex inspected_mu;
std::map<FileStamp, SourceImage>& Inspected() {
  static auto* cache = new std::map<FileStamp, SourceImage>;
  return *cache;
}

absl::StatusOr<FileStamp> StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        fmt::format("image source {} is not a readable file", path));
  }
  return FileStamp{path, static_cast<uint64_t>(st.st_size), st.st_mtim.tv_sec,
                   st.st_mtim.tv_nsec, static_cast<uint64_t>(st.st_ino)};
}

absl::StatusOr<SourceImage> ReadAndHash(const std::string& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return absl::FailedPreconditionError(fmt::format("image source {} cannot be read", path));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  SourceImage image{.path = path, .format = "raw"};
  std::string buf(kChunk, '\0');
  while (size_t n = std::fread(buf.data(), 1, buf.size(), file.get())) {
    if (image.size == 0 && n >= 32 && buf.compare(0, 4, "QFI\xfb") == 0) {
      image.format = "qcow2";
      for (int i = 24; i < 32; ++i) {  // big-endian virtual size (QEMU's qcow2 spec)
        image.virtual_size = image.virtual_size << 8 | static_cast<unsigned char>(buf[i]);
      }
    }
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    image.size += n;
  }
  if (std::ferror(file.get())) {
    return absl::FailedPreconditionError(fmt::format("image source {}: read error", path));
  }
  if (image.format == "raw") image.virtual_size = image.size;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  for (unsigned int i = 0; i < length; ++i) {
    fmt::format_to(std::back_inserter(image.sha256), "{:02x}", digest[i]);
  }
  return image;
}

// Upload of the file's bytes into a new volume; on failure the volume is gone.
absl::Status Upload(virConnectPtr conn, virStoragePoolPtr pool, const std::string& pool_name,
                    const std::string& name, const SourceImage& image) {
  const std::string xml = fmt::format(
      "<volume>\n"
      "  <name>{}</name>\n"
      "  <capacity unit='bytes'>{}</capacity>\n"
      "  <target><format type='{}'/></target>\n"
      "</volume>\n",
      XmlEscape(name), image.size, image.format);
  VolumeHandle vol(virStorageVolCreateXML(pool, xml.c_str(), 0));
  if (!vol) return LastLibvirtError(fmt::format("create volume {}/{}", pool_name, name));
  auto fail = [&](absl::Status status) {
    virStorageVolDelete(vol.get(), 0);
    virResetLastError();
    return status;
  };
  FilePtr file(std::fopen(image.path.c_str(), "rb"));
  if (!file) {
    return fail(
        absl::FailedPreconditionError(fmt::format("image source {} cannot be read", image.path)));
  }
  StreamHandle stream(virStreamNew(conn, 0));
  if (!stream || virStorageVolUpload(vol.get(), stream.get(), 0, image.size, 0) != 0) {
    return fail(LastLibvirtError(fmt::format("upload to {}/{}", pool_name, name)));
  }
  std::string buf(kChunk, '\0');
  uint64_t sent = 0;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), file.get())) {
    for (size_t off = 0; off < n;) {
      const int w = virStreamSend(stream.get(), buf.data() + off, n - off);
      if (w < 0) {
        absl::Status status = LastLibvirtError(fmt::format("send {} to {}", image.path, name));
        virStreamAbort(stream.get());
        return fail(status);
      }
      off += static_cast<size_t>(w);
    }
    sent += n;
  }
  if (sent != image.size) {
    virStreamAbort(stream.get());
    return fail(absl::AbortedError(
        fmt::format("image source {} changed while it was uploaded", image.path)));
  }
  if (virStreamFinish(stream.get()) != 0) {
    return fail(LastLibvirtError(fmt::format("finish upload to {}/{}", pool_name, name)));
  }
  return absl::OkStatus();
}

absl::Mutex& UploadMutexFor(const std::string& key) {
  static absl::Mutex map_mu;
  static auto* mutexes = new std::map<std::string, std::unique_ptr<absl::Mutex>>;
  absl::MutexLock lock(&map_mu);
  std::unique_ptr<absl::Mutex>& m = (*mutexes)[key];
  if (!m) m = std::make_unique<absl::Mutex>();
  return *m;
}

}  // namespace

absl::StatusOr<SourceImage> InspectSourceImage(const std::string& path) {
  ASSIGN_OR_RETURN(FileStamp stamp, StampOf(path));
  {
    absl::MutexLock lock(&inspected_mu);
    if (auto it = Inspected().find(stamp); it != Inspected().end()) return it->second;
  }
  ASSIGN_OR_RETURN(SourceImage image, ReadAndHash(path));
  ASSIGN_OR_RETURN(FileStamp after, StampOf(path));
  if (after != stamp || image.size != std::get<1>(stamp)) {
    return absl::AbortedError(fmt::format("image source {} changed while it was read", path));
  }
  absl::MutexLock lock(&inspected_mu);
  Inspected().emplace(stamp, image);
  return image;
}

std::string UploadedImageVolumeName(const SourceImage& image) {
  return fmt::format("reconcile-image-{}.{}", image.sha256, image.format);
}

std::string UploadMarkerName(std::string_view volume_name) {
  return fmt::format("{}.uploading", volume_name);
}

absl::StatusOr<uint64_t> BytesToUpload(virConnectPtr conn, std::string_view pool,
                                       const SourceImage& image) {
  const std::string name = UploadedImageVolumeName(image);
  ASSIGN_OR_RETURN(bool present, VolumeExists(conn, pool, name));
  ASSIGN_OR_RETURN(bool interrupted, VolumeExists(conn, pool, UploadMarkerName(name)));
  return present && !interrupted ? 0 : image.size;
}

absl::StatusOr<std::string> EnsureUploadedImage(virConnectPtr conn, std::string_view pool,
                                                const SourceImage& image) {
  const std::string name = UploadedImageVolumeName(image);
  const std::string marker = UploadMarkerName(name);
  const std::string pool_name(pool);
  absl::MutexLock one_upload(&UploadMutexFor(fmt::format("{}/{}", pool, name)));
  PoolHandle p(virStoragePoolLookupByName(conn, pool_name.c_str()));
  if (!p) return LastLibvirtError(fmt::format("storage pool \"{}\"", pool));
  // Another process may have added the volume: see the pool as it is now.
  (void)virStoragePoolRefresh(p.get(), 0);
  virResetLastError();
  ASSIGN_OR_RETURN(bool present, VolumeExists(conn, pool, name));
  ASSIGN_OR_RETURN(bool interrupted, VolumeExists(conn, pool, marker));
  if (interrupted) {  // the remains of an upload that died: start again
    RETURN_IF_ERROR(DeleteVolume(conn, pool, name));
    present = false;
  }
  if (!present) {
    if (!interrupted) RETURN_IF_ERROR(CreateVolumeWithContents(conn, pool, marker, "uploading\n"));
    if (absl::Status uploaded = Upload(conn, p.get(), pool_name, name, image); !uploaded.ok()) {
      (void)DeleteVolume(conn, pool, marker);  // the volume went with the failure
      return uploaded;
    }
  }
  RETURN_IF_ERROR(DeleteVolume(conn, pool, marker));  // a no-op unless it was set above
  VolumeHandle vol(virStorageVolLookupByName(p.get(), name.c_str()));
  if (!vol) return LastLibvirtError(fmt::format("volume {}/{}", pool, name));
  char* path = virStorageVolGetPath(vol.get());
  if (path == nullptr) return LastLibvirtError(fmt::format("path of volume {}/{}", pool, name));
  std::string out(path);
  free(path);
  return out;
}

}  // namespace reconcile::drivers::libvirt
