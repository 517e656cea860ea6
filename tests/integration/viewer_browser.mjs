// viewer.browser: samples/viewer in Debian's Chromium (headless, WebGL2 in software) driven by playwright-core.
// Tiles the bundled Hangzhou sample with `cim tiles`, serves it with `cim view --port 0`, waits until every tileset is
// loaded, checks that no console error, failed request or request off 127.0.0.1 happened, saves a screenshot and
// checks that its centre shows the model, then clicks the south wall of the pump station and checks the picked
// feature's GUID, the properties panel (typed values), the highlight on a lit and a shaded wall (screenshots), the
// hidden IfcSpace volume and its toggle, the GeoJSON layers' labels, the absence of the Cesium ion credit, and the
// measure tool against the IFC's own coordinates; clicks the roof of a footprint building whose house-safety
// register row was joined (`--join building_register.csv`) and checks the panel shows the joined 检查状态.
//
// node viewer_browser.mjs --cim BUILD/bin/cim --source SOURCE_DIR --work WORK_DIR
// Exits 0 when every check passed, 1 with a message naming the failed check otherwise (also when Chromium or the
// Node packages are missing: CI installs them with scripts/setup.sh).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';

const started = Date.now();
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), [])
);
for (const name of ['cim', 'source', 'work'])
  if (!args[name]) fail(`usage: node viewer_browser.mjs --cim CIM --source SOURCE_DIR --work WORK_DIR (no --${name})`);

const CHROMIUM = process.env.CIM_CHROMIUM || '/usr/bin/chromium';
const LOAD_TIMEOUT_MS = 90_000;
const CRS = 'EPSG:4549+5737';
const source = path.resolve(args.source);
const sample = path.join(source, 'data', 'hangzhou');
const work = path.resolve(args.work);
const tilesDir = path.join(work, 'hangzhou_tiles');

function fail(message) {
  console.error(`viewer.browser: FAILED: ${message}`);
  process.exit(1);
}
function note(message) {
  console.log(`viewer.browser: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

// --- what the test needs ----------------------------------------------------------------------------------------
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: install Debian's chromium with 'bash scripts/setup.sh'`);
const requireTooling = createRequire(path.join(source, 'scripts', 'node', 'package.json'));
let chromium;
try {
  ({ chromium } = requireTooling('playwright-core'));
  requireTooling.resolve('cesium/package.json');
} catch (e) {
  fail(`Node tooling missing in scripts/node/node_modules (${e.message.split('\n')[0]}): run 'bash scripts/setup.sh'`);
}

// --- the element to click: the pump station's south wall ---------------------------------------------------------
// Its GUID as the IFC file states it and as `cim info --elements` reports it.
const ifcText = fs.readFileSync(path.join(sample, 'pump_station.ifc'), 'utf8');
const ifcMatch = ifcText.match(/IFCWALL\('([^']+)',\$,'Wall South'/);
if (!ifcMatch) fail('no IFCWALL named "Wall South" in pump_station.ifc');
// `cim info --elements --json` prints one JSON object per element and line, its bbox in the IFC's engineering frame.
// (Without --crs: with it, the boxes would be in that CRS.)
const infoLines = execFileSync(args.cim, ['info', '--elements', '--json', path.join(sample, 'pump_station.ifc')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
})
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));
const southWall = infoLines.find((e) => e.name === 'Wall South');
if (!southWall) fail('cim info --elements lists no element named "Wall South"');
if (southWall.guid !== ifcMatch[1]) fail(`cim info gives the south wall GUID ${southWall.guid}, the IFC ${ifcMatch[1]}`);
const expectedGuid = southWall.guid;

// Its centre: the middle of its engineering-frame box (the IFC's 16 m × 0.3 m rectangle centred at (8, 0.15),
// extruded 4.5 m, #26-#31), placed by the IFC's IfcMapConversion (data/hangzhou/expected.json):
// E = E0 + a·x − b·y, N = N0 + b·x + a·y, H = H0 + z with (a, b) the x axis abscissa and ordinate.
const local = [0, 1, 2].map((i) => (southWall.bbox.min[i] + southWall.bbox.max[i]) / 2);
if (Math.abs(local[0] - 8) > 0.01 || Math.abs(local[1] - 0.15) > 0.01 || Math.abs(local[2] - 2.25) > 0.01)
  fail(`the south wall's box centre is ${local}, the IFC says (8, 0.15, 2.25)`);
const expected = JSON.parse(fs.readFileSync(path.join(sample, 'expected.json'), 'utf8'));
const mc = expected.pump_station.map_conversion;
const easting = mc.eastings + mc.x_axis_abscissa * local[0] - mc.x_axis_ordinate * local[1];
const northing = mc.northings + mc.x_axis_ordinate * local[0] + mc.x_axis_abscissa * local[1];
const height = mc.orthogonal_height + local[2];
// To WGS84 longitude, latitude, ellipsoidal height with PROJ's cs2cs (EPSG:4549 takes northing first; EPSG:4979
// gives latitude first).
function toWgs84(n, e, height) {
  const out = execFileSync('cs2cs', ['-f', '%.10f', CRS, 'EPSG:4979'], {
    input: `${n} ${e} ${height}\n`,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'ignore'],
  })
    .trim()
    .split(/\s+/)
    .map(Number);
  return [out[1], out[0], out[2]];
}
const [lon, lat, h] = toWgs84(northing, easting, height);
if (!(Math.abs(lat - 30.25) < 0.01 && Math.abs(lon - 120.16) < 0.01))
  fail(`cs2cs placed the south wall at ${lat}, ${lon}: not near 30.25 N 120.16 E`);
note(`south wall ${expectedGuid}: centre E ${easting.toFixed(3)} N ${northing.toFixed(3)} H ${height.toFixed(2)} -> ` +
  `${lon.toFixed(8)}, ${lat.toFixed(8)}, ${h.toFixed(2)} m`);

// An underground element: the gas main RQ2 -> RQ3 (PE dn250, its top 1.20 m below the ground at both points, see
// data/hangzhou/README.md). Its centre line midway: the points' mean position, ground height minus depth minus the
// 0.125 m outer radius. pipe_points.csv columns: id, type, X (northing), Y (easting), ground height, depth, ...
const pipePoints = Object.fromEntries(
  fs.readFileSync(path.join(sample, 'pipe_points.csv'), 'utf8').split('\n').slice(1).filter((l) => l.trim())
    .map((l) => l.split(',')).map((c) => [c[0], { n: Number(c[2]), e: Number(c[3]), ground: Number(c[4]), depth: Number(c[5]) }])
);
const [rq2, rq3] = [pipePoints.RQ2, pipePoints.RQ3];
if (!rq2 || !rq3) fail('pipe_points.csv has no RQ2 or RQ3');
const gasCentre = toWgs84((rq2.n + rq3.n) / 2, (rq2.e + rq3.e) / 2,
  (rq2.ground - rq2.depth + rq3.ground - rq3.depth) / 2 - 0.125);
note(`gas main RQ2-RQ3 midway: ${gasCentre.map((v) => v.toFixed(8)).join(', ')}`);

// --- tile the sample, and a GeoJSON point on the wall -------------------------------------------------------------
fs.mkdirSync(work, { recursive: true });
// The pump station with its hall as an IfcSpace (15.4 × 9.4 × 4.2 m inside the walls): the viewer hides it unless
// asked, so the roof and walls it encloses stay clickable.
const SPACE_GUID = '3Zu5Bv0LOHrPC10026FoQQ';
const withSpace = path.join(work, 'pump_station_with_space.ifc');
fs.writeFileSync(withSpace, ifcText.replace(/ENDSEC;\s*END-ISO-10303-21;\s*$/, [
  '#9001=IFCCARTESIANPOINT((8.,5.));',
  '#9002=IFCAXIS2PLACEMENT2D(#9001,$);',
  '#9003=IFCRECTANGLEPROFILEDEF(.AREA.,$,#9002,15.4,9.4);',
  '#9004=IFCEXTRUDEDAREASOLID(#9003,#30,#2,4.2);',
  '#9005=IFCSHAPEREPRESENTATION(#7,\'Body\',\'SweptSolid\',(#9004));',
  '#9006=IFCPRODUCTDEFINITIONSHAPE($,$,(#9005));',
  '#9007=IFCLOCALPLACEMENT(#18,#4);',
  `#9008=IFCSPACE('${SPACE_GUID}',$,'Pump hall',$,$,#9007,#9006,'Pump hall',.ELEMENT.,.INTERNAL.,$);`,
  "#9009=IFCRELAGGREGATES('1Zu5Bv0LOHrPC10026FoQR',$,$,$,#21,(#9008));",
  'ENDSEC;', 'END-ISO-10303-21;', ''].join('\n')));
if (!fs.readFileSync(withSpace, 'utf8').includes(SPACE_GUID)) fail('could not add the IfcSpace to the pump station');
execFileSync(args.cim, ['tiles', withSpace, path.join(sample, 'dem.tif'),
  path.join(sample, 'pipe_lines.csv'), path.join(sample, 'site_features.geojson'),
  path.join(sample, 'buildings_footprints.geojson'), '--join', path.join(sample, 'building_register.csv'),
  '--on', 'guid=建筑编号', '--crs', CRS, '-o', tilesDir, '--overwrite'], { stdio: ['ignore', 'pipe', 'inherit'] });
// The old dormitory HZ-B-004 (built 1986, register: C级 局部危险): its roof centre, from expected.json and its
// footprint (E 515 300-515 340, N 3 347 790-3 347 812).
const dormitory = expected.buildings.footprints.prisms['HZ-B-004'];
const dormitoryRoof = toWgs84(3347801, 515320, dormitory.top);
const dormitoryStatus = expected.buildings.register.joined['HZ-B-004']['检查状态'];
const index = JSON.parse(fs.readFileSync(path.join(tilesDir, 'index.json'), 'utf8'));
note(`tiled the sample: ${index.tilesets.map((t) => `${t.name} (${t.elements})`).join(', ')}`);
const markerFile = path.join(work, 'marker.geojson');
// In the survey CRS, as clash and excavation reports of this bureau will be: cim view serves it in WGS 84, so the
// marker shows where cs2cs puts the point (the click below finds it there).
fs.writeFileSync(markerFile, JSON.stringify({
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737' } },
  features: [{ type: 'Feature', properties: { name: 'check point', note: '8 m above the south wall centre' },
    geometry: { type: 'Point', coordinates: [easting, northing, height + 8] } }],
}));

// The excavation check's report: the pit JK-01 inside the gas main's protection zone (two results, RQ3-RQ4 and
// RQ4-RQ5). cim view --report draws its results as markers; one is clicked below.
const pitsReport = path.join(work, 'pits.json');
execFileSync(args.cim, ['check', 'excavation', path.join(sample, 'pump_station.ifc'), path.join(sample, 'dem.tif'),
  path.join(sample, 'pipe_lines.csv'), path.join(sample, 'site_features.geojson'), '--crs', CRS, '-o', pitsReport],
{ stdio: ['ignore', 'pipe', 'inherit'] });
const pitResults = JSON.parse(fs.readFileSync(pitsReport, 'utf8')).results;
if (pitResults.length !== 2) fail(`the excavation report holds ${pitResults.length} results, not 2`);
const firstPit = pitResults[0];
// Where the viewer must put its marker: the result's point in WGS 84, as cs2cs puts it.
const pitMarker = toWgs84(firstPit.point[1], firstPit.point[0], firstPit.point[2]);
note(`excavation report: ${firstPit.id} (${firstPit.a.name} – ${firstPit.b.name}) at ${pitMarker.map((v) => v.toFixed(8)).join(', ')}`);

// --- serve it ---------------------------------------------------------------------------------------------------
const server = spawn(args.cim, ['view', tilesDir, '--port', '0', '--geojson', markerFile, '--geojson',
  path.join(sample, 'site_features.geojson'), '--report', pitsReport], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverOut = '';
let serverErr = '';
server.stderr.on('data', (d) => (serverErr += d));
const url = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(null), 15_000);
  server.stdout.on('data', (d) => {
    serverOut += d;
    const m = serverOut.match(/open (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  server.on('exit', () => resolve(null));
});
if (!url) fail(`cim view printed no URL:\n${serverOut}\n${serverErr}`);
note(`cim view serves ${url}`);

let context;
let profile;
const problems = [];
const consoleErrors = [];
const failedRequests = [];
const offsiteRequests = [];
const ionRequests = [];
try {
  await runBrowser();
} catch (e) {
  problems.push(e.message);
  // What the page said may explain it.
  if (consoleErrors.length) problems.push(`console errors:\n    ${consoleErrors.join('\n    ')}`);
  if (failedRequests.length) problems.push(`failed requests:\n    ${failedRequests.join('\n    ')}`);
} finally {
  if (context) await context.close().catch(() => {});
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  await stopServer();
}
if (problems.length) fail(problems.join('\n  '));
note('all checks passed');
process.exit(0);

async function stopServer() {
  if (server.exitCode !== null) {
    problems.push(`cim view ended early (exit ${server.exitCode}): ${serverErr}`);
    return;
  }
  const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  server.kill('SIGINT');
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5000));
  const result = await Promise.race([exited, timeout]);
  if (!result) {
    server.kill('SIGKILL');
    problems.push('cim view did not stop within 5 s of SIGINT');
  } else if (result.code !== 0) {
    problems.push(`cim view exited with ${result.code ?? result.signal} on SIGINT`);
  }
}

async function runBrowser() {
  profile = fs.mkdtempSync(path.join(work, 'chromium-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const page = context.pages()[0] || (await context.newPage());
  let requests = 0;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    requests++;
    if (/ion-credit|ion\.cesium\.com/.test(r.url())) ionRequests.push(r.url());
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.hostname !== '127.0.0.1') offsiteRequests.push(r.url());
  });
  page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
  });

  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  const webgl = await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2'));
  if (!webgl) throw new Error('no WebGL2 in this Chromium (swiftshader)');
  if (!(await page.evaluate(() => !!window.cimViewer))) throw new Error('the viewer did not start (no window.cimViewer)');
  const loaded = await page.evaluate(
    (timeout) =>
      Promise.race([
        window.cimViewer.ready.then((ms) => ({ ms })),
        new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), timeout)),
      ]).catch((e) => ({ error: String(e && e.message ? e.message : e) })),
    LOAD_TIMEOUT_MS
  );
  if (loaded.timeout) throw new Error(`the tilesets were not loaded within ${LOAD_TIMEOUT_MS / 1000} s`);
  if (loaded.error) throw new Error(`the viewer failed to load: ${loaded.error}`);
  const loadSeconds = (Date.now() - t0) / 1000;
  note(`page loaded in ${loadSeconds.toFixed(1)} s (viewer: ${(loaded.ms / 1000).toFixed(1)} s), ${requests} requests`);

  const layers = await page.evaluate(() =>
    window.cimViewer.layers.map((l) => ({
      name: l.name,
      kind: l.kind,
      count: l.kind === 'tiles' ? l.entry.elements : l.dataSource.entities.values.length,
    }))
  );
  const tileLayers = layers.filter((l) => l.kind === 'tiles');
  if (tileLayers.length !== index.tilesets.length)
    throw new Error(`the viewer shows ${tileLayers.length} tilesets, index.json lists ${index.tilesets.length}`);
  const points = layers.find((l) => l.kind === 'geojson' && l.name === 'marker.geojson');
  if (!points || points.count !== 1) throw new Error(`the GeoJSON marker layer is missing: ${JSON.stringify(layers)}`);
  const reportLayer = layers.find((l) => l.kind === 'geojson' && l.name === 'pits.geojson');
  // Per result a point and a line between the closest points (the pit's and the pipe's walls).
  if (!reportLayer || reportLayer.count !== 4) throw new Error(`the report's marker layer is missing: ${JSON.stringify(layers)}`);

  // Screenshot of the whole scene; its centre must show the model: compared with the same view with every layer
  // hidden (globe and background only), most centre pixels must differ, and they must not be the background colour.
  const shot = path.join(work, 'viewer.png');
  const withModel = decodePng(await page.screenshot({ path: shot }));
  await page.evaluate(() => {
    for (const l of window.cimViewer.layers) (l.tileset || l.dataSource).show = false;
  });
  await nextFrames(page, 5);
  const empty = decodePng(await page.screenshot({ path: path.join(work, 'viewer_empty.png') }));
  await page.evaluate(() => {
    for (const l of window.cimViewer.layers) (l.tileset || l.dataSource).show = true;
  });
  const background = await page.evaluate(() => {
    const c = window.cimViewer.viewer.scene.backgroundColor;
    return [c.red, c.green, c.blue].map((v) => Math.round(v * 255));
  });
  const centre = compareCentre(withModel, empty, background, 80);
  note(`screenshot ${shot}: ${(centre.changed * 100).toFixed(0)}% of the centre 80×80 px differ from the empty ` +
    `scene, ${(centre.background * 100).toFixed(0)}% are the background colour`);
  if (centre.changed < 0.5) throw new Error(`the screenshot's centre does not show the model (${JSON.stringify(centre)})`);
  if (centre.background > 0.05) throw new Error(`the screenshot's centre is the background colour (${JSON.stringify(centre)})`);

  // Look at the south wall from the south-south-east (its outward side), well above the ground, and click its centre.
  // The wall's outward normal points to bearing 180° − atan(0.28/0.96): the camera looks the opposite way.
  await lookAt(page, [lon, lat, h], -Math.atan2(0.28, 0.96) * (180 / Math.PI), -20, 35);
  const screen = await windowPosition(page, [lon, lat, h]);
  if (!screen) throw new Error('the south wall centre is not on screen');
  await page.mouse.click(screen.x, screen.y);
  await nextFrames(page, 3);
  await page.screenshot({ path: path.join(work, 'viewer_picked.png') });
  const picked = await page.evaluate(() => {
    const s = window.cimViewer.selected;
    if (!s || !s.feature) return null;
    const c = s.feature.color;
    return { properties: s.properties, highlighted: c.red === 1 && c.green === 1 && c.blue === 0 };
  });
  if (!picked) throw new Error(`clicking (${screen.x.toFixed(0)}, ${screen.y.toFixed(0)}) picked no tile feature`);
  note(`clicked (${screen.x.toFixed(0)}, ${screen.y.toFixed(0)}): picked ${picked.properties.guid} ` +
    `(${picked.properties.name}, ${Object.keys(picked.properties).length} properties)`);
  if (picked.properties.guid !== expectedGuid)
    throw new Error(`picked GUID ${picked.properties.guid} (${picked.properties.name}), expected ${expectedGuid} (Wall South)`);
  if (!picked.highlighted) throw new Error('the picked feature is not highlighted');
  const litPixel = averagePixel(decodePng(fs.readFileSync(path.join(work, 'viewer_picked.png'))), screen.x, screen.y, 3);
  note(`highlight on the lit south wall: RGB ${litPixel.map((v) => v.toFixed(0)).join(', ')}`);
  if (!isHighlightColour(litPixel)) throw new Error(`the picked south wall does not show yellow: RGB ${litPixel}`);
  const panel = await page.evaluate(() => ({
    title: document.getElementById('picked-title').textContent,
    rows: [...document.querySelectorAll('#properties tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
  }));
  const guidRow = panel.rows.find((r) => r[0] === 'guid');
  if (!guidRow || guidRow[1] !== expectedGuid)
    throw new Error(`the properties panel does not show guid ${expectedGuid}: ${show(panel)}`);
  if (panel.rows.length !== Object.keys(picked.properties).length)
    throw new Error(`the panel lists ${panel.rows.length} properties, the feature has ${Object.keys(picked.properties).length}`);
  if (!panel.title.includes('Wall South')) throw new Error(`the panel title is "${panel.title}"`);
  // Values as their type: IsExternal is an IFCBOOLEAN(.T.): a ticked check box, not the text "true".
  const isExternal = await page.evaluate(() => {
    const row = [...document.querySelectorAll('#properties tr')].find((tr) => tr.cells[0].textContent === 'Pset_WallCommon.IsExternal');
    const box = row && row.cells[1].querySelector('input[type=checkbox]');
    return box ? { checked: box.checked, disabled: box.disabled } : null;
  });
  if (!isExternal || !isExternal.checked || !isExternal.disabled)
    throw new Error(`Pset_WallCommon.IsExternal is not shown as a ticked check box: ${show(isExternal)} in ${show(panel.rows)} (${show(picked.properties)})`);
  const real = await page.evaluate(() => {
    const td = document.createElement('td');
    window.cimViewer.showValue(td, 5.6000000000000005);
    return { text: td.textContent, title: td.title };
  });
  if (real.text !== '5.6' || real.title !== '5.6000000000000005')
    throw new Error(`a real shows as ${show(real)}, not 5.6 with the full value in the tooltip`);

  // The hall's IfcSpace is hidden: nothing at the station's centre is the space until the Spaces toggle is on.
  const hallCentre = localToWgs84([8, 5, 2.1]);
  await lookAt(page, hallCentre, 0, -89, 40);
  const hall = await windowPosition(page, hallCentre);
  const classesAt = () => page.evaluate(({ x, y }) => window.cimViewer.viewer.scene.drillPick(new Cesium.Cartesian2(x, y), 10)
    .filter((p) => p instanceof Cesium.Cesium3DTileFeature).map((p) => p.getProperty('class')), hall);
  const hidden = await classesAt();
  if (hidden.includes('IfcSpace')) throw new Error(`the IfcSpace is drawn by default: ${show(hidden)}`);
  await page.click('#show-spaces');
  await nextFrames(page, 5);
  const shown = await classesAt();
  if (!shown.includes('IfcSpace')) throw new Error(`the Spaces toggle does not show the IfcSpace: ${show(shown)}`);
  await page.click('#show-spaces');
  await nextFrames(page, 5);
  note(`at the hall's centre: ${show(hidden)} by default, ${show(shown)} with the Spaces toggle`);

  // The highlight on a face turned away from the light: the north wall seen from the north.
  const northCentre = localToWgs84([8, 10, 2.25]);
  await lookAt(page, northCentre, 180 - Math.atan2(0.28, 0.96) * (180 / Math.PI), -15, 30);
  const north = await windowPosition(page, northCentre);
  const before = averagePixel(decodePng(await page.screenshot()), north.x, north.y, 3);
  await page.mouse.click(north.x, north.y);
  await nextFrames(page, 3);
  const northPicked = await page.evaluate(() => window.cimViewer.selected && window.cimViewer.selected.properties.name);
  if (northPicked !== 'Wall North') throw new Error(`clicking the north wall picked ${northPicked}`);
  const shadedPixel = averagePixel(decodePng(await page.screenshot({ path: path.join(work, 'viewer_shaded.png') })),
    north.x, north.y, 3);
  note(`highlight on the shaded north wall: RGB ${before.map((v) => v.toFixed(0)).join(', ')} -> ` +
    `${shadedPixel.map((v) => v.toFixed(0)).join(', ')}`);
  // Shaded, the yellow is darker than on the lit side, but it must still be yellow and clearly brighter than the
  // unpicked wall (a highlight multiplied into the brick colour would leave it as dark as before).
  if (!isYellow(shadedPixel) || Math.max(...shadedPixel) < 1.5 * Math.max(...before))
    throw new Error(`the picked north wall (shaded) does not stand out: RGB ${before} -> ${shadedPixel}`);

  // The measure tool: from the south wall's outer face at (4, 0, 1.5) to (12, 0, 3.5), IFC metres: 8 m apart
  // horizontally, 2 m vertically (the map conversion has scale 1; the grid's scale factor here is 1.000003).
  await lookAt(page, [lon, lat, h], -Math.atan2(0.28, 0.96) * (180 / Math.PI), -10, 30);
  await page.click('#measure');
  for (const local of [[4, 0, 1.5], [12, 0, 3.5]]) {
    const p = await windowPosition(page, localToWgs84(local));
    await page.mouse.click(p.x, p.y);
    await nextFrames(page, 2);
  }
  const measured = await page.evaluate(() => ({
    m: window.cimViewer.measurement,
    text: document.getElementById('measure-result').textContent,
  }));
  await page.screenshot({ path: path.join(work, 'viewer_measure.png') });
  note(`measured ${measured.text}`);
  if (!measured.m) throw new Error('the measure tool gave no measurement');
  const expectDistance = Math.hypot(8, 2);
  if (Math.abs(measured.m.horizontal - 8) > 0.05 || Math.abs(measured.m.vertical - 2) > 0.05 ||
    Math.abs(measured.m.distance - expectDistance) > 0.05)
    throw new Error(`measured ${show(measured)}, expected 8 m horizontal, 2 m vertical, ${expectDistance.toFixed(3)} m`);
  await page.click('#measure'); // leave the measure mode: clicks select again

  // The GeoJSON layers are labelled by what they hold.
  const labels = await page.evaluate(() => [...document.querySelectorAll('#layers li')].map((li) => li.textContent));
  const siteLabel = labels.find((l) => l.includes('site_features.geojson'));
  if (!siteLabel || !/\d+ points?/.test(siteLabel) || !/\d+ polygons?/.test(siteLabel))
    throw new Error(`the site features layer is labelled ${show(siteLabel)}: not by its points and polygons`);
  const markerLabel = labels.find((l) => l.includes('marker.geojson'));
  if (!markerLabel || !markerLabel.includes('(1 point)')) throw new Error(`the marker layer is labelled ${show(markerLabel)}`);
  note(`layer labels: ${labels.join(' | ')}`);

  // No Cesium ion logo or credit, and its image never requested.
  const ion = await page.evaluate(() => ({
    logos: document.querySelectorAll('.cesium-credit-logoContainer img, img[title="Cesium ion"]').length,
    text: document.querySelector('.cesium-widget-credits') ? document.querySelector('.cesium-widget-credits').textContent : '',
    skirts: window.cimViewer.viewer.scene.globe.showSkirts,
  }));
  if (ion.logos > 0 || /\bion\b/i.test(ion.text)) throw new Error(`the Cesium ion credit is shown: ${show(ion)}`);
  if (ionRequests.length) throw new Error(`the ion credit image was requested: ${ionRequests.join(', ')}`);
  if (ion.skirts) throw new Error('the globe draws tile skirts (seam arcs through the translucent ground)');

  // The GeoJSON marker above the wall: clicking it lists its properties.
  const marker = await windowPosition(page, [lon, lat, h + 8]);
  if (!marker) throw new Error('the GeoJSON marker is not on screen');
  await page.mouse.click(marker.x, marker.y);
  const markerPanel = await page.evaluate(() => ({
    selected: window.cimViewer.selected && window.cimViewer.selected.properties,
    title: document.getElementById('picked-title').textContent,
  }));
  if (!markerPanel.selected || markerPanel.selected.name !== 'check point')
    throw new Error(`clicking the GeoJSON marker selected ${show(markerPanel)}`);
  note(`clicked the GeoJSON marker: panel "${markerPanel.title}"`);

  // The excavation report's first result, under the ground beside the pit: its marker shows through the ground and
  // a click lists the result (type, the pit and the pipe, the distance to the pipe's outer wall, the zone).
  await lookAt(page, pitMarker, 0, -60, 30);
  const pitScreen = await windowPosition(page, pitMarker);
  if (!pitScreen) throw new Error('the excavation result marker is not on screen');
  await page.mouse.click(pitScreen.x, pitScreen.y);
  await nextFrames(page, 2);
  const pitPanel = await page.evaluate(() => ({
    selected: window.cimViewer.selected && window.cimViewer.selected.properties,
    title: document.getElementById('picked-title').textContent,
    rows: [...document.querySelectorAll('#properties tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
  }));
  const sel = pitPanel.selected;
  if (!sel || sel.id !== firstPit.id || sel.type !== 'protection-zone')
    throw new Error(`clicking the excavation result's marker selected ${show(pitPanel.selected)}`);
  if (sel.horizontal_m !== 0.3 || sel.a_name !== firstPit.a.name || sel.b_name !== firstPit.b.name)
    throw new Error(`the result's marker says ${show(sel)}`);
  if (!pitPanel.title.includes(firstPit.b.name)) throw new Error(`the result's panel title is "${pitPanel.title}"`);
  if (!pitPanel.rows.find((r) => r[0] === 'horizontal_m' && r[1] === '0.3'))
    throw new Error(`the panel does not show horizontal_m = 0.3: ${show(pitPanel.rows.slice(0, 30))}`);
  note(`clicked the excavation result marker: "${pitPanel.title}", horizontal ${sel.horizontal_m} m`);

  // The gas main under the road, seen from above through the translucent ground: the frontmost thing at its
  // centre is the terrain, and a click selects the pipe behind it.
  await lookAt(page, gasCentre, 0, -70, 25);
  const gasScreen = await windowPosition(page, gasCentre);
  if (!gasScreen) throw new Error('the gas main is not on screen');
  const front = await page.evaluate(({ x, y }) => {
    const p = window.cimViewer.viewer.scene.pick(new Cesium.Cartesian2(x, y));
    return p instanceof Cesium.Cesium3DTileFeature ? p.getProperty('class') : String(p);
  }, gasScreen);
  if (front !== 'terrain') throw new Error(`the gas main is not under the ground: the frontmost pick is ${front}`);
  await page.mouse.click(gasScreen.x, gasScreen.y);
  const gas = await page.evaluate(() => window.cimViewer.selected && window.cimViewer.selected.properties);
  if (!gas || gas.pipe_startPoint !== 'RQ2' || gas.pipe_endPoint !== 'RQ3')
    throw new Error(`clicking the gas main through the ground selected ${show(gas)}`);
  note(`clicked the gas main through the ground: ${gas.name} (${gas.pipe_typeCode}, ${gas.pipe_material})`);
  // The CJJ 61 fields show under their own (Chinese) names: 材质 (material) of RQ2-RQ3 is PE in pipe_lines.csv.
  const gasPanel = await page.evaluate(() =>
    [...document.querySelectorAll('#properties tr')].map((tr) => [...tr.cells].map((td) => td.textContent)));
  const materialRow = gasPanel.find((r) => r[0] === '材质');
  if (!materialRow || materialRow[1] !== 'PE')
    throw new Error(`the panel does not show 材质 = PE for the gas main: ${show(gasPanel.slice(0, 40))}`);
  if (!gasPanel.find((r) => r[0] === 'pipe.pressureClass' && r[1] === 'medium A'))
    throw new Error(`the panel does not show pipe.pressureClass = medium A: ${show(gasPanel.slice(0, 40))}`);
  await page.screenshot({ path: path.join(work, 'viewer_pipe.png') });

  // The footprint building HZ-B-004 seen from above: a click on its roof shows the register row joined onto it.
  await lookAt(page, dormitoryRoof, 0, -60, 60);
  const roof = await windowPosition(page, dormitoryRoof);
  if (!roof) throw new Error('the roof of HZ-B-004 is not on screen');
  await page.mouse.click(roof.x, roof.y);
  await nextFrames(page, 2);
  const house = await page.evaluate(() => ({
    selected: window.cimViewer.selected && window.cimViewer.selected.properties,
    rows: [...document.querySelectorAll('#properties tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
  }));
  if (!house.selected || house.selected.guid !== 'HZ-B-004')
    throw new Error(`clicking the roof of HZ-B-004 selected ${show(house.selected)}`);
  if (!house.rows.find((r) => r[0] === '检查状态' && r[1] === dormitoryStatus))
    throw new Error(`the panel does not show the joined 检查状态 = ${dormitoryStatus}: ${show(house.rows)}`);
  note(`clicked the roof of HZ-B-004: panel shows 检查状态 = ${dormitoryStatus} (joined from the register)`);
  await page.screenshot({ path: path.join(work, 'viewer_building.png') });

  if (consoleErrors.length) throw new Error(`console errors:\n    ${consoleErrors.join('\n    ')}`);
  if (failedRequests.length) throw new Error(`failed requests:\n    ${failedRequests.join('\n    ')}`);
  if (offsiteRequests.length) throw new Error(`requests leaving 127.0.0.1:\n    ${offsiteRequests.join('\n    ')}`);
  note(`no console errors, no failed requests, all ${requests} requests to 127.0.0.1`);
}

// A point in the pump station's engineering frame (IFC metres) in WGS 84, through its IfcMapConversion and cs2cs.
function localToWgs84([x, y, z]) {
  const e = mc.eastings + mc.x_axis_abscissa * x - mc.x_axis_ordinate * y;
  const n = mc.northings + mc.x_axis_ordinate * x + mc.x_axis_abscissa * y;
  return toWgs84(n, e, mc.orthogonal_height + z);
}

// The mean RGB of the (2r+1)² pixels around (x, y) of a decoded screenshot.
function averagePixel(png, x, y, r) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const p = png.pixel(Math.round(x) + dx, Math.round(y) + dy);
      for (let i = 0; i < 3; i++) sum[i] += p[i];
      n++;
    }
  return sum.map((v) => v / n);
}

// Yellow: red and green alike and well above blue.
function isYellow([r, g, b]) {
  return b < 0.3 * Math.min(r, g) && Math.abs(r - g) < 0.35 * Math.max(r, g);
}

// Yellow as the highlight draws it on a lit face: also bright.
function isHighlightColour(rgb) {
  return isYellow(rgb) && Math.min(rgb[0], rgb[1]) > 90;
}

// Points the camera at [lon, lat, h] from `range` metres, heading and pitch in degrees, and waits for the tiles.
async function lookAt(page, target, headingDegrees, pitchDegrees, range) {
  await page.evaluate(
    ({ target, headingDegrees, pitchDegrees, range }) => {
      const { viewer } = window.cimViewer;
      viewer.camera.lookAt(Cesium.Cartesian3.fromDegrees(...target), new Cesium.HeadingPitchRange(
        Cesium.Math.toRadians(headingDegrees), Cesium.Math.toRadians(pitchDegrees), range));
      viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);
    },
    { target, headingDegrees, pitchDegrees, range }
  );
  await page.evaluate(() => window.cimViewer.settled());
}

// The page position of [lon, lat, h], or null when it is not in view.
async function windowPosition(page, target) {
  return page.evaluate((target) => {
    const { viewer } = window.cimViewer;
    const p = Cesium.SceneTransforms.worldToWindowCoordinates(viewer.scene, Cesium.Cartesian3.fromDegrees(...target));
    const rect = viewer.scene.canvas.getBoundingClientRect();
    return p ? { x: rect.left + p.x, y: rect.top + p.y } : null;
  }, target);
}

// JSON for messages; INT64 metadata values arrive as BigInt.
function show(value) {
  return JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? String(v) : v));
}

async function nextFrames(page, n) {
  await page.evaluate(
    (n) =>
      new Promise((resolve) => {
        let left = n;
        const remove = window.cimViewer.viewer.scene.postRender.addEventListener(() => {
          if (--left <= 0) {
            remove();
            resolve();
          }
        });
      }),
    n
  );
}

// Fractions of the centre size×size pixels that differ from the empty scene (sum of |ΔRGB| > 30) and that equal
// the background colour (each channel within 3).
function compareCentre(a, b, background, size) {
  let changed = 0;
  let bg = 0;
  const x0 = Math.floor(a.width / 2 - size / 2);
  const y0 = Math.floor(a.height / 2 - size / 2);
  for (let y = y0; y < y0 + size; y++)
    for (let x = x0; x < x0 + size; x++) {
      const pa = a.pixel(x, y);
      const pb = b.pixel(x, y);
      if (Math.abs(pa[0] - pb[0]) + Math.abs(pa[1] - pb[1]) + Math.abs(pa[2] - pb[2]) > 30) changed++;
      if (pa.every((v, i) => i > 2 || Math.abs(v - background[i]) <= 3)) bg++;
    }
  return { changed: changed / (size * size), background: bg / (size * size) };
}

// A PNG of 8-bit RGB or RGBA, non-interlaced (what Chromium's screenshots are): { width, height, pixel(x, y) }.
function decodePng(buffer) {
  if (buffer.readUInt32BE(0) !== 0x89504e47) throw new Error('screenshot is not a PNG');
  let offset = 8;
  let width, height, colorType;
  const idat = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      colorType = data[9];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0)
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${data[12]})`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? pixels[y * stride + i - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += left;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + i] = v & 0xff;
    }
  }
  return { width, height, pixel: (x, y) => [...pixels.subarray((y * width + x) * channels, (y * width + x) * channels + 3)] };
}
