/**
 * The portal's stylesheet, served at /assets/portal.css. A TypeScript string rather than a .css file
 * because the build copies only .json files from src to dist; here it exists in both.
 *
 * Contrast (WCAG 2.1 AA asks ≥ 4.5:1 for text): body #1f1f1f on #fff 16.5:1; muted #4b4b4b on #fff
 * 8.7:1 and on #f4f5f7 8.0:1; links #0b4f9c on #fff 8.0:1 and on #f4f5f7 7.4:1; header #fff on
 * #8c1c13 9.2:1; focus #0b0c0c on #ffdd00 14.6:1.
 */
import { createHash } from 'node:crypto';

export const PORTAL_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  color: #1f1f1f;
  background: #ffffff;
  font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  line-height: 1.6;
}
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b4f9c; text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 0.15em; }
/* One focus style everywhere, visible on light and dark backgrounds alike. */
a:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid transparent;
  color: #0b0c0c;
  background: #ffdd00;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c;
  text-decoration: none;
}
main:focus { outline: none; }
.skip-link {
  position: absolute;
  left: -10000px;
  top: auto;
  padding: 0.5rem 1rem;
}
.skip-link:focus { position: static; display: block; }
.site-header { background: #8c1c13; color: #ffffff; }
.site-header .wrap {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  justify-content: space-between;
  gap: 0.5rem 1.5rem;
  padding-top: 0.75rem;
  padding-bottom: 0.75rem;
}
.site-header a { color: #ffffff; }
.site-name { margin: 0; font-size: 1.25rem; font-weight: 700; }
.site-name a { text-decoration: none; }
.header-links { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0; padding: 0; list-style: none; }
main { display: block; padding: 1.5rem 0 2.5rem; }
h1 { font-size: 1.75rem; line-height: 1.3; margin: 0 0 1rem; }
h2 { font-size: 1.375rem; line-height: 1.3; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid #8c1c13; }
h3 { font-size: 1.125rem; margin: 1.25rem 0 0.5rem; }
.lead { max-width: 48rem; }
.unit-list {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
  gap: 0.5rem 1.5rem;
  margin: 0;
  padding: 0;
  list-style: none;
}
.unit-list li { padding: 0.375rem 0; border-bottom: 1px solid #d8dadf; }
.centre-list li { padding: 0.75rem; background: #f4f5f7; border: 1px solid #d8dadf; border-left: 4px solid #8c1c13; }
.centre-name { display: block; font-weight: 600; }
.centre-serves { display: block; color: #4b4b4b; font-size: 0.9375rem; }
.notice { padding: 1rem; background: #f4f5f7; border-left: 4px solid #0b4f9c; }
.site-footer { border-top: 1px solid #d8dadf; background: #f4f5f7; color: #4b4b4b; padding: 1.25rem 0; font-size: 0.9375rem; }
.site-footer p { margin: 0 0 0.5rem; }
@media (max-width: 30rem) {
  h1 { font-size: 1.5rem; }
}
`;

/** Changes whenever the stylesheet does: pages link `?v=` it, so a browser may cache each version for good. */
export const PORTAL_CSS_VERSION = createHash('sha256').update(PORTAL_CSS).digest('hex').slice(0, 12);
