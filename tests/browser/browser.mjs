// Browser checks for pytest, in Debian's Chromium (never a downloaded browser build).
//   node browser.mjs audit BASE_URL [--width=N,...] PAGE... -> JSON {page: [violations]} from axe-core
//                                                            (WCAG 2.1 A/AA), at each width (default 1280)
//   node browser.mjs focus BASE_URL [--width=N] PAGE N   -> JSON list: the element each of N Tab presses focuses,
//                                                            with its computed outline
//   node browser.mjs drawer BASE_URL PAGE                -> JSON: at phone width, Tab to the menu button, press Enter,
//                                                            and say where focus is then (in the open drawer);
//                                                            then Escape, and say whether it closed and focus returned
//   node browser.mjs search BASE_URL PAGE QUERY          -> JSON: opens the search on PAGE (file:// too), types
//                                                            QUERY, and lists the result titles shown
//   node browser.mjs layout BASE_URL [--width=N] PAGE...  -> JSON {page: facts}: how headings, the header title,
//                                                            definition terms, tables and notes are laid out
//   node browser.mjs print BASE_URL PAGE OUT              -> prints PAGE to the PDF file OUT; JSON: how its links
//                                                            and buttons print
//   node browser.mjs download BASE_URL LINK_TEXT OUT     -> clicks from the home page to the page named
//                                                            LINK_TEXT, clicks its first PDF link, saves it to OUT
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-quic"];
const PHONE = 390;

// A fresh profile per run whose one setting is Chrome's "Download PDFs": Chromium's own viewer would otherwise
// show the form instead of downloading it.
async function withPage(width, work) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "handbook-chromium-"));
  fs.mkdirSync(path.join(profile, "Default"));
  fs.writeFileSync(path.join(profile, "Default", "Preferences"),
                   JSON.stringify({ plugins: { always_open_pdf_externally: true } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, args, acceptDownloads: true, viewport: { width, height: width > PHONE ? 900 : 844 },
  });
  try {
    return await work(context.pages()[0] ?? await context.newPage());
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Each page at each width, two tabs at a time; results under "page" for the first width, "page@WIDTH" for others.
async function audit(first, base, paths, widths) {
  const jobs = widths.flatMap((width, i) => paths.map((path) => ({ path, width, key: i ? `${path}@${width}` : path })));
  const results = {};
  const worker = async (page) => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      await page.setViewportSize({ width: job.width, height: job.width > PHONE ? 900 : 844 });
      await page.goto(new URL(job.path, base).href, { waitUntil: "load" });
      const scan = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .setLegacyMode(true).analyze();
      results[job.key] = scan.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 10).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      }));
    }
  };
  await Promise.all([worker(first), worker(await first.context().newPage())]);
  return Object.fromEntries(Object.entries(results).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// What a sighted keyboard user sees at each Tab stop: the element and the outline drawn around it.
const describeFocus = () => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), role: el.getAttribute("role"), cls: el.className || "",
    dialog: el.closest("[role=dialog]")?.getAttribute("aria-label") ?? null,
    name: (el.getAttribute("aria-label") || el.textContent || el.getAttribute("placeholder") || "").trim().slice(0, 60),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), outlineColor: style.outlineColor,
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
    onScreen: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight
      && el.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
  };
};

// The page as it stands once what a key press set moving has ended: Material fades the skip link, the ¶ permalinks
// and colours in on focus (125 to 400 ms). Two frames let the transitions start; then each is taken to its end.
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.evaluate(() => {
    for (const animation of document.getAnimations()) {
      if (animation.effect?.getComputedTiming().endTime !== Infinity) animation.finish();
    }
  });
}

async function focus(page, base, path, count) {
  await page.goto(new URL(path, base).href, { waitUntil: "load" });
  const stops = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press("Tab");
    await settle(page);
    stops.push(await page.evaluate(describeFocus));
  }
  return stops;
}

async function drawer(page, base, path) {
  await page.goto(new URL(path, base).href, { waitUntil: "load" });
  for (let tabs = 1; tabs <= 10; tabs++) {
    await page.keyboard.press("Tab");
    const toggles = await page.evaluate(() => document.activeElement?.dataset.toggle);
    if (toggles !== "__drawer") continue;
    const before = await page.evaluate(describeFocus);
    await page.keyboard.press("Enter");
    await settle(page);
    const open = await page.evaluate(() => document.getElementById("__drawer").checked);
    const expanded = await page.evaluate(() => document.querySelector("[data-toggle=__drawer]").ariaExpanded);
    const next = await page.evaluate(describeFocus);
    await page.keyboard.press("Escape");
    await settle(page);
    const closed = await page.evaluate(() => !document.getElementById("__drawer").checked);
    const back = await page.evaluate(() => document.activeElement?.dataset.toggle ?? null);
    return { tabs, focus: before, open, expanded, next, closed, back };
  }
  return { tabs: null };
}

async function search(page, base, path, query) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(new URL(path, base).href, { waitUntil: "load" });
  const input = page.locator(".md-search__input");  // shown in the header at desktop width
  const results = page.locator(".md-search-result__item");
  // A query typed before the search index has loaded finds nothing: type it again until results show, as a user would.
  for (let attempt = 0; attempt < 6 && !(await results.count()); attempt++) {
    await input.fill("");
    await input.pressSequentially(query);
    await results.first().waitFor({ timeout: 5000 }).catch(() => {});
  }
  const titles = await page.locator(".md-search-result__item h1, .md-search-result__item h2").allTextContents();
  const meta = await page.locator(".md-search-result__meta").textContent().catch(() => null);
  return { titles: titles.map((t) => t.trim()), meta: meta?.trim() ?? null, errors };
}

// A heading's ¶ permalink is on its text's last line when their bottoms meet.
const layoutFacts = () => {
  const lone = [];
  for (const link of document.querySelectorAll("article .headerlink")) {
    const heading = link.parentElement;
    const range = document.createRange();
    range.setStart(heading, 0);
    range.setEndBefore(link);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.bottom - link.getBoundingClientRect().bottom) > 4) lone.push(heading.id);
  }
  const size = (selector) => {
    const el = document.querySelector(selector);
    return el ? parseFloat(getComputedStyle(el).fontSize) : null;
  };
  const topic = document.querySelector(".md-header__topic:first-child");
  const shown = topic?.querySelector(".md-ellipsis");
  const before = topic ? getComputedStyle(topic, "::before").content : "none";
  const title = [
    before === "none" ? "" : before.replace(/^"|"$/g, ""),
    shown?.checkVisibility() ? shown.textContent : "",
  ];
  const dt = document.querySelector("article dt");
  return {
    loneHeaderlinks: lone, headerTitle: title.join("").trim(),
    body: size("article p"), table: size("article table td"), note: size("article .admonition p"),
    dtWeight: dt ? Number(getComputedStyle(dt).fontWeight) : null,
  };
};

async function layout(page, base, paths) {
  const results = {};
  for (const path of paths) {
    await page.goto(new URL(path, base).href, { waitUntil: "load" });
    results[path] = await page.evaluate(layoutFacts);
  }
  return results;
}

async function print(page, base, path, out) {
  await page.goto(new URL(path, base).href, { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  const facts = await page.evaluate(() => {
    const after = (el) => getComputedStyle(el, "::after").content;
    const links = [...document.querySelectorAll("article a[href]:not(.headerlink)")];
    const button = document.querySelector("article .md-button");
    const heading = document.querySelector("article h2");
    return {
      links: links.map((a) => ({ href: a.getAttribute("href"), after: after(a) })),
      button: button && {
        border: getComputedStyle(button).borderTopWidth, padding: getComputedStyle(button).paddingTop,
      },
      headingBreakAfter: heading && getComputedStyle(heading).breakAfter,
    };
  });
  await page.pdf({ path: out, format: "Letter", displayHeaderFooter: false });
  return facts;
}

async function download(page, base, linkText, out) {
  await page.goto(base, { waitUntil: "load" });
  await page.getByRole("link", { name: linkText, exact: true }).first().click();
  await page.waitForLoadState("load");
  const link = page.locator("article a[href$='.pdf']").first();
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  await file.saveAs(out);
  return { page: page.url(), href: await link.getAttribute("href") };
}

const [command, base, ...rest] = process.argv.slice(2);
const widths = (rest.find((a) => a.startsWith("--width="))?.slice(8) || "1280").split(",").map(Number);
const params = rest.filter((a) => !a.startsWith("--"));
const commands = {
  audit: (page) => audit(page, base, params, widths),
  focus: (page) => focus(page, base, params[0], Number(params[1])),
  drawer: (page) => drawer(page, base, params[0]),
  search: (page) => search(page, base, params[0], params[1]),
  layout: (page) => layout(page, base, params),
  print: (page) => print(page, base, params[0], params[1]),
  download: (page) => download(page, base, params[0], params[1]),
};
if (!commands[command] || !base) {
  console.error("usage: node browser.mjs COMMAND BASE_URL ... (commands and their arguments: the top of this file)");
  process.exit(2);
}
const result = await withPage(command === "drawer" ? PHONE : widths[0], commands[command]);
process.stdout.write(JSON.stringify(result));
