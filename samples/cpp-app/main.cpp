// Loads mesh files into one scene in EPSG:4549+5737 and prints where they are, in the project CRS and in WGS 84.
//   cim_sample_app model.obj [more files...]
#include <cstdio>

#include <cim/app/load.h>
#include <cim/geo/georeference.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL...\n", argv[0]);
    return 2;
  }
  std::vector<std::filesystem::path> inputs(argv + 1, argv + argc);
  cim::app::LoadOptions options;
  options.crs = "EPSG:4549+5737";
  options.origin = Eigen::Vector3d(515398.97, 3347837.87, 8.2);
  auto scene = cim::app::loadScene(inputs, options);
  for (const auto& d : scene.diagnostics()) std::fprintf(stderr, "%s\n", cim::formatDiagnostic(d).c_str());
  if (!scene.ok()) return 1;

  const auto bounds = scene->worldBounds();
  std::printf("%zu elements, %zu triangles\n", scene->elementCount(), scene->triangleCount());
  std::printf("centre %.3f E %.3f N %.3f H in %s\n", bounds.center().x(), bounds.center().y(), bounds.center().z(),
              scene->crs()->name().c_str());
  auto geo = cim::geo::Georeference::create(*scene->crs());
  if (geo.ok())
    if (auto llh = geo->projectToWgs84(bounds.center()))
      std::printf("centre %.8f E %.8f N (WGS 84)\n", llh->x(), llh->y());
  return 0;
}
