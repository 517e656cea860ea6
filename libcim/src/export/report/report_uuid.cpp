#include "export/report/report_uuid.h"

#include <cstdio>

#include <openssl/evp.h>

namespace cim::report::detail {

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  std::array<std::uint8_t, 20> out{};
  unsigned int size = 0;
  // OpenSSL's one-shot digest; it fails only when out of memory, and then the digest stays zero.
  EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha1(), nullptr);
  return out;
}

std::string uuidV5(const std::array<std::uint8_t, 16>& namespaceUuid, std::string_view name) {
  std::string input(reinterpret_cast<const char*>(namespaceUuid.data()), namespaceUuid.size());
  input.append(name);
  auto d = sha1(input);
  d[6] = std::uint8_t((d[6] & 0x0F) | 0x50);  // version 5
  d[8] = std::uint8_t((d[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out;
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    std::snprintf(hex, sizeof hex, "%02x", d[i]);
    out += hex;
  }
  return out;
}

const std::array<std::uint8_t, 16>& urlNamespace() {
  static const std::array<std::uint8_t, 16> ns = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                  0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
  return ns;
}

}  // namespace cim::report::detail
