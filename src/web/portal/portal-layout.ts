/**
 * The page shell every portal page shares: language, skip link, header with the language switch,
 * main, footer. Landmarks and one h1 per page (the page supplies it) follow WCAG 2.1 AA / GB/T 37668.
 */
import { type Locale, translate } from '../../platform/i18n/messages.js';
import { html, type SafeHtml } from './html.js';
import { PORTAL_CSS_VERSION } from './portal.css.js';
import { langParameterOf } from './portal-locale.js';
import './portal.messages.js';
import './services.messages.js';

export interface PageOptions {
  locale: Locale;
  /** The document title; usually the page's h1. */
  title: string;
  /** In-page sections the header navigation links to, before the language switch. */
  sections: ReadonlyArray<{ id: string; label: string }>;
  /** The content of `<main>`, starting with its h1. */
  main: SafeHtml;
  /** Where the language switch leads (this page in the other language); the home page by default. */
  languageSwitchPath?: string;
  /** Stylesheets of the page's own, after the portal's. */
  stylesheets?: readonly string[];
}

/**
 * A whole HTML document around a page's main content.
 * @example renderPage({ locale: 'zh-CN', title: '汇通区', sections: [], main: html`<h1>汇通区</h1>` })
 */
export function renderPage({
  locale,
  title,
  sections,
  main,
  languageSwitchPath = '/',
  stylesheets = [],
}: PageOptions): SafeHtml {
  const t = (key: string) => translate(key, locale);
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="/assets/portal.css?v=${PORTAL_CSS_VERSION}">
${stylesheets.map(
  (href) => html`<link rel="stylesheet" href="${href}">
`,
)}</head>
<body>
<a class="skip-link" href="#main">${t('portal.skip_to_main')}</a>
<header class="site-header">
<div class="wrap">
<p class="site-name"><a href="/">${t('portal.platform_name')}</a></p>
<nav aria-label="${t('portal.nav.label')}">
<ul class="header-links">
${sections.map(
  ({ id, label }) => html`<li><a href="#${id}">${label}</a></li>
`,
)}<li><a href="/services">${t('portal.nav.services')}</a></li>
<li><a href="/track">${t('portal.nav.track')}</a></li>
<li><a href="/account">${t('portal.nav.account')}</a></li>
<li><a href="${languageSwitchPath}?lang=${langParameterOf(other)}" lang="${other}" hreflang="${other}">${t('portal.language.switch')}</a></li>
</ul>
</nav>
</div>
</header>
<main id="main" tabindex="-1">
<div class="wrap">
${main}
</div>
</main>
<footer class="site-footer">
<div class="wrap">
<p>${t('portal.footer.about')}</p>
<p><a href="/docs">${t('portal.footer.api')}</a></p>
</div>
</footer>
</body>
</html>
`;
}
