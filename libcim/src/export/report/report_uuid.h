#pragma once
// Name-based UUIDs (RFC 4122 version 5): the same name gives the same UUID on every machine and in every run.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cim::report::detail {

/// The SHA-1 digest (FIPS 180-4) of `data`, through OpenSSL (libcrypto).
std::array<std::uint8_t, 20> sha1(std::string_view data);

/// The version 5 UUID of `name` in the namespace `namespaceUuid` (16 bytes), lower-case hex with dashes
/// ("8d2ab9b4-...") as BCF's Guid type wants it.
std::string uuidV5(const std::array<std::uint8_t, 16>& namespaceUuid, std::string_view name);

/// RFC 4122's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8 (Python's uuid.NAMESPACE_URL).
const std::array<std::uint8_t, 16>& urlNamespace();

}  // namespace cim::report::detail
