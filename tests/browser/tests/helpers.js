// Shared helpers for the browser walk: the effekt server, Chromium, axe, screenshots and
// keyboard navigation. Nothing here is fetched from the network: the server is the locally
// built binary and the browser is the system Chromium.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));

/** tests/browser/ (the package root). */
export const ROOT = path.resolve(here, '..');
export const ARTIFACTS = path.join(ROOT, 'artifacts');
export const PASSWORD = 'effekt-demo-2026';
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that was free a moment ago (bind port 0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `effekt demo --fresh` on a fresh SQLite file and a free port, and waits until the
 * readiness probe answers 200. Returns { baseURL, stop(), log() }.
 */
export async function startServer({ readyTimeoutMs = 60_000 } = {}) {
  const bin = process.env.EFFEKT_BIN
    ? path.resolve(process.env.EFFEKT_BIN)
    : path.resolve(ROOT, '../../target/debug/effekt');
  assert.ok(fs.existsSync(bin), `effekt binary not found at ${bin} (build it, or set EFFEKT_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'effekt-browser-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    bin,
    ['demo', '--fresh', '--database', path.join(dir, 'demo.db'), '--listen', `127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`effekt exited early (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${baseURL}/internal/health/readiness`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`effekt not ready after ${readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    await sleep(250);
  }

  return {
    baseURL,
    log: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = sleep(5_000).then(() => 'timeout');
        if ((await Promise.race([exitPromise, timer])) === 'timeout') {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
}

/** A fresh context (own cookies) with bounded timeouts; the app negotiates bokmål. */
export async function newPage(browser, baseURL) {
  const context = await browser.newContext({
    baseURL,
    locale: 'nb-NO',
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      target ${JSON.stringify(n.target)}\n        ${n.failureSummary?.replace(/\n/g, '\n        ') ?? ''}\n        html: ${n.html}`)
        .join('\n');
      return `  - ${v.id} (impact: ${v.impact}) ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Runs axe with the WCAG 2.0/2.1 A and AA rules and fails with a readable report. */
export async function checkA11y(page, label) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const { violations } = results;
  if (violations.length > 0) {
    const report = `axe: ${violations.length} WCAG violation(s) on ${label} (${page.url()}):\n${formatViolations(violations)}`;
    console.error(report);
    assert.fail(report);
  }
  return results;
}

/** artifacts/<role>-<name>.png; full page unless `fullPage: false` (e.g. to show a focus ring). */
export async function screenshot(page, role, name, { fullPage = true } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${role}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Every page visited: a screenshot, axe, and nothing wider than the window. */
export async function visited(page, role, name) {
  await page.waitForLoadState('load');
  await screenshot(page, role, name);
  await checkA11y(page, `${role}/${name}`);
  await assertNoOverflow(page, `${role}/${name}`);
}

/**
 * No table or chart is wider than its box, and the page does not scroll sideways: what is
 * wider than the window is cut off for a reader who does not know to scroll.
 */
export async function assertNoOverflow(page, where) {
  const wide = await page.evaluate(() => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1) out.push(`page ${root.scrollWidth}px`);
    for (const el of document.querySelectorAll('.table-wrapper, figure.chart')) {
      const right = el.getBoundingClientRect().right;
      if (el.scrollWidth > el.clientWidth + 1 || right > window.innerWidth + 1) {
        const label = el.getAttribute('aria-label') || el.id || el.querySelector('caption')?.textContent || el.className;
        out.push(`${label.trim().slice(0, 60)}: ${el.scrollWidth}px in ${el.clientWidth}px`);
      }
    }
    return out;
  });
  assert.deepEqual(wide, [], `${where}: wider than the window at ${page.viewportSize().width}px`);
}

/** The same page at a phone's width (390 px): a screenshot, and no sideways scrolling. */
export async function atPhoneWidth(page, role, name) {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await screenshot(page, role, `${name}-390`);
    const root = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(root <= 391, `${role}/${name}: the page scrolls sideways at 390 px (${root}px)`);
  } finally {
    await page.setViewportSize(before);
  }
}

/** A short description of the focused element, for messages. */
export function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '<body>';
    const id = el.id ? `#${el.id}` : '';
    const href = el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : '';
    const text = (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${href}> ${text}`;
  });
}

/**
 * Whether the focused element shows a focus indicator: a non-none outline of non-zero width,
 * or a box-shadow. Returns { ok, outline, boxShadow, element }.
 */
export function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, element: '<body>' };
    const cs = getComputedStyle(el);
    const outline = `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`;
    const hasOutline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const hasShadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {
      ok: Boolean(hasOutline || hasShadow),
      outline,
      boxShadow: cs.boxShadow,
      element: el.outerHTML.slice(0, 160),
    };
  });
}

export async function assertFocusVisible(page, what = 'focused element') {
  const f = await focusIndicator(page);
  assert.ok(
    f.ok,
    `no visible focus indicator on ${what}: outline "${f.outline}", box-shadow "${f.boxShadow}" — ${f.element}`,
  );
}

/**
 * Presses Tab (or Shift+Tab) until `matches()` — an async check run in Node, usually a
 * page.evaluate on document.activeElement — returns true; fails after `max` presses. Every
 * element reached on the way must show a focus indicator. Returns the number of presses.
 */
export async function tabUntil(page, matches, { max = 60, what = 'target', shift = false } = {}) {
  const key = shift ? 'Shift+Tab' : 'Tab';
  const seen = [];
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(key);
    const f = await focusIndicator(page);
    if (f.element !== '<body>') {
      assert.ok(
        f.ok,
        `Tab stop ${i} on ${page.url()} has no visible focus indicator: outline "${f.outline}", box-shadow "${f.boxShadow}" — ${f.element}`,
      );
    }
    if (await matches()) return i;
    seen.push(await describeFocus(page));
  }
  assert.fail(`did not reach ${what} within ${max} Tab presses on ${page.url()}; focus went:\n  ${seen.join('\n  ')}`);
}

/** Whether the focused element matches a CSS selector. */
export function focusMatches(page, selector) {
  return page.evaluate((sel) => {
    const el = document.activeElement;
    return Boolean(el && el !== document.body && el.matches(sel));
  }, selector);
}

/** Whether the focused element is the first element matching a CSS selector. */
export function focusIsFirst(page, selector) {
  return page.evaluate((sel) => {
    const el = document.activeElement;
    return Boolean(el && el === document.querySelector(sel));
  }, selector);
}

/** Tab until the focused element matches a CSS selector. */
export function tabToSelector(page, selector, opts = {}) {
  return tabUntil(page, () => focusMatches(page, selector), { what: selector, ...opts });
}

/** Presses Enter and waits for the navigation it causes. */
export async function enterAndWait(page, urlPattern) {
  assert.ok(!urlPattern.test(page.url()), `already at ${page.url()}, cannot wait for ${urlPattern}`);
  await Promise.all([page.waitForURL(urlPattern), page.keyboard.press('Enter')]);
  await page.waitForLoadState('load');
}

/** National-id-like numbers: 11 digits standing alone, also as pages group them (241095 12482). */
export const ELEVEN_DIGITS = /\b\d{6}[ \u00a0]?\d{5}\b/;
