// mutool run fill.js IN.pdf OUT.pdf: MuPDF, as an independent reader, types into the first text field
// and ticks the first checkbox, then saves; prints what it filled (tooltip labels), one per line.
var doc = new PDFDocument(scriptArgs[0]);
var text = null, box = null;
for (var p = 0; p < doc.countPages(); p++) {
  var widgets = doc.loadPage(p).getWidgets();
  for (var i = 0; i < widgets.length; i++) {
    var w = widgets[i];
    if (w.getFieldType() == "text" && text === null) { w.setTextValue("Filled by MuPDF"); w.update(); text = w.getLabel(); }
    if (w.getFieldType() == "checkbox" && box === null) { w.toggle(); w.update(); box = w.getLabel(); }
  }
}
doc.save(scriptArgs[1]);
print("text: " + text);
print("checkbox: " + box);
