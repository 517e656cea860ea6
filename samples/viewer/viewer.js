// libcim viewer: loads the tilesets listed in a `cim tiles` folder's index.json, flies to them, shows the pipes
// under a translucent ground, lists the properties of a clicked element (typed: booleans as check boxes, reals
// rounded, full precision in the tooltip), draws GeoJSON layers (points as markers), hides IfcSpace volumes unless
// asked, and measures the distance between two picked points (3D, horizontal and vertical apart).
// No Cesium ion (no ion logo or credit), no imagery, no request leaves the server this page came from.
//
// window.cimViewer exposes the state for tests and the console: { viewer, layers, ready (a promise resolved with
// the load time in ms once every tileset is loaded for the view flown to, rejected on a load failure), settled()
// (a promise resolved when the tiles for the current view are loaded), selected, select(picked), pickAt(x, y),
// showSpaces(on), measurement (the last one), measureBetween(a, b) (Cartesian3s), showValue(cell, value), errors }.
'use strict';

(() => {
  const params = new URLSearchParams(window.location.search);
  const tilesUrl = withSlash(params.get('tiles') || '/tiles/');
  const geojsonUrls = params.getAll('geojson');
  const flightSeconds = numberParam('fly', 2);
  let groundOpacity = Math.min(1, Math.max(0, numberParam('ground', 0.5)));

  // The element class the tiler gives terrain (the DEM layer): drawn translucent, picked only when nothing is behind.
  const GROUND_CLASS = 'terrain';
  // Classes of room and zone volumes: hidden unless the Spaces toggle is on (they enclose roofs, floors and walls
  // from inside and would catch the clicks meant for them).
  const SPACE_CLASSES = ['IfcSpace', 'IfcSpatialZone', 'IfcExternalSpatialElement'];
  let spacesShown = params.get('spaces') === '1';
  // The picked element: its colour replaced by this one (lit like the rest), and an unlit outline around it, so it
  // stands out on faces turned away from the light as well.
  const HIGHLIGHT = Cesium.Color.YELLOW;

  // Nothing here talks to Cesium ion: a placeholder token keeps any accidental ion use from going out authorised,
  // and no ion logo or credit is shown.
  Cesium.Ion.defaultAccessToken = 'no-ion';
  Cesium.CreditDisplay.cesiumCredit = undefined;

  const viewer = new Cesium.Viewer('cesium', {
    baseLayer: false, // no imagery: the globe shows its base colour
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    skyBox: false,
    skyAtmosphere: false,
  });
  const scene = viewer.scene;
  scene.backgroundColor = Cesium.Color.fromCssColorString('#1d2633');
  scene.fog.enabled = false;
  if (scene.sun) scene.sun.show = false;
  if (scene.moon) scene.moon.show = false;
  // A fixed time (noon in China) so that lighting does not depend on when the page is opened.
  viewer.clock.currentTime = Cesium.JulianDate.fromIso8601('2024-06-21T04:00:00Z');
  viewer.clock.shouldAnimate = false;

  // The ellipsoid below is see-through too, and the camera may go underground to look at the pipes from below.
  const globe = scene.globe;
  globe.baseColor = Cesium.Color.fromCssColorString('#4d5a45');
  globe.showGroundAtmosphere = false;
  globe.enableLighting = false;
  globe.translucency.enabled = true;
  // Tile skirts hide cracks on an opaque globe; through a translucent one they show as arcs along every tile seam.
  globe.showSkirts = false;
  scene.screenSpaceCameraController.enableCollisionDetection = false;
  // Picked positions on translucent terrain (the measure tool) come from its depth too.
  scene.pickTranslucentDepth = true;

  const outline = Cesium.PostProcessStageLibrary.isSilhouetteSupported(scene)
    ? Cesium.PostProcessStageLibrary.createEdgeDetectionStage()
    : null;
  if (outline) {
    outline.uniforms.color = HIGHLIGHT;
    outline.uniforms.length = 0.01;
    outline.selected = [];
    scene.postProcessStages.add(Cesium.PostProcessStageLibrary.createSilhouetteStage([outline]));
  }

  const state = {
    viewer,
    layers: [], // { name, kind: 'tiles' | 'geojson', tileset | dataSource, entry }
    errors: [],
    selected: null,
    ready: null,
    measurement: null,
    select,
    pickAt,
    showSpaces,
    measureBetween,
    showValue,
    settled: () => settled(state.layers.filter((l) => l.kind === 'tiles').map((l) => l.tileset)),
  };
  window.cimViewer = state;

  const layerList = document.getElementById('layers');
  const statusLine = document.getElementById('status');
  const pickedTitle = document.getElementById('picked-title');
  const propertyBody = document.querySelector('#properties tbody');
  const opacityInput = document.getElementById('ground-opacity');
  opacityInput.value = String(groundOpacity);
  opacityInput.addEventListener('input', () => {
    groundOpacity = Number(opacityInput.value);
    applyGroundOpacity();
  });

  state.ready = start();
  state.ready.then(
    (ms) => setStatus(`Loaded ${state.layers.length} layer(s) in ${(ms / 1000).toFixed(1)} s.`),
    (error) => setStatus(String(error.message || error), true)
  );

  async function start() {
    const t0 = performance.now();
    const indexUrl = new URL('index.json', new URL(tilesUrl, window.location.href)).href;
    const response = await fetch(indexUrl);
    if (!response.ok) throw new Error(`cannot read ${indexUrl}: HTTP ${response.status}`);
    const index = await response.json();
    if (!Array.isArray(index.tilesets) || index.tilesets.length === 0)
      throw new Error(`${indexUrl} lists no tilesets`);

    for (const entry of index.tilesets) {
      const url = new URL(entry.uri, indexUrl).href;
      const tileset = await Cesium.Cesium3DTileset.fromUrl(url);
      // tilesLoaded is true before the first tile is even requested: count a tileset as loaded only after it has
      // raised allTilesLoaded once (listened to before it is added to the scene).
      tileset.cimLoadedOnce = false;
      tileset.allTilesLoaded.addEventListener(() => (tileset.cimLoadedOnce = true));
      tileset.tileFailed.addEventListener((e) => fail(`tile ${e.url} of ${entry.name}: ${e.message}`));
      tileset.style = groundStyle();
      tileset.colorBlendMode = Cesium.Cesium3DTileColorBlendMode.REPLACE; // white (every other feature) is left as is
      scene.primitives.add(tileset);
      addLayer({ name: entry.name, kind: 'tiles', tileset, entry });
    }
    // A layer that cannot be read (e.g. a GeoJSON in a projected CRS, which Cesium does not know) is reported; the
    // rest still shows.
    for (const url of geojsonUrls) {
      try {
        addLayer(await loadGeoJson(url));
      } catch (e) {
        fail(`GeoJSON layer ${url}: ${e.message || e}`);
      }
    }

    const tilesets = state.layers.filter((l) => l.kind === 'tiles').map((l) => l.tileset);
    await flyTo(Cesium.BoundingSphere.fromBoundingSpheres(tilesets.map((t) => t.boundingSphere)));
    await settled(tilesets);
    if (state.errors.length) throw new Error(state.errors.join('; '));
    return performance.now() - t0;
  }

  // A GeoJSON layer (WGS84 longitude, latitude, height above the ellipsoid in metres, as RFC 7946): points as
  // markers that stay visible through the ground, lines and polygons as Cesium draws them.
  async function loadGeoJson(url) {
    const dataSource = await Cesium.GeoJsonDataSource.load(url);
    for (const entity of dataSource.entities.values) {
      if (!entity.position || entity.polygon || entity.polyline) continue;
      entity.billboard = undefined;
      entity.point = new Cesium.PointGraphics({
        pixelSize: 12,
        color: Cesium.Color.fromCssColorString('#ff3b30'),
        outlineColor: Cesium.Color.WHITE,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
    await viewer.dataSources.add(dataSource);
    const name = decodeURIComponent(url.split('/').pop() || url);
    return { name, kind: 'geojson', dataSource, entry: { elements: dataSource.entities.values.length,
      geometries: geometryCounts(dataSource.entities.values) } };
  }

  // "2 points, 1 line", "1 polygon": what a GeoJSON layer holds, by geometry type.
  function geometryCounts(entities) {
    let points = 0;
    let lines = 0;
    let polygons = 0;
    for (const e of entities) {
      if (e.polygon) polygons++;
      else if (e.polyline) lines++;
      else if (e.position) points++;
    }
    const part = (n, word) => (n ? [`${n} ${word}${n === 1 ? '' : 's'}`] : []);
    return [...part(points, 'point'), ...part(lines, 'line'), ...part(polygons, 'polygon')].join(', ') || 'empty';
  }

  function addLayer(layer) {
    state.layers.push(layer);
    const item = document.createElement('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.addEventListener('change', () => {
      if (layer.kind === 'tiles') layer.tileset.show = box.checked;
      else layer.dataSource.show = box.checked;
    });
    const count = document.createElement('span');
    count.className = 'count';
    const n = layer.entry.elements;
    if (layer.kind === 'tiles') count.textContent = n === undefined ? '' : ` (${n} elements)`;
    else count.textContent = ` (${layer.entry.geometries})`;
    label.append(box, ` ${layer.name}`, count);
    item.append(label);
    layerList.append(item);
  }

  // Terrain features drawn translucent so the pipes below them show; spaces hidden unless asked; everything else as
  // the tiler coloured it.
  function groundStyle() {
    const show = spacesShown ? 'true' : SPACE_CLASSES.map((c) => `\${feature['class']} !== '${c}'`).join(' && ');
    return new Cesium.Cesium3DTileStyle({
      show,
      color: {
        conditions: [
          [`\${feature['class']} === '${GROUND_CLASS}'`, `color('white', ${groundOpacity})`],
          ['true', "color('white')"],
        ],
      },
    });
  }

  const spacesInput = document.getElementById('show-spaces');
  spacesInput.checked = spacesShown;
  spacesInput.addEventListener('change', () => showSpaces(spacesInput.checked));

  // Shows or hides the IfcSpace (and zone) volumes of every tileset.
  function showSpaces(on) {
    spacesShown = !!on;
    spacesInput.checked = spacesShown;
    applyGroundOpacity();
  }

  function applyGroundOpacity() {
    globe.translucency.frontFaceAlpha = Math.min(groundOpacity, 0.6);
    globe.translucency.backFaceAlpha = Math.min(groundOpacity, 0.6);
    for (const layer of state.layers) if (layer.kind === 'tiles') layer.tileset.style = groundStyle();
    // The new style is applied to every feature at the next update; highlight the selection again after it.
    const remove = scene.postRender.addEventListener(() => {
      remove();
      if (state.selected && state.selected.feature) highlight(state.selected.feature);
    });
  }
  applyGroundOpacity();

  function flyTo(sphere) {
    return new Promise((resolve) => {
      viewer.camera.flyToBoundingSphere(sphere, {
        duration: flightSeconds,
        offset: new Cesium.HeadingPitchRange(0, Cesium.Math.toRadians(-35), sphere.radius * 2.0),
        complete: resolve,
        cancel: resolve,
      });
    });
  }

  // Resolves once every tileset has loaded at least once and reports nothing left to load for 10 frames in a row.
  function settled(tilesets) {
    return new Promise((resolve) => {
      let calmFrames = 0;
      const remove = scene.postRender.addEventListener(() => {
        const done = tilesets.every((t) => t.cimLoadedOnce && t.tilesLoaded);
        calmFrames = done ? calmFrames + 1 : 0;
        if (calmFrames >= 10) {
          remove();
          resolve();
        }
      });
    });
  }

  function isGround(picked) {
    return picked instanceof Cesium.Cesium3DTileFeature && picked.getProperty('class') === GROUND_CLASS;
  }

  // What is under a window position: the frontmost element, looking through the translucent ground when something
  // lies behind it (a pipe under the road), the ground itself otherwise.
  function pickAt(x, y) {
    const position = new Cesium.Cartesian2(x, y);
    const front = scene.pick(position);
    if (!isGround(front)) return front;
    const behind = scene.drillPick(position, 4).find((p) => !isGround(p));
    return behind || front;
  }

  const handler = new Cesium.ScreenSpaceEventHandler(scene.canvas);
  handler.setInputAction((click) => {
    if (measuring) measureClick(click.position);
    else select(pickAt(click.position.x, click.position.y));
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);

  // --- the measure tool: two picked points, their distance in 3D and, in the local east-north-up frame of the first,
  // horizontally and vertically apart ---------------------------------------------------------------------------
  const measureButton = document.getElementById('measure');
  const measureResult = document.getElementById('measure-result');
  let measuring = false;
  let measurePoints = [];
  const measureEntities = [];
  measureButton.addEventListener('click', () => {
    measuring = !measuring;
    measureButton.classList.toggle('active', measuring);
    measureButton.textContent = measuring ? 'Measuring: click two points' : 'Measure a distance';
    measurePoints = [];
    if (measuring) measureResult.textContent = 'Click the first point.';
  });

  // The surface point under a window position (an element, the terrain or the globe), or undefined.
  function positionAt(windowPosition) {
    if (scene.pickPositionSupported) {
      const p = scene.pickPosition(windowPosition);
      if (Cesium.defined(p)) return p;
    }
    return viewer.camera.pickEllipsoid(windowPosition, scene.globe.ellipsoid);
  }

  function measureClick(windowPosition) {
    const p = positionAt(windowPosition);
    if (!Cesium.defined(p)) {
      measureResult.textContent = 'Nothing there: click on an element or the ground.';
      return;
    }
    measurePoints.push(p);
    if (measurePoints.length === 1) {
      measureResult.textContent = 'Click the second point.';
      return;
    }
    measureBetween(measurePoints[0], measurePoints[1]);
    measurePoints = [];
  }

  // Measures from a to b (Cartesian3, ECEF), draws the line and says the result; returns {distance, horizontal,
  // vertical} in metres (vertical signed: b above a is positive).
  function measureBetween(a, b) {
    const toEnu = Cesium.Matrix4.inverseTransformation(Cesium.Transforms.eastNorthUpToFixedFrame(a), new Cesium.Matrix4());
    const d = Cesium.Matrix4.multiplyByPoint(toEnu, b, new Cesium.Cartesian3());
    const m = {
      distance: Cesium.Cartesian3.distance(a, b),
      horizontal: Math.hypot(d.x, d.y),
      vertical: d.z,
    };
    state.measurement = m;
    for (const e of measureEntities.splice(0)) viewer.entities.remove(e);
    const mid = Cesium.Cartesian3.midpoint(a, b, new Cesium.Cartesian3());
    const text = `${m.distance.toFixed(2)} m (horizontal ${m.horizontal.toFixed(2)} m, vertical ` +
      `${m.vertical >= 0 ? '+' : ''}${m.vertical.toFixed(2)} m)`;
    measureEntities.push(viewer.entities.add({
      polyline: { positions: [a, b], width: 3, material: HIGHLIGHT, depthFailMaterial: HIGHLIGHT.withAlpha(0.5) },
    }));
    for (const p of [a, b])
      measureEntities.push(viewer.entities.add({
        position: p,
        point: { pixelSize: 8, color: HIGHLIGHT, disableDepthTestDistance: Number.POSITIVE_INFINITY },
      }));
    measureEntities.push(viewer.entities.add({
      position: mid,
      label: { text, font: '14px sans-serif', fillColor: Cesium.Color.WHITE, showBackground: true,
        disableDepthTestDistance: Number.POSITIVE_INFINITY, pixelOffset: new Cesium.Cartesian2(0, -14) },
    }));
    measureResult.textContent = text;
    return m;
  }

  // Shows the properties of a picked tile feature or GeoJSON marker and highlights a feature; null clears.
  function select(picked) {
    if (state.selected && state.selected.feature) {
      try {
        state.selected.feature.color = state.selected.color;
      } catch (e) {
        // its tile was unloaded meanwhile: nothing to restore
      }
    }
    if (outline) outline.selected = [];
    state.selected = null;
    propertyBody.replaceChildren();
    if (picked instanceof Cesium.Cesium3DTileFeature) {
      const properties = {};
      const schema = schemaProperties(picked);
      for (const id of picked.getPropertyIds()) properties[id] = typedValue(picked.getProperty(id), schema[id]);
      const labels = propertyLabels(picked, schema);
      state.selected = { feature: picked, color: Cesium.Color.clone(picked.color), properties, labels };
      highlight(picked);
      const layer = state.layers.find((l) => l.tileset === picked.tileset);
      showProperties(`${properties.name || properties.guid || 'element'} (${layer ? layer.name : 'tiles'})`,
        properties, labels);
    } else if (picked && picked.id instanceof Cesium.Entity) {
      const entity = picked.id;
      const properties = {};
      if (entity.properties)
        for (const id of entity.properties.propertyNames) properties[id] = entity.properties[id].getValue();
      state.selected = { entity, properties };
      showProperties(entity.name || 'point', properties);
    } else {
      pickedTitle.textContent = 'Click an element.';
    }
    return state.selected ? state.selected.properties : null;
  }

  function highlight(feature) {
    feature.color = HIGHLIGHT.withAlpha(isGround(feature) ? groundOpacity : 1.0);
    if (outline) outline.selected = [feature];
  }

  // The identity first (guid, class, name, storey), then the properties with a value, then the empty ones (columns
  // of the tile's property table that other elements fill).
  function showProperties(title, properties, labels = {}) {
    pickedTitle.textContent = title;
    const first = ['guid', 'class', 'name', 'storey'].filter((k) => k in properties);
    const rest = Object.keys(properties).filter((k) => !first.includes(k));
    const filled = rest.filter((k) => !isEmpty(properties[k]));
    const empty = rest.filter((k) => isEmpty(properties[k]));
    for (const key of [...first, ...filled, ...empty]) {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      const value = document.createElement('td');
      name.textContent = labels[key] || key;
      if (labels[key] && labels[key] !== key) name.title = key; // the property id, for styling expressions
      showValue(value, properties[key]);
      if (isEmpty(properties[key])) row.className = 'empty'; // a property of other elements in the same table
      row.append(name, value);
      propertyBody.append(row);
    }
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === '';
  }

  // A value as its type: a boolean as a check box, a real rounded to 10 significant digits (5.6, not
  // 5.6000000000000005: no survey or model unit means more; the full value in the tooltip), text and integers as
  // they are.
  function showValue(cell, value) {
    if (typeof value === 'boolean') {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = value;
      box.disabled = true;
      box.setAttribute('aria-label', String(value));
      cell.className = 'boolean';
      cell.append(box, value ? ' yes' : ' no');
      cell.title = String(value);
      return;
    }
    if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) {
      cell.className = 'number';
      cell.textContent = String(Number(value.toPrecision(10)));
      cell.title = String(value);
      return;
    }
    if (typeof value === 'number' || typeof value === 'bigint') cell.className = 'number';
    cell.textContent = format(value);
  }

  // The tile's metadata schema: property id -> its class property ({name, type, enumType, ...}). CesiumJS has no
  // public accessor for a glTF's metadata schema, so this reads the model's structural metadata ({} when it cannot).
  function schemaProperties(feature) {
    const out = {};
    try {
      for (const cls of Object.values(feature.content._model.structuralMetadata.schema.classes))
        for (const [id, property] of Object.entries(cls.properties || {})) out[id] = property;
    } catch (e) {
      // no schema to read: ids and values as CesiumJS gives them
    }
    return out;
  }

  // A value as its attribute's type: the tiler writes a boolean that some elements of a tile lack as the enum
  // Boolean (false, true, unknown), which CesiumJS returns as its name.
  function typedValue(value, property) {
    if (property && property.type === 'ENUM' && (property.enumType === 'Boolean' || property.enumType?.id === 'Boolean')) {
      if (value === 'true') return true;
      if (value === 'false') return false;
      if (value === 'unknown') return null;
    }
    return value;
  }

  // Property id -> the attribute's own name ("材质" for u6750_u8d28, "Pset_WallCommon.IsExternal" for
  // Pset_WallCommon_IsExternal): the schema keeps the name, property ids may only hold [A-Za-z0-9_]. The identity
  // columns keep their ids; without a schema, the "uXXXX" characters of the ids are decoded.
  function propertyLabels(feature, schema) {
    const labels = {};
    const identity = ['guid', 'class', 'name', 'storey', 'elementId'];
    for (const id of feature.getPropertyIds()) {
      if (identity.includes(id)) continue;
      labels[id] = (schema[id] && schema[id].name) || decodeId(id);
    }
    return labels;
  }

  function decodeId(id) {
    return id.replace(/(^|_)u([0-9a-f]{4,5})(?=_|$)/g, (m, sep, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/_(?=\p{Script=Han})/gu, '');
  }

  function format(value) {
    if (value === undefined || value === null) return '';
    // Arrays and vectors; INT64/UINT64 metadata values arrive as BigInt, which JSON cannot write.
    if (typeof value === 'object') return JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
    return String(value);
  }

  function fail(message) {
    state.errors.push(message);
    console.error(`cim viewer: ${message}`);
    setStatus(message, true);
  }

  function setStatus(text, isError = false) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', isError);
  }

  function withSlash(url) {
    return url.endsWith('/') ? url : `${url}/`;
  }

  function numberParam(name, fallback) {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) ? value : fallback;
  }
})();
