// The HTML reports in Debian's Chromium (driven by playwright-core) and the Markdown summaries in
// markdown-it; run by tests/interop/html_report.sh, which installs both and dumps the reports.
//
//   node html_report.mjs --tools DIR --chromium PATH --aibom BIN --dump DIR --out DIR [--model NAME=DIR]...
//
// --dump holds NAME.html, NAME.md and NAME.facts.json (name, digest, licence, completeness, a finding
// code, a file name: what a reader must see). Each --model is scanned here first, its facts taken from
// the inventory JSON and the table, outputs the reports do not share code with.
//
// First a canary page proves the monitors work: its image request and console error must be seen.
// Then, per report, in one browser with a fresh, empty profile:
//   - no console error and no page error, while loading and after switching colour scheme and media;
//   - no request but the file itself (every other request is also aborted by a route);
//   - the rendered text holds each fact; one h1, equal to the model's name; no skipped heading level;
//     no <script>; the lineage picture is an image with an accessible name; the tables are named by their
//     captions; nothing wider than the window, at 1280 and at 390 pixels;
//   - light: white page; dark (prefers-color-scheme): the dark palette; print: light again, the section
//     menu hidden;
//   - a full-page screenshot in each scheme (OUT/NAME-light.png, OUT/NAME-dark.png) and a PDF (OUT/NAME.pdf).
// Per Markdown summary, rendered by markdown-it with raw HTML and linkify on: only the summary's own tags,
// links only to http(s), as many cells in every row as in the header, and each fact in the text.
//
// Prints `ok NAME: check` / `FAIL NAME: check: detail` and a closing `N passed, M failed`; exits 1 on
// any failure.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = { models: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const [k, v] = [process.argv[i], process.argv[i + 1]];
  if (v === undefined) throw new Error(`${k}: missing value`);
  if (k === "--model") args.models.push(v);
  else args[k.replace(/^--/, "")] = v;
}
for (const k of ["tools", "chromium", "aibom", "dump", "out"]) {
  if (!args[k]) throw new Error(`--${k} is required`);
}
const require = createRequire(path.join(path.resolve(args.tools), "package.json"));
const { chromium } = require("playwright-core");
const MarkdownIt = require("markdown-it");

// As the rust machine's notes run Chromium here: no sandbox (root), no GPU, and none of the background
// connections a closed network refuses. playwright-core adds --headless.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const LIGHT_BG = "rgb(255, 255, 255)";
const DARK_BG = "rgb(13, 17, 23)";

let passed = 0;
let failed = 0;
function check(name, what, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok ${name}: ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${what}: ${detail}`);
  }
}

const squash = (s) => s.replace(/\s+/g, " ").trim();

// Scan a model given on the command line; its facts come from the inventory JSON and the table.
function scanModel(spec) {
  const at = spec.indexOf("=");
  const [name, dir] = [spec.slice(0, at), spec.slice(at + 1)];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "aibom-report-"));
  const inv = path.join(work, "inventory.json");
  const table = path.join(work, "table.txt");
  execFileSync(args.aibom, [
    "scan", dir, "-q",
    "-o", `html=${path.join(args.dump, `${name}.html`)}`,
    "-o", `markdown=${path.join(args.dump, `${name}.md`)}`,
    "-o", `json=${inv}`,
    "-o", `table=${table}`,
  ]);
  const inventory = JSON.parse(fs.readFileSync(inv, "utf8"));
  const summary = fs.readFileSync(table, "utf8").split(/^digest .*$/m)[1];
  const field = (k) => (summary.match(new RegExp(`^${k} +(.*)$`, "m")) || [])[1];
  const facts = {
    name: field("name"),
    digest: inventory.model.digest,
    licence: field("licence").split(/,| \(| —/)[0],
    completeness: field("complete").match(/^\d+\/100/)[0],
    finding_code: (summary.match(/^ {2}(\S+) \[\w+\]/m) || [])[1] || null,
    file: inventory.files[inventory.files.length - 1].path,
  };
  fs.writeFileSync(path.join(args.dump, `${name}.facts.json`), JSON.stringify(facts, null, 2));
  fs.rmSync(work, { recursive: true, force: true });
}

function expected(facts) {
  return [
    ["name", facts.name],
    ["digest", facts.digest],
    ["licence", facts.licence],
    ["completeness", facts.completeness],
    ["finding code", facts.finding_code],
    ["file", facts.file],
  ].filter(([, v]) => v);
}

// Watch a page: console errors, page errors and every request.
function watch(page) {
  const seen = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(`page error: ${e.message}`));
  page.on("request", (r) => seen.requests.push(r.url()));
  return seen;
}

async function canary(context) {
  const file = path.join(args.out, "canary.html");
  fs.writeFileSync(
    file,
    '<!DOCTYPE html><html lang="en"><title>canary</title><img alt="" src="http://127.0.0.1:9/canary.png">' +
      "<script>console.error('canary')</script></html>\n",
  );
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.waitForTimeout(200);
  check("canary", "the request monitor sees a remote image", seen.requests.some((u) => u.includes("canary.png")), JSON.stringify(seen.requests));
  check("canary", "the console monitor sees an error", seen.errors.some((e) => e.includes("canary")), JSON.stringify(seen.errors));
  await page.close();
  fs.rmSync(file);
}

async function checkPage(context, name, facts) {
  const url = pathToFileURL(path.resolve(args.dump, `${name}.html`)).href;
  const page = await context.newPage();
  const seen = watch(page);
  await page.emulateMedia({ media: "screen", colorScheme: "light" });
  await page.goto(url, { waitUntil: "load" });

  const text = squash(await page.locator("body").innerText());
  for (const [what, value] of expected(facts)) {
    check(name, `shows the ${what}`, text.includes(squash(value)), `${JSON.stringify(value)} not in the page text`);
  }
  const h1 = await page.getByRole("heading", { level: 1 }).allInnerTexts();
  check(name, "one h1, the model's name", h1.length === 1 && squash(h1[0]) === squash(facts.name), JSON.stringify(h1));
  const levels = await page.evaluate(() =>
    [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => Number(h.tagName[1])),
  );
  check(name, "heading levels in order", levels.every((l, i) => i === 0 || l <= levels[i - 1] + 1), JSON.stringify(levels));
  check(name, "no script", (await page.locator("script").count()) === 0);
  const lineage = page.getByRole("img", { name: /^Lineage of / });
  const box = (await lineage.count()) === 1 ? await lineage.boundingBox() : null;
  check(name, "lineage picture is a named image, drawn", box !== null && box.width > 300 && box.height > 50, JSON.stringify(box));
  check(name, "checklist table named by its caption", (await page.getByRole("table", { name: "Completeness checklist" }).count()) === 1);
  check(name, "file table named by its caption", (await page.getByRole("table", { name: /^\d+ files?, / }).count()) === 1);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  let wider = await overflow();
  check(name, "nothing wider than the window", wider <= 0, `${wider}px too wide`);
  await page.setViewportSize({ width: 390, height: 900 });
  wider = await overflow();
  check(name, "nothing wider than a phone's window (390px)", wider <= 0, `${wider}px too wide`);
  await page.setViewportSize({ width: 1280, height: 900 });

  const style = () =>
    page.evaluate(() => {
      const s = getComputedStyle(document.documentElement);
      const nav = document.querySelector("nav");
      return { bg: s.backgroundColor, nav: nav ? getComputedStyle(nav).display : null };
    });
  let st = await style();
  check(name, "light scheme: white page", st.bg === LIGHT_BG, st.bg);
  await page.screenshot({ path: path.join(args.out, `${name}-light.png`), fullPage: true });
  await page.emulateMedia({ media: "screen", colorScheme: "dark" });
  st = await style();
  check(name, "dark scheme: dark page", st.bg === DARK_BG, st.bg);
  await page.screenshot({ path: path.join(args.out, `${name}-dark.png`), fullPage: true });
  await page.emulateMedia({ media: "print", colorScheme: "dark" });
  st = await style();
  check(name, "print: light page, no section menu", st.bg === LIGHT_BG && st.nav === "none", JSON.stringify(st));
  await page.emulateMedia({ media: "print", colorScheme: "light" });
  await page.pdf({ path: path.join(args.out, `${name}.pdf`), format: "A4", printBackground: true });

  check(name, "no console error", seen.errors.length === 0, JSON.stringify(seen.errors));
  const others = seen.requests.filter((u) => u !== url);
  check(name, "no request but the file itself", others.length === 0 && seen.requests.includes(url), JSON.stringify(seen.requests));
  await page.close();
}

// The summary's own tags, and what markdown-it makes of Markdown syntax.
const MD_TAGS = new Set([
  "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "strong", "ul", "li",
  "details", "summary", "sub", "a",
]);

function decode(s) {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function checkMarkdown(name, facts) {
  const md = fs.readFileSync(path.join(args.dump, `${name}.md`), "utf8");
  const html = new MarkdownIt({ html: true, linkify: true }).render(md);
  const bad = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const [tag, attrs] = [m[1].toLowerCase(), m[2]];
    if (!MD_TAGS.has(tag)) bad.push(m[0]);
    else if (tag === "a" && !/^ href="https?:\/\/[^"]*"$/.test(attrs)) bad.push(m[0]);
    else if (tag !== "a" && attrs && !/^ style="text-align:(left|right|center)"$/.test(attrs)) bad.push(m[0]);
  }
  check(name, "markdown: only the summary's own tags", bad.length === 0, bad.slice(0, 5).join(" "));
  const cells = [];
  for (const t of html.matchAll(/<table>([\s\S]*?)<\/table>/g)) {
    const rows = [...t[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => (r[1].match(/<t[hd][ >]/g) || []).length);
    if (rows.some((n) => n !== rows[0])) cells.push(JSON.stringify(rows));
  }
  check(name, "markdown: every row has a cell per column", cells.length === 0, cells.join(" "));
  const text = squash(decode(html.replace(/<[^>]*>/g, " ")));
  for (const [what, value] of expected(facts)) {
    if (what === "completeness") continue; // the table says "36/100; missing: ..."
    check(name, `markdown: shows the ${what}`, text.includes(squash(value)), `${JSON.stringify(value)} not in the text`);
  }
}

async function main() {
  fs.mkdirSync(args.out, { recursive: true });
  for (const m of args.models) scanModel(m);
  const names = fs
    .readdirSync(args.dump)
    .filter((f) => f.endsWith(".facts.json"))
    .map((f) => f.slice(0, -".facts.json".length))
    .sort();
  if (names.length === 0) throw new Error(`no reports in ${args.dump}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "aibom-chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    // Only the report file may load; anything else is aborted (and counted by the monitors).
    await context.route("**/*", (route) =>
      route.request().url().startsWith("file://") ? route.continue() : route.abort(),
    );
    console.log(`browser: ${context.browser()?.version() ?? "Chromium"} (${args.chromium})`);
    await canary(context);
    for (const name of names) {
      const facts = JSON.parse(fs.readFileSync(path.join(args.dump, `${name}.facts.json`), "utf8"));
      await checkPage(context, name, facts);
      checkMarkdown(name, facts);
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`screenshots and PDFs: ${path.resolve(args.out)}`);
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL html-report: ${e.stack || e}`);
  })
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  });
