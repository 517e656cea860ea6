// Peer timing for bench/peers_replicated.sh: reads an IFC with ifc-lite's WebAssembly core exactly as its README's
// "Meshes (pre-pass + job batches)" section documents (default settings), counts the products it draws and their
// triangles, and prints one JSON line on stdout:
//   {"file", "products", "triangles", "seconds", "peakRssMB"}
// `seconds` covers the pre-pass plus every geometry batch (not Node/wasm start-up or reading the file), like web-ifc's
// OpenModel + streaming in ../webifc/bboxes.mjs; `peakRssMB` is the whole process's peak. ifc-lite's own progress
// messages go to stderr.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { IfcAPI, initSync } from '@ifc-lite/wasm';

const file = process.argv[2];
if (!file) {
  console.error('usage: node meshes.mjs MODEL.ifc');
  process.exit(2);
}
const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('@ifc-lite/wasm/ifc-lite_bg.wasm')) });
const bytes = new Uint8Array(readFileSync(file));

const start = performance.now();
const api = new IfcAPI();
const pre = api.buildPrePassOnce(bytes);
const batch = 100; // the README's batch size
const rtc = pre.rtcOffset ?? [0, 0, 0];
const products = new Set();
let triangles = 0;
for (let first = 0; first < pre.totalJobs; first += batch) {
  const last = Math.min(first + batch, pre.totalJobs);
  const meshes = api.processGeometryBatch(bytes, pre.jobs.slice(first * 3, last * 3), pre.unitScale,
    rtc[0], rtc[1], rtc[2], pre.needsShift, pre.voidKeys, pre.voidCounts, pre.voidValues,
    pre.styleIds, pre.styleColors);
  for (let i = 0; i < meshes.length; i++) {
    const mesh = meshes.get(i);
    if (mesh.triangleCount > 0) {
      products.add(mesh.expressId);
      triangles += mesh.triangleCount;
    }
    mesh.free();
  }
  meshes.free();
}
api.clearPrePassCache();
api.free();
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  file, products: products.size, triangles, seconds,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
}));
