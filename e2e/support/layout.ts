// Layout checks from bounding boxes: finds visible things on the page that overlap each other (text
// drawn over text, a button over a button), as a user would see them at a given window size.
//
// What counts as a thing: every control (button, link, input, select, textarea, [role=switch|radio|
// tab|meter|checkbox|slider]), every svg/canvas/img, and every run of text (measured with a Range on the
// text node, so a paragraph is its text, not its block box). Each box is clipped by the viewport and by
// every ancestor that clips (overflow other than visible), so what is scrolled out of sight is ignored.
// Invisible things (display none, visibility hidden, opacity 0, 1-px screen-reader text) are skipped,
// and so are pairs where one contains the other in the DOM (a label inside its button). An element
// marked data-overlap-ok (an overlay meant to sit on a chart) is skipped with everything inside it.
import type { Page } from 'playwright-core';

export interface Overlap {
  a: string;
  b: string;
  /** The intersection, in CSS pixels. */
  width: number;
  height: number;
}

/** Overlaps larger than `tolerance` px in both directions (sub-pixel touching is not an overlap). */
export async function findOverlaps(page: Page, options: { tolerance?: number } = {}): Promise<Overlap[]> {
  // tsx (esbuild keepNames) wraps named functions in __name(): give the page a no-op one.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate((tolerance) => {
    type Box = { el: Element; x0: number; y0: number; x1: number; y1: number; label: string };
    const controls =
      'button, a[href], input:not([type=hidden]), select, textarea, [role=switch], [role=radio], [role=tab], [role=meter], [role=checkbox], [role=slider], svg, canvas, img';
    const describe = (el: Element, text?: string) => {
      const id = el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? '';
      const t = (text ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `<${el.tagName.toLowerCase()}${id ? ` "${id}"` : ''}>${t ? ` ${JSON.stringify(t)}` : ''}`;
    };
    const clipOf = (el: Element, self: boolean) => {
      let x0 = 0,
        y0 = 0,
        x1 = window.innerWidth,
        y1 = window.innerHeight;
      for (let p = self ? el : el.parentElement; p; p = p.parentElement) {
        const cs = getComputedStyle(p);
        if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
          const r = p.getBoundingClientRect();
          x0 = Math.max(x0, r.left);
          y0 = Math.max(y0, r.top);
          x1 = Math.min(x1, r.right);
          y1 = Math.min(y1, r.bottom);
        }
      }
      return { x0, y0, x1, y1 };
    };
    const visible = (el: Element) =>
      !el.closest('[data-overlap-ok]') &&
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true });
    const boxes: Box[] = [];
    const add = (el: Element, r: DOMRect, label: string, isText: boolean) => {
      if (r.width <= 1 || r.height <= 1) return;
      const c = clipOf(el, isText); // a text run is clipped by its own element too (screen-reader-only text)
      const b = {
        el,
        x0: Math.max(r.left, c.x0),
        y0: Math.max(r.top, c.y0),
        x1: Math.min(r.right, c.x1),
        y1: Math.min(r.bottom, c.y1),
        label,
      };
      if (b.x1 - b.x0 > 1 && b.y1 - b.y0 > 1) boxes.push(b);
    };
    for (const el of document.querySelectorAll(controls)) {
      if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
      if (el.tagName.toLowerCase() === 'svg' && el.closest('button, a[href], [role=switch], [role=radio], [role=tab], [role=checkbox]'))
        continue; // an icon inside its control
      if (visible(el)) add(el, el.getBoundingClientRect(), describe(el), false);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const el = n.parentElement;
      if (
        !text.trim() ||
        !el ||
        el.closest('button, a[href], [role=switch], [role=radio], [role=tab], svg, option, select, textarea, script, style')
      )
        continue;
      if (!visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      add(el, range.getBoundingClientRect(), describe(el, text), true);
    }
    const out: { a: string; b: string; width: number; height: number }[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i],
          b = boxes[j];
        const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (w <= tolerance || h <= tolerance) continue;
        if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
        out.push({ a: a.label, b: b.label, width: Math.round(w), height: Math.round(h) });
      }
    }
    return out;
  }, options.tolerance ?? 2);
}

/** One line per overlap, for an assertion message. */
export function formatOverlaps(overlaps: Overlap[]): string {
  return overlaps.map((o) => `${o.a} overlaps ${o.b} by ${o.width}×${o.height} px`).join('\n');
}
