/**
 * The account pages' stylesheet, served at /assets/account.css after the portal's: forms, the error
 * summary and field errors. Contrast (WCAG 2.1 AA, ≥ 4.5:1 for text, ≥ 3:1 for input borders): error
 * text #b10e1e on #fff 7.1:1; hints #4b4b4b on #fff 8.7:1; input borders #4b4b4b on #fff 8.7:1; the
 * button #fff on #0b4f9c 8.0:1; focus as the portal's (#0b0c0c on #ffdd00).
 */
import { createHash } from 'node:crypto';

export const ACCOUNT_CSS = `
.tabs { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 1.5rem; padding: 0; list-style: none; border-bottom: 2px solid #d8dadf; }
.tabs a { display: block; padding: 0.5rem 1rem; text-decoration: none; }
.tabs a[aria-current="page"] { font-weight: 700; border-bottom: 4px solid #8c1c13; color: #1f1f1f; }
.account-form { max-width: 36rem; }
.field, .account-form fieldset { margin: 0 0 1.25rem; }
.account-form fieldset { padding: 0; border: 0; }
.account-form legend, .field > label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { margin: 0 0 0.25rem; color: #4b4b4b; font-size: 0.9375rem; }
.field-error { margin: 0 0 0.25rem; color: #b10e1e; font-weight: 600; }
.account-form input[type="text"], .account-form input[type="tel"], .account-form input[type="email"],
.account-form input[type="password"] {
  width: 100%;
  padding: 0.5rem;
  font: inherit;
  border: 2px solid #4b4b4b;
  border-radius: 0;
}
.account-form input[aria-invalid="true"] { border-color: #b10e1e; border-width: 3px; }
.field-invalid { padding-left: 0.75rem; border-left: 4px solid #b10e1e; }
.choice { display: flex; align-items: center; gap: 0.5rem; margin: 0.25rem 0; }
.choice input { width: 1.25rem; height: 1.25rem; margin: 0; }
.account-form button, .signout-form button {
  padding: 0.625rem 1.5rem;
  font: inherit;
  font-weight: 600;
  color: #ffffff;
  background: #0b4f9c;
  border: 2px solid #0b4f9c;
  cursor: pointer;
}
input:focus-visible, button:focus-visible, .error-summary:focus {
  outline: 3px solid #ffdd00;
  outline-offset: 0;
  box-shadow: inset 0 0 0 2px #0b0c0c;
}
.error-summary { margin: 0 0 1.5rem; padding: 1rem; border: 4px solid #b10e1e; }
.error-summary h2 { margin-top: 0; border: 0; font-size: 1.25rem; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary a { color: #b10e1e; font-weight: 600; }
.account-details { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.5rem; margin: 0 0 1.5rem; }
.account-details dt { font-weight: 600; }
.account-details dd { margin: 0; }
`;

/** Changes whenever the stylesheet does: pages link `?v=` it, so a browser may keep each version. */
export const ACCOUNT_CSS_VERSION = createHash('sha256').update(ACCOUNT_CSS).digest('hex').slice(0, 12);

/** The account pages' stylesheet as the pages link it, by version. */
export const ACCOUNT_STYLESHEET = `/assets/account.css?v=${ACCOUNT_CSS_VERSION}`;
