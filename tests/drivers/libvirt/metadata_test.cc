#include "drivers/libvirt/metadata.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace reconcile::drivers::libvirt {
namespace {

using ::reconcile::testing::IsOkAndHolds;
using ::reconcile::testing::StatusIs;
using ::testing::HasSubstr;

// This test verifies that every ownership field, including characters that
// need escaping and the volume list, survives render then parse unchanged.
TEST(MetadataTest, RoundTrip) {
  Ownership owner{"lab&co", "work<er>", 7, "abc\"def'", "ssh-ed25519 AAAAkey",
                  {{"pool a", "lab-w-7-overlay.qcow2"}, {"default", "lab-w-7-seed.iso"}}};
  EXPECT_THAT(ParseOwnershipXml(RenderOwnershipXml(owner, 4)), IsOkAndHolds(owner));
}

// This test verifies that a data disk's spec name and size are recorded
// beside its volume and read back, and that the overlay's element carries
// neither (it reads as before data disks existed).
TEST(MetadataTest, DataDisksRoundTripWithNameAndSize) {
  Ownership owner{"lab", "db", 1, "h", "ssh-ed25519 AAAA",
                  {{"rcl", "lab-db-1-overlay.qcow2"},
                   {"fast", "lab-db-1-disk.data.qcow2", "data", uint64_t{50} << 30}},
                  "i"};
  const std::string xml = RenderOwnershipXml(owner);
  EXPECT_THAT(xml, HasSubstr("<reconcile:volume pool=\"rcl\" name=\"lab-db-1-overlay.qcow2\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"lab-db-1-disk.data.qcow2\" disk=\"data\" "
                             "bytes=\"53687091200\"/>"));
  EXPECT_THAT(ParseOwnershipXml(xml), IsOkAndHolds(owner));
  std::string no_size = xml;
  const size_t bytes = no_size.find(" bytes=\"");
  no_size.erase(bytes, no_size.find('"', bytes + 8) + 1 - bytes);
  EXPECT_THAT(ParseOwnershipXml(no_size),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"data\" has no size")));
}

// This test verifies that an owner with no volumes (direct kernel boot, no
// seed) round-trips with an empty list.
TEST(MetadataTest, RoundTripWithoutVolumes) {
  Ownership owner{"lab", "ctl", 1, "h", "ssh-ed25519 AAAA", {}, "i"};
  EXPECT_THAT(ParseOwnershipXml(RenderOwnershipXml(owner)), IsOkAndHolds(owner));
}

// This test verifies that the same element reformatted by libvirt (another
// prefix, other quoting, whitespace) still parses: only the namespace counts.
TEST(MetadataTest, ParsesLibvirtReformattedElement) {
  const char* xml = R"(<r:node xmlns:r="https://reconcile.dev/xmlns/domain/1">
      <r:cluster>lab</r:cluster><r:group>g</r:group><r:index>3</r:index>
      <r:hardware-hash>h</r:hardware-hash><r:image-hash>i</r:image-hash>
      <r:host-key>ssh-ed25519 K</r:host-key>
      <r:volumes><r:volume name='v' pool='p'/></r:volumes></r:node>)";
  EXPECT_THAT(ParseOwnershipXml(xml),
              IsOkAndHolds(Ownership{"lab", "g", 3, "h", "ssh-ed25519 K", {{"p", "v"}}, "i"}));
}

// This test verifies that a malformed record names the problem.
TEST(MetadataTest, MalformedRecordsAreRejectedWithTheField) {
  const std::string ns = R"( xmlns:r="https://reconcile.dev/xmlns/domain/1")";
  EXPECT_THAT(ParseOwnershipXml("<r:node" + ns + "><r:cluster>lab</r:cluster></r:node>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("<group>")));
  EXPECT_THAT(ParseOwnershipXml("<r:node" + ns +
                                "><r:cluster>l</r:cluster><r:group>g</r:group>"
                                "<r:index>x</r:index></r:node>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("<index>")));
  EXPECT_THAT(ParseOwnershipXml("<node><cluster>lab</cluster></node>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("namespace")));
  EXPECT_THAT(ParseOwnershipXml("<r:node"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ownership metadata")));
}

}  // namespace
}  // namespace reconcile::drivers::libvirt
