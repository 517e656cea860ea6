#pragma once
// Private: the single binary buffer of a glTF model and the buffer views / accessors into it (export/gltf, tiles3d).

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>
#include <tiny_gltf.h>

#include "core/spill_file.h"

namespace cim::detail {

constexpr int kArrayBuffer = 34962;
constexpr int kElementArrayBuffer = 34963;

/// Where a streamed model's accessors and buffer views go instead of into the model; gives each one's index.
class ItemSink {
 public:
  virtual ~ItemSink() = default;
  virtual int accessor(tinygltf::Accessor&& a) = 0;
  virtual int bufferView(tinygltf::BufferView&& v) = 0;
};

// Accumulates the single binary buffer and the views/accessors into it. With a spill file the bytes go there instead
// of into the model (whose buffer then stays empty, byteLength() bytes long), and with an item sink the accessors and
// views go to it: a GLB writer streams them.
class BufferBuilder {
 public:
  explicit BufferBuilder(tinygltf::Model& model, SpillFile* spill = nullptr, ItemSink* items = nullptr)
      : model_(model), spill_(spill), items_(items) {
    model_.buffers.emplace_back();
  }

  /// The buffer's length in bytes (in the model or in the spill file).
  std::size_t byteLength() const { return spill_ ? static_cast<std::size_t>(spill_->size()) : model_.buffers[0].data.size(); }

  int addVec3(const std::vector<Eigen::Vector3f>& data, bool withBounds) {
    Eigen::Vector3f lo = Eigen::Vector3f::Constant(std::numeric_limits<float>::max());
    Eigen::Vector3f hi = -lo;
    for (const auto& v : data) {
      lo = lo.cwiseMin(v);
      hi = hi.cwiseMax(v);
    }
    const int view = addView(data.data(), data.size() * sizeof(Eigen::Vector3f), kArrayBuffer);
    return addAccessor(view, TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, data.size(), withBounds ? &lo : nullptr,
                       withBounds ? &hi : nullptr);
  }

  /// Whether indices into `vertexCount` vertices are written 16-bit (at most 65,535 vertices) rather than 32-bit.
  static bool shortIndices(std::size_t vertexCount) { return vertexCount <= 0xFFFF; }

  int addIndices(const std::vector<std::uint32_t>& indices, std::size_t vertexCount) {
    if (shortIndices(vertexCount)) {
      std::vector<std::uint16_t> small(indices.begin(), indices.end());
      const int view = addView(small.data(), small.size() * sizeof(std::uint16_t), kElementArrayBuffer);
      return addAccessor(view, TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT, TINYGLTF_TYPE_SCALAR, indices.size());
    }
    const int view = addView(indices.data(), indices.size() * sizeof(std::uint32_t), kElementArrayBuffer);
    return addAccessor(view, TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT, TINYGLTF_TYPE_SCALAR, indices.size());
  }

  // Feature ids as a float vertex attribute: a 2-byte type would need padding to the 4-byte element alignment the
  // spec asks of vertex attributes, so float costs the same and stays exact up to 2^24 ids.
  int addFeatureIds(const std::vector<std::uint32_t>& ids) {
    std::vector<float> wide(ids.begin(), ids.end());
    const int view = addView(wide.data(), wide.size() * sizeof(float), kArrayBuffer);
    return addAccessor(view, TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_SCALAR, ids.size());
  }

 /// A buffer view of raw bytes starting at a multiple of 8 (EXT_structural_metadata property values), no target.
  int addRawView(const void* data, std::size_t bytes) { return addView(data, bytes, 0, 8); }

  /// Reserves room for about `bytes` of buffer data (saves re-allocating and copying a growing buffer).
  void reserve(std::size_t bytes) {
    if (!spill_) model_.buffers[0].data.reserve(bytes);
  }

  /// A buffer view of `bytes` zeroed bytes (at a multiple of 4), to be filled in place at data() + offset; gives the
  /// view. Only without a spill file (the 3D Tiles writer fills its vertex groups so, without a copy).
  int addRoom(std::size_t bytes, int target, std::size_t& offset) {
    auto& buf = model_.buffers[0].data;
    padTo(buf, 4);
    offset = buf.size();
    buf.resize(offset + bytes);
    return pushView(offset, bytes, target);
  }

  /// The buffer's bytes (without a spill file).
  std::uint8_t* data() { return model_.buffers[0].data.data(); }

  /// An accessor of `count` elements of a view (made by addRoom); with bounds when `lo`/`hi` are given (VEC3).
  int addAccessor(int view, int componentType, int type, std::size_t count, const Eigen::Vector3f* lo = nullptr,
                  const Eigen::Vector3f* hi = nullptr) {
    tinygltf::Accessor a;
    a.bufferView = view;
    a.componentType = componentType;
    a.type = type;
    a.count = count;
    if (lo && hi) {
      a.minValues = {lo->x(), lo->y(), lo->z()};
      a.maxValues = {hi->x(), hi->y(), hi->z()};
    }
    return pushAccessor(std::move(a));
  }

 private:
  int pushAccessor(tinygltf::Accessor&& a) {
    if (items_) return items_->accessor(std::move(a));
    model_.accessors.push_back(std::move(a));
    return static_cast<int>(model_.accessors.size() - 1);
  }

  static void padTo(std::vector<unsigned char>& buf, std::size_t alignment) {
    while (buf.size() % alignment != 0) buf.push_back(0);
  }

  int addView(const void* data, std::size_t bytes, int target, std::size_t alignment = 4) {
    std::size_t offset = 0;
    if (spill_) {
      spill_->pad(alignment);
      offset = spill_->append(data, bytes);
    } else {
      auto& buf = model_.buffers[0].data;
      padTo(buf, alignment);
      offset = buf.size();
      const auto* src = static_cast<const std::uint8_t*>(data);
      buf.insert(buf.end(), src, src + bytes);
    }
    return pushView(offset, bytes, target);
  }

  // A view of buffer 0 (to the item sink when there is one); gives its index.
  int pushView(std::size_t offset, std::size_t bytes, int target) {
    tinygltf::BufferView v;
    v.buffer = 0;
    v.byteOffset = offset;
    v.byteLength = bytes;
    if (target != 0) v.target = target;
    if (items_) return items_->bufferView(std::move(v));
    model_.bufferViews.push_back(std::move(v));
    return static_cast<int>(model_.bufferViews.size() - 1);
  }

  tinygltf::Model& model_;
  SpillFile* spill_ = nullptr;
  ItemSink* items_ = nullptr;
};

}  // namespace cim::detail
