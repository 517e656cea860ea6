// Per-product bounding boxes of an IFC model computed with web-ifc: the comparison oracle for libcim's reader.
//
//   node bboxes.mjs MODEL.ifc [--out FILE.jsonl]
//
// Prints one JSON object per product that web-ifc draws (stdout, or FILE.jsonl with --out):
//   {"guid": ..., "class": "IfcWall", "triangles": N, "bbox": {"min": [x, y, z], "max": [x, y, z]}}
// in metres, Z up, in the model's engineering frame (all IfcLocalPlacement chains applied, no IfcMapConversion).
// A one-line JSON summary goes to stderr: {"file", "schema", "products", "triangles", "seconds", "peakRssMB"}.
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

// expressID -> {triangles, min, max}. A product normally arrives once; merge in case it arrives more often.
const products = new Map();

// web-ifc's flatTransformation = (Z-up to Y-up rotation) * (unit scale to metres) * (placement) * (item transform),
// column-major. Its rotation maps (x, y, z)_zup to (x, z, -y)_yup; undoing it gives (x, -z, y) for a Y-up point.
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
    const p = [yupX, -yupZ, yupY];
    for (let k = 0; k < 3; k++) {
      if (p[k] < box.min[k]) box.min[k] = p[k];
      if (p[k] > box.max[k]) box.max[k] = p[k];
    }
  }
  box.triangles += indices.length / 3;
  geometry.delete();
}

// The third argument asks web-ifc to scale by the file's length unit, so the output is in metres whatever the file
// uses (it is web-ifc's default too; passing it keeps the output in metres should that default ever change).
api.StreamAllMeshes(modelID, (mesh) => {
  let box = products.get(mesh.expressID);
  if (!box) {
    box = { triangles: 0, min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
    products.set(mesh.expressID, box);
  }
  const placedGeometries = mesh.geometries;
  for (let i = 0; i < placedGeometries.size(); i++) addGeometry(box, placedGeometries.get(i));
  placedGeometries.delete();
}, true);
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
  products: lines.length,
  triangles: totalTriangles,
  seconds: Number(seconds.toFixed(3)),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
