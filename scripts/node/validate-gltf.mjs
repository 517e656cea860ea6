#!/usr/bin/env node
// Runs the Khronos glTF-Validator on each file given and prints one JSON object per line:
//   {"file", "errors", "warnings", "infos", "hints", "messages": [{"code","severity","pointer","message"}...]}
// Exit code: 0 when no file has errors, 1 when any file has errors or cannot be read, 2 on usage error.
import fs from 'node:fs';
import path from 'node:path';
import validator from 'gltf-validator';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate-gltf.mjs FILE.glb|FILE.gltf...');
  process.exit(2);
}

const severityName = ['error', 'warning', 'info', 'hint'];
let failed = false;
for (const file of files) {
  let bytes;
  try {
    bytes = new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    console.log(JSON.stringify({ file, errors: 1, readError: String(e) }));
    failed = true;
    continue;
  }
  try {
    const report = await validator.validateBytes(bytes, {
      uri: path.basename(file),
      maxIssues: 0,
      externalResourceFunction: (uri) => new Promise((resolve, reject) => {
        fs.readFile(path.resolve(path.dirname(file), decodeURIComponent(uri)), (err, data) => {
          if (err) reject(String(err)); else resolve(new Uint8Array(data));
        });
      }),
    });
    const issues = report.issues;
    const messages = issues.messages.slice(0, 50).map((m) => ({
      code: m.code, severity: severityName[m.severity] ?? String(m.severity), pointer: m.pointer, message: m.message,
    }));
    console.log(JSON.stringify({
      file, errors: issues.numErrors, warnings: issues.numWarnings, infos: issues.numInfos, hints: issues.numHints,
      messages,
    }));
    if (issues.numErrors > 0) failed = true;
  } catch (e) {
    console.log(JSON.stringify({ file, errors: 1, readError: String(e) }));
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
