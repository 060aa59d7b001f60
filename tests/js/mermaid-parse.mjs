// Parses each file given on the command line with Mermaid's own parser.
// Usage: node mermaid-parse.mjs FILE...   Exit 0 when every file parses, 1 otherwise.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitizes labels with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const result = await mermaid.parse(text);
    if (!result || !String(result.diagramType).startsWith('flowchart')) {
      throw new Error(`not a flowchart: ${JSON.stringify(result)}`);
    }
    console.log(`ok ${file} (${result.diagramType})`);
  } catch (e) {
    failed++;
    console.error(`FAIL ${file}: ${e.message ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
