// The two kinds of layer the 3D Tiles writer reads (see layer_elements.h): a scene's layer in memory, and the layers
// of an ElementSpool (cim/export/tiles3d.h), whose elements beyond its memory budget wait in a temporary file.

#include "export/tiles3d/layer_elements.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "cim/export/tiles3d.h"
#include "core/spill_file.h"
#include "model/element_blob.h"

namespace cim::tiles3d {

namespace detail {

namespace {

class SceneLayer final : public LayerElements {
 public:
  explicit SceneLayer(const model::Layer& layer) : layer_(layer) {}
  const std::string& name() const override { return layer_.name; }
  std::size_t size() const override { return layer_.elements.size(); }
  std::size_t withoutTriangles() const override {
    return static_cast<std::size_t>(std::count_if(layer_.elements.begin(), layer_.elements.end(),
                                                  [](const model::Element& e) { return e.triangleCount() == 0; }));
  }
  std::vector<TilingItem> items(unsigned threads) const override { return tilingItems(layer_.elements, threads); }
  std::shared_ptr<const AttributeKeys> keys(const std::vector<std::size_t>& slots) const override {
    std::vector<const model::Element*> elements;
    elements.reserve(slots.size());
    for (std::size_t s : slots) elements.push_back(&layer_.elements[s]);
    return std::make_shared<const AttributeKeys>(elements);
  }
  Result<std::shared_ptr<const model::Element>> element(const TilingItem& item) const override {
    // Not owned: the scene's element, which outlives the writer.
    return Result<std::shared_ptr<const model::Element>>::success(
        std::shared_ptr<const model::Element>(std::shared_ptr<void>(), &layer_.elements[item.slot]));
  }

 private:
  const model::Layer& layer_;
};

}  // namespace

std::unique_ptr<LayerElements> sceneLayer(const model::Layer& layer) { return std::make_unique<SceneLayer>(layer); }

// A spool's layer: its elements with triangles, each in memory or at an offset of the spool's file.
class SpoolLayer final : public LayerElements {
 public:
  SpoolLayer(std::string name, const std::unique_ptr<cim::detail::SpillFile>& file)
      : name_(std::move(name)), file_(file) {}

  const std::string& name() const override { return name_; }
  std::size_t size() const override { return records_.size() + without_ + invalid_; }
  std::size_t withoutTriangles() const override { return without_; }
  std::vector<TilingItem> items(unsigned) const override {
    std::vector<TilingItem> items = items_;
    sortById(items);
    return items;
  }
  std::shared_ptr<const AttributeKeys> keys(const std::vector<std::size_t>&) const override {
    std::call_once(finished_, [this] { keys_.finish(); });
    return std::shared_ptr<const AttributeKeys>(std::shared_ptr<void>(), &keys_);
  }
  Result<std::shared_ptr<const model::Element>> element(const TilingItem& item) const override {
    const Record& r = records_[item.slot];
    if (r.inMemory) return Result<std::shared_ptr<const model::Element>>::success(r.inMemory);
    model::detail::Blob blob(r.bytes);
    std::optional<model::Element> e;
    if (file_->read(r.offset, blob.data(), blob.size())) e = model::detail::decodeElement(blob);
    if (!e)
      return Result<std::shared_ptr<const model::Element>>::failure(Diagnostic::error(
          ErrorCode::ExportFailed,
          "element " + std::to_string(item.id) + " cannot be read back from the spool's temporary file" +
              (file_->ok() ? std::string(" (it does not decode)") : ": " + file_->error()),
          name_));
    e->id = item.id;
    return Result<std::shared_ptr<const model::Element>>::success(std::make_shared<const model::Element>(std::move(*e)));
  }

  // Where add() puts an element: nowhere (no triangles), in memory, or in the file (encoded by the caller).
  void addWithout(bool noTriangles) { ++(noTriangles ? without_ : invalid_); }
  void addKept(const model::Element& e, const TilingItem& item) {
    keys_.add(e);
    items_.push_back(item);
    items_.back().slot = records_.size();
  }
  void keepInMemory(model::Element&& e) { records_.push_back({std::make_shared<const model::Element>(std::move(e)), 0, 0}); }
  void keepInFile(std::uint64_t offset, std::size_t bytes) {
    records_.push_back({nullptr, offset, static_cast<std::uint32_t>(bytes)});
  }
  std::size_t nextSlot() const { return records_.size(); }

 private:
  struct Record {
    std::shared_ptr<const model::Element> inMemory;  // or null: in the file at offset
    std::uint64_t offset = 0;
    std::uint32_t bytes = 0;
  };
  std::string name_;
  const std::unique_ptr<cim::detail::SpillFile>& file_;
  std::vector<Record> records_;    // by slot
  std::vector<TilingItem> items_;  // in the order added
  std::size_t without_ = 0;        // elements without triangles
  std::size_t invalid_ = 0;        // elements with triangles, none in a valid mesh (in no tile, like a scene's)
  mutable AttributeKeys keys_;
  mutable std::once_flag finished_;
};

}  // namespace detail

namespace {

// About what an element holds in memory: its strings, attributes and meshes.
std::size_t approxBytes(const model::Element& e) {
  std::size_t n = sizeof(model::Element) + e.guid.capacity() + e.kind.capacity() + e.name.capacity();
  for (const auto& [key, value] : e.attributes) {
    n += sizeof(model::Attributes::value_type) + key.capacity();
    if (const auto* text = std::get_if<std::string>(&value)) n += text->capacity();
  }
  for (const auto& s : e.shapes)
    n += sizeof(model::Shape) + s.material.name.capacity() + s.mesh.positions.capacity() * sizeof(Eigen::Vector3f) +
         s.mesh.normals.capacity() * sizeof(Eigen::Vector3f) +
         (s.mesh.indices.capacity() + s.mesh.featureIds.capacity()) * sizeof(std::uint32_t);
  for (const auto& g : e.connectedTo) n += sizeof(std::string) + g.capacity();
  return n;
}

}  // namespace

struct ElementSpool::Impl {
  std::size_t budget = 0;
  std::filesystem::path folder;
  std::optional<geo::Crs> crs;
  std::unique_ptr<cim::detail::SpillFile> file;  // made when the first element goes to it
  std::size_t held = 0;                          // approxBytes of the elements in memory
  std::size_t elements = 0, triangles = 0, spooled = 0;
  std::vector<std::unique_ptr<detail::SpoolLayer>> layers;
  std::unordered_map<std::string, std::size_t> layerIndex;

  detail::SpoolLayer& layer(const std::string& name) {
    auto [it, added] = layerIndex.try_emplace(name, layers.size());
    if (added) layers.push_back(std::make_unique<detail::SpoolLayer>(name, file));
    return *layers[it->second];
  }
};

ElementSpool::ElementSpool(std::size_t memoryBytes, std::filesystem::path folder) : impl_(std::make_unique<Impl>()) {
  impl_->budget = memoryBytes;
  impl_->folder = std::move(folder);
}
ElementSpool::~ElementSpool() = default;
ElementSpool::ElementSpool(ElementSpool&&) noexcept = default;
ElementSpool& ElementSpool::operator=(ElementSpool&&) noexcept = default;

void ElementSpool::setCrs(std::optional<geo::Crs> crs) { impl_->crs = std::move(crs); }
const std::optional<geo::Crs>& ElementSpool::crs() const { return impl_->crs; }

Status ElementSpool::add(const std::string& layerName, model::Element&& element) {
  Impl& s = *impl_;
  detail::SpoolLayer& layer = s.layer(layerName);
  const detail::TilingItem item = detail::measureItem(element, layer.nextSlot());
  const std::size_t triangles = element.triangleCount();  // as Scene::triangleCount counts them
  if (item.triangles == 0) {  // in no tile: only counted
    layer.addWithout(triangles == 0);
    ++s.elements;
    s.triangles += triangles;
    return okStatus();
  }
  const std::size_t bytes = approxBytes(element);
  if (s.held + bytes <= s.budget) {
    s.held += bytes;
    layer.addKept(element, item);
    layer.keepInMemory(std::move(element));
  } else {
    if (!s.file) s.file = std::make_unique<cim::detail::SpillFile>(s.folder);
    const model::detail::Blob blob = model::detail::encodeElement(element, 1);  // format 1: plain copies, fast
    const std::uint64_t offset = s.file->ok() ? s.file->append(blob.data(), blob.size()) : 0;
    if (!s.file->ok() || blob.size() > 0xFFFFFFFFu)
      return Status::failure(Diagnostic::error(
          ErrorCode::FileUnwritable,
          "cannot spool element " + std::to_string(element.id) + " to a temporary file: " +
              (s.file->ok() ? std::string("it encodes to more than 4 GiB") : s.file->error()),
          s.folder.empty() ? std::string("the system's temporary folder") : s.folder.string()));
    layer.addKept(element, item);
    layer.keepInFile(offset, blob.size());
    ++s.spooled;
  }
  ++s.elements;
  s.triangles += triangles;
  return okStatus();
}

std::size_t ElementSpool::elementCount() const { return impl_->elements; }
std::size_t ElementSpool::triangleCount() const { return impl_->triangles; }
std::size_t ElementSpool::spooledElements() const { return impl_->spooled; }
std::uint64_t ElementSpool::spooledBytes() const { return impl_->file ? impl_->file->size() : 0; }

std::vector<const detail::LayerElements*> ElementSpool::layers() const {
  std::vector<const detail::LayerElements*> out;
  for (const auto& l : impl_->layers) out.push_back(l.get());
  return out;
}

}  // namespace cim::tiles3d
