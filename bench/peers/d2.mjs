// Compiles a .d2 file to SVG with the WASM build of D2 (npm @terrastruct/d2), as the D2 side of
// bench/peers/run.sh:
//
//   node d2.mjs model.d2 out.svg
//
// Prints, as JSON, how long loading the module, compiling (parse + dagre layout) and rendering
// took in this process; the caller times the whole process, start-up included.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node d2.mjs model.d2 out.svg");
  process.exit(2);
}
const t0 = performance.now();
const { D2 } = await import("@terrastruct/d2");
const d2 = new D2();
const t1 = performance.now();
const result = await d2.compile(readFileSync(input, "utf8"));
const t2 = performance.now();
const svg = await d2.render(result.diagram, result.renderOptions);
const t3 = performance.now();
writeFileSync(output, svg);
console.log(JSON.stringify({ load_ms: t1 - t0, compile_ms: t2 - t1, render_ms: t3 - t2, svg_bytes: svg.length }));
// The WASM runs in a worker thread that keeps the process alive.
process.exit(0);
