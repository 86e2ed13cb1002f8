// Browser checks for pytest, in Debian's Chromium (never a downloaded browser build).
//   node browser.mjs audit BASE_URL PAGE...          -> JSON {page: [violations]} from axe-core (WCAG 2.1 A/AA)
//   node browser.mjs download BASE_URL LINK_TEXT OUT -> clicks from the home page to the page named
//                                                       LINK_TEXT, clicks its first PDF link, saves it to OUT
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-quic"];

async function audit(base, pages) {
  const browser = await chromium.launch({ executablePath, args });
  const results = {};
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const path of pages) {
      await page.goto(new URL(path, base).href, { waitUntil: "load" });
      const scan = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      results[path] = scan.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: n.failureSummary })),
      }));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

async function download(base, linkText, out) {
  const browser = await chromium.launch({ executablePath, args });
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(base, { waitUntil: "load" });
    await page.getByRole("link", { name: linkText, exact: true }).first().click();
    await page.waitForLoadState("load");
    const link = page.locator("article a[href$='.pdf']").first();
    const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
    await file.saveAs(out);
    process.stdout.write(JSON.stringify({ page: page.url(), href: await link.getAttribute("href") }));
  } finally {
    await browser.close();
  }
}

const [command, base, ...rest] = process.argv.slice(2);
if (command === "audit") await audit(base, rest);
else if (command === "download") await download(base, rest[0], rest[1]);
else {
  console.error("usage: node browser.mjs audit BASE PAGE... | download BASE LINK_TEXT OUT");
  process.exit(2);
}
