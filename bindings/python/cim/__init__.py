"""libcim for Python: BIM (IFC), terrain and underground pipes in one georeferenced scene; clash, clearance and the
city's checks; glTF and 3D Tiles out.

    import cim
    scene = cim.load(["pump_station.ifc", "dem.tif", "pipe_lines.csv", "site_features.geojson"], crs="EPSG:4549+5737")
    pits = scene.check_excavation()           # a cim.Report
    pits.to_geodataframe().plot()             # GeoPandas, in the scene CRS
    scene.write_tiles("out/tiles", overwrite=True)

Mesh arrays are read-only numpy views of the library's memory (no copy) that keep their scene alive. Loading, queries
and exports release the GIL. Failures raise cim.Error subclasses with the library's message.
"""

from ._cim import *  # noqa: F401,F403  (the compiled module: every class and function below)
from ._cim import __version__, _native_calls, _native_scenes  # noqa: F401
from . import _frames

_frames.install()
del _frames
