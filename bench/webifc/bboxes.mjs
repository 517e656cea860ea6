// Per-product bounding boxes of an IFC model computed with web-ifc: the comparison oracle for libcim's reader.
//
//   node bboxes.mjs MODEL.ifc [--out FILE.jsonl]
//
// Prints one JSON object per product that web-ifc draws (stdout, or FILE.jsonl with --out):
//   {"guid": ..., "class": "IfcWall", "triangles": N, "bbox": {"min": [x, y, z], "max": [x, y, z]}}
// in metres, Z up, in the model's engineering frame (all IfcLocalPlacement chains applied, no IfcMapConversion).
// A one-line JSON summary goes to stderr: {"file", "schema", "metresPerUnit", "products", "triangles", "seconds",
// "peakRssMB"}, seconds being the wall time of opening the model and streaming its meshes.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import WebIFC from 'web-ifc';

let file = null;
let outFile = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') outFile = args[++i];
  else if (file === null) file = args[i];
  else file = undefined;
}
if (!file || outFile === undefined) {
  console.error('usage: node bboxes.mjs MODEL.ifc [--out FILE.jsonl]');
  process.exit(2);
}

// web-ifc and its wasm runtime print diagnostics with console.log; keep stdout for the JSON lines only.
console.log = console.error;

const api = new WebIFC.IfcAPI();
await api.Init();
const data = new Uint8Array(readFileSync(file));

const started = performance.now();
const modelID = api.OpenModel(data); // default settings: COORDINATE_TO_ORIGIN is off
if (modelID < 0) {
  console.error(`web-ifc could not open ${file}`);
  process.exit(1);
}

// Length unit of the (first) IfcProject, in metres. web-ifc can scale to metres itself, but it silently does not when a
// file has more than one IfcProject (bench/make_replicated_ifc.py makes such files: it logs "unexpected empty ifc
// project" and keeps file units), so the geometry is streamed in file units and scaled here.
const SI_PREFIX = {
  EXA: 1e18, PETA: 1e15, TERA: 1e12, GIGA: 1e9, MEGA: 1e6, KILO: 1e3, HECTO: 1e2, DECA: 1e1,
  DECI: 1e-1, CENTI: 1e-2, MILLI: 1e-3, MICRO: 1e-6, NANO: 1e-9, PICO: 1e-12, FEMTO: 1e-15, ATTO: 1e-18,
};
function metresPerUnit(unit) {
  if (unit.type === WebIFC.IFCSIUNIT) return unit.Prefix ? SI_PREFIX[unit.Prefix.value] : 1;
  if (!unit.ConversionFactor) throw new Error(`unsupported length unit #${unit.expressID}`);
  const measure = api.GetLine(modelID, unit.ConversionFactor.value); // IfcConversionBasedUnit: e.g. FOOT = 0.3048 METRE
  return Number(measure.ValueComponent.value) * metresPerUnit(api.GetLine(modelID, measure.UnitComponent.value));
}
function lengthUnit() {
  const projects = api.GetLineIDsWithType(modelID, WebIFC.IFCPROJECT);
  const units = projects.size() ? api.GetLine(modelID, projects.get(0)).UnitsInContext : null;
  for (const ref of units ? api.GetLine(modelID, units.value).Units : []) {
    const unit = api.GetLine(modelID, ref.value);
    if (unit.UnitType?.value === 'LENGTHUNIT') return metresPerUnit(unit);
  }
  console.error('no length unit in the IfcProject: taking metres');
  return 1;
}
const scale = lengthUnit();

// expressID -> {triangles, min, max}. A product normally arrives once; merge in case it arrives more often.
const products = new Map();

// web-ifc's flatTransformation = (Z-up to Y-up rotation) * (placement) * (item transform), column-major, in file
// units. Its rotation maps (x, y, z)_zup to (x, z, -y)_yup; undoing it gives (x, -z, y) for a Y-up point.
function addGeometry(box, placed) {
  const geometry = api.GetGeometry(modelID, placed.geometryExpressID);
  const vertices = api.GetVertexArray(geometry.GetVertexData(), geometry.GetVertexDataSize());
  const indices = api.GetIndexArray(geometry.GetIndexData(), geometry.GetIndexDataSize());
  const m = placed.flatTransformation;
  for (const index of indices) { // only vertices that triangles use; stride is 6 floats (position, normal)
    const x = vertices[6 * index], y = vertices[6 * index + 1], z = vertices[6 * index + 2];
    const yupX = m[0] * x + m[4] * y + m[8] * z + m[12];
    const yupY = m[1] * x + m[5] * y + m[9] * z + m[13];
    const yupZ = m[2] * x + m[6] * y + m[10] * z + m[14];
    const p = [scale * yupX, -scale * yupZ, scale * yupY];
    for (let k = 0; k < 3; k++) {
      if (p[k] < box.min[k]) box.min[k] = p[k];
      if (p[k] > box.max[k]) box.max[k] = p[k];
    }
  }
  box.triangles += indices.length / 3;
  geometry.delete();
}

// The third argument, applyLinearScalingFactor = false, keeps web-ifc's output in file units (see lengthUnit above).
api.StreamAllMeshes(modelID, (mesh) => {
  let box = products.get(mesh.expressID);
  if (!box) {
    box = { triangles: 0, min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
    products.set(mesh.expressID, box);
  }
  const placedGeometries = mesh.geometries;
  for (let i = 0; i < placedGeometries.size(); i++) addGeometry(box, placedGeometries.get(i));
  placedGeometries.delete();
}, false);
const seconds = (performance.now() - started) / 1000;

const lines = [];
let totalTriangles = 0;
for (const [expressID, box] of products) {
  if (box.triangles === 0) continue;
  const line = api.GetLine(modelID, expressID);
  lines.push(JSON.stringify({
    guid: line.GlobalId?.value ?? null,
    class: api.GetNameFromTypeCode(api.GetLineType(modelID, expressID)),
    triangles: box.triangles,
    bbox: { min: box.min, max: box.max },
  }));
  totalTriangles += box.triangles;
}
const text = lines.length ? lines.join('\n') + '\n' : '';
if (outFile) writeFileSync(outFile, text);
else process.stdout.write(text);

const schema = api.GetModelSchema(modelID);
api.CloseModel(modelID);
console.error(JSON.stringify({
  file: basename(file),
  schema,
  metresPerUnit: scale,
  products: lines.length,
  triangles: totalTriangles,
  seconds: Number(seconds.toFixed(3)),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
