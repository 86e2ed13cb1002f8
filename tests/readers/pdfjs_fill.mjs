// node pdfjs_fill.mjs IN.pdf OUT.pdf VALUES.json
// Fills fields as Firefox's built-in viewer (pdf.js) does when a person types and clicks, then saves
// with saveDocument(), which appends an incremental update, as Firefox's "Save" does.
// VALUES.json maps FULL field names to a string (text, or the export value of the radio button to
// choose) or true/false (checkbox). The annotation storage entries mirror pdf.js's annotation layer:
// text {value: string}, checkbox {value: bool}, radio {value: true} on the chosen widget and
// {value: false} on its siblings.
import { readFileSync, writeFileSync } from "node:fs";

const pdfjs = await import(new URL("../browser/node_modules/pdfjs-dist/legacy/build/pdf.mjs", import.meta.url));
const [src, dst, valuesPath] = process.argv.slice(2);
const values = JSON.parse(readFileSync(valuesPath, "utf8"));
const fonts = new URL("../browser/node_modules/pdfjs-dist/standard_fonts/", import.meta.url);

const doc = await pdfjs.getDocument({
  data: new Uint8Array(readFileSync(src)),
  standardFontDataUrl: fonts.pathname,
  verbosity: 0,
}).promise;
const fields = (await doc.getFieldObjects()) ?? {};
const storage = doc.annotationStorage;

for (const [name, want] of Object.entries(values)) {
  const widgets = (fields[name] ?? []).filter((w) => w.type && w.id);
  if (widgets.length === 0) throw new Error(`no field named ${name}`);
  const type = widgets[0].type;
  if (type === "text") {
    for (const w of widgets) storage.setValue(w.id, { value: String(want) });
  } else if (type === "checkbox") {
    for (const w of widgets) storage.setValue(w.id, { value: want === true });
  } else if (type === "radiobutton") {
    const chosen = widgets.filter((w) => w.exportValues === want);
    if (chosen.length !== 1) throw new Error(`${name}: no single button exports ${want}`);
    for (const w of widgets) storage.setValue(w.id, { value: w === chosen[0] });
  } else {
    throw new Error(`${name}: cannot fill a ${type} field`);
  }
}

writeFileSync(dst, await doc.saveDocument());
await doc.destroy();
