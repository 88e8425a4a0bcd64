#!/usr/bin/env node
// A real browser viewer: Debian's Chromium (headless) driven by playwright-core
// opens streamgate's player page N times and samples the page's getStats()
// summary (window.sgStats()) every second.
//   node viewer.js URL [--viewers N] [--seconds S] [--leave-after S]
// Prints one JSON line per sample and a final {"summary": ...} line; exits 0
// when every viewer decoded frames continuously with the DTLS transport
// connected and no packet loss, 1 otherwise.
'use strict';
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const url = args[0];
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const nViewers = opt('--viewers', 1);
const seconds = opt('--seconds', 20);
const leaveAfter = opt('--leave-after', 0); // viewer 0 leaves after S seconds (0 = never)
const shotIdx = args.indexOf('--screenshot');
const screenshot = shotIdx >= 0 ? args[shotIdx + 1] : null; // PNG of viewer 0 at the end

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  const pages = [];
  for (let i = 0; i < nViewers; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[viewer ${i}] ${m.text()}`); });
    await page.goto(url);
    pages.push({ page, ctx, left: false, samples: [] });
  }
  const t0 = Date.now();
  for (let s = 1; s <= seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < pages.length; i++) {
      const v = pages[i];
      if (v.left) continue;
      if (leaveAfter && i === 0 && s === leaveAfter) {
        // Leaving the page fires pagehide: the player DELETEs its WHEP session.
        await v.page.goto('about:blank').catch(() => {});
        await new Promise((r) => setTimeout(r, 300));
        await v.ctx.close();
        v.left = true;
        console.log(JSON.stringify({ t: s, viewer: i, event: 'left' }));
        continue;
      }
      let st;
      try {
        st = await v.page.evaluate(async () => (window.sgStats ? await window.sgStats() : null));
      } catch (e) {
        st = { error: String(e) };
      }
      const state = await v.page.evaluate(() => window.sgState).catch(() => 'unknown');
      v.samples.push(Object.assign({ t: s, state }, st || {}));
      console.log(JSON.stringify(Object.assign({ t: s, viewer: i, state }, st || {})));
    }
  }
  // Verdict per viewer over the last half of the run (the first seconds are the handshake).
  const verdicts = pages.map((v, i) => {
    if (v.left) return { viewer: i, left: true, ok: v.samples.some((x) => (x.framesDecoded || 0) > 0) };
    const tail = v.samples.slice(Math.floor(v.samples.length / 2));
    const first = tail[0] || {}, last = tail[tail.length - 1] || {};
    const frames = (last.framesDecoded || 0) - (first.framesDecoded || 0);
    const lost = last.packetsLost || 0;
    const ok = frames > 0 && last.dtlsState === 'connected' && !!last.srtpCipher && lost === 0;
    return { viewer: i, ok, framesDecoded: last.framesDecoded || 0, framesInTail: frames,
      packetsLost: lost, dtlsState: last.dtlsState, srtpCipher: last.srtpCipher, iceState: last.iceState,
      bytesReceived: last.bytesReceived || 0 };
  });
  const ok = verdicts.every((v) => v.ok);
  console.log(JSON.stringify({ summary: { ok, seconds: (Date.now() - t0) / 1000, viewers: verdicts } }));
  if (screenshot && !pages[0].left) await pages[0].page.screenshot({ path: screenshot });
  // Leave like a user closing the tab: pagehide makes the player DELETE its session.
  for (const v of pages) if (!v.left) await v.page.goto('about:blank').catch(() => {});
  await new Promise((r) => setTimeout(r, 500));
  await browser.close();
  process.exit(ok ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(2); });
