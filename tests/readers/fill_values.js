// mutool run fill_values.js IN.pdf OUT.pdf VALUES.json [incremental]
// Fills fields the way a person using a MuPDF-based reader would: VALUES.json maps FULL field names
// to a string (text, or the on-state name of the radio button to choose) or true/false (checkbox).
// MuPDF 1.21's PDFWidget has no getName()/getObject(), so full names come from the page's /Annots
// (same order as getWidgets(), checked by position) and each widget's /Parent chain of /T.
var values = JSON.parse(read(scriptArgs[2]));
var incremental = scriptArgs[3] === "incremental";
var doc = new PDFDocument(scriptArgs[0]);

function present(obj) {
  return obj !== undefined && obj !== null && !obj.isNull();
}

function fullName(obj) {
  var parts = [];
  var seen = 0;
  while (present(obj) && seen++ < 64) {
    var t = obj.get("T");
    if (present(t)) parts.unshift(t.asString());
    obj = obj.get("Parent");
  }
  return parts.join(".");
}

function onState(obj) {
  var ap = obj.get("AP"), state = null;
  var normal = present(ap) ? ap.get("N") : undefined;
  if (present(normal) && normal.isDictionary()) normal.forEach(function (a, b) {
    // 1.21 passes (key, value), newer MuPDF (value, key): the key is the plain string.
    var key = typeof a === "string" ? a : b;
    if (key !== "Off") state = key;
  });
  return state;
}

var done = {};
for (var p = 0; p < doc.countPages(); p++) {
  var page = doc.loadPage(p);
  var widgets = page.getWidgets();
  var annots = doc.findPage(p).get("Annots");
  var objs = [];
  for (var a = 0; annots.isArray() && a < annots.length; a++) {
    if (annots.get(a).get("Subtype").toString() === "/Widget") objs.push(annots.get(a));
  }
  if (objs.length !== widgets.length) throw new Error("page " + (p + 1) + ": widgets and /Annots disagree");
  for (var i = 0; i < widgets.length; i++) {
    var w = widgets[i], obj = objs[i];
    if (Math.abs(w.getRect()[0] - obj.get("Rect").get(0).asNumber()) > 0.01) throw new Error("widget order mismatch");
    var name = fullName(obj);
    if (!(name in values)) continue;
    var want = values[name], type = w.getFieldType();
    if (type === "text") {
      w.setTextValue(want);
    } else if (type === "checkbox") {
      if ((w.getValue() !== "Off" && w.getValue() !== "") !== want) w.toggle();
    } else if (type === "radiobutton") {
      if (onState(obj) !== want) continue;
      done[name] = true;
      if (w.getValue() === want) continue;
      w.toggle();
    } else {
      throw new Error(name + ": cannot fill a " + type + " field");
    }
    w.update();
    done[name] = true;
  }
}
for (var key in values) if (!done[key] && values[key] !== false) throw new Error("no field could take " + key);
doc.save(scriptArgs[1], incremental ? "incremental" : "");
