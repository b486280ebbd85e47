// Gives the wasm's imports short names (issue 6: size). wasm-bindgen names each import after its
// JS function plus a 16-hex-digit hash, and the module "./cognito_wasm_bg.js"; both appear once
// in the wasm's import section and once in the glue's import object. This renames every import
// to `a`, `b`, … `ba`, … (the module to "w") in the given wasm files and in the glue.
//
// Usage: node scripts/short-imports.mjs GLUE_JS WASM... (rewrites the files in place). Every
// wasm must import the same names in the same order (they share the glue), and every old name
// must occur in the glue exactly once, or nothing is written and the script fails.
import { readFileSync, writeFileSync } from "node:fs";

const MODULE = "./cognito_wasm_bg.js";
const SHORT_MODULE = "w";

const [gluePath, ...wasmPaths] = process.argv.slice(2);
if (!gluePath || wasmPaths.length === 0) {
  console.error("usage: node scripts/short-imports.mjs GLUE_JS WASM...");
  process.exit(2);
}

/** Unsigned LEB128 at `at`: [value, next offset]. */
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error("truncated LEB128");
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

const utf8 = (text) => [...Buffer.from(text, "utf8")];
const name = (text) => [...leb(utf8(text).length), ...utf8(text)];

/** Offset just past an import's descriptor of `kind` that starts at `at`. */
function skipDescriptor(bytes, kind, at) {
  const limits = (p) => {
    const flags = bytes[p];
    let next = readLeb(bytes, p + 1)[1];
    if (flags & 1) next = readLeb(bytes, next)[1];
    return next;
  };
  switch (kind) {
    case 0: // function: type index
      return readLeb(bytes, at)[1];
    case 1: // table: reference type, limits
      return limits(at + 1);
    case 2: // memory: limits
      return limits(at);
    case 3: // global: value type, mutability
      return at + 2;
    case 4: // tag: attribute, type index
      return readLeb(bytes, at + 1)[1];
    default:
      throw new Error(`unknown import kind ${kind}`);
  }
}

/** The import section's entries and where the section sits in `bytes`. */
function importSection(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = readLeb(bytes, at + 1);
    if (id === 2) {
      let [count, p] = readLeb(bytes, body);
      const entries = [];
      for (; count > 0; count--) {
        const [moduleLen, m] = readLeb(bytes, p);
        const module = Buffer.from(bytes.subarray(m, m + moduleLen)).toString("utf8");
        const [fieldLen, f] = readLeb(bytes, m + moduleLen);
        const field = Buffer.from(bytes.subarray(f, f + fieldLen)).toString("utf8");
        const kind = bytes[f + fieldLen];
        const end = skipDescriptor(bytes, kind, f + fieldLen + 1);
        entries.push({ module, field, rest: [...bytes.subarray(f + fieldLen, end)] });
        p = end;
      }
      if (p !== body + size) throw new Error("import section length mismatch");
      return { start: at, end: body + size, entries };
    }
    at = body + size;
  }
  throw new Error("no import section");
}

/** a, b, … z, ba, bb, …: base-26 letters, so each is a plain identifier. */
function shortName(index) {
  let text = "";
  do {
    text = String.fromCharCode(97 + (index % 26)) + text;
    index = Math.floor(index / 26);
  } while (index > 0);
  return text;
}

const wasms = wasmPaths.map((path) => ({ path, bytes: readFileSync(path) }));
const sections = wasms.map(({ bytes }) => importSection(bytes));
const fields = sections[0].entries.map((e) => e.field);
for (const [i, section] of sections.entries()) {
  const these = section.entries.map((e) => e.field);
  if (these.join("\n") !== fields.join("\n")) {
    throw new Error(`${wasmPaths[i]} imports differ from ${wasmPaths[0]}'s`);
  }
  if (section.entries.some((e) => e.module !== MODULE)) {
    throw new Error(`${wasmPaths[i]} imports from a module other than ${MODULE}`);
  }
}
const short = new Map(fields.map((field, i) => [field, shortName(i)]));

let glue = readFileSync(gluePath, "utf8");
const replaceOnce = (from, to) => {
  const pattern = new RegExp(`(?<![\\w$])${from.replace(/[$.]/g, "\\$&")}(?![\\w$])`, "g");
  const found = glue.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`${from} occurs ${found} times in ${gluePath}, not once`);
  glue = glue.replace(pattern, to);
};
replaceOnce(`"${MODULE}"`, `"${SHORT_MODULE}"`);
for (const [from, to] of short) replaceOnce(from, to);

for (const [i, { path, bytes }] of wasms.entries()) {
  const { start, end, entries } = sections[i];
  const body = [...leb(entries.length)];
  for (const entry of entries) {
    body.push(...name(SHORT_MODULE), ...name(short.get(entry.field)), ...entry.rest);
  }
  const section = [2, ...leb(body.length), ...body];
  const out = Buffer.concat([bytes.subarray(0, start), Buffer.from(section), bytes.subarray(end)]);
  new WebAssembly.Module(out); // still a valid module
  writeFileSync(path, out);
}
writeFileSync(gluePath, glue);
console.error(`short-imports: ${short.size} imports renamed in ${wasmPaths.length} wasm files and the glue`);
