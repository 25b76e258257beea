/**
 * The case pages' stylesheet, served at /assets/cases.css after the portal's and the account pages'
 * (which bring the error summary and field errors): the application form, tables, the light badges,
 * the steps and the rating choices. Contrast (WCAG 2.1 AA, ≥ 4.5:1 for text, ≥ 3:1 for borders):
 * badges #fff on #0b6b3a 6.6:1, #1f1f1f on #ffdd00 14:1, #fff on #b10e1e 7.1:1; the new mark
 * #fff on #0b4f9c 8.0:1; control borders #4b4b4b on #fff 8.7:1; focus as the portal's.
 */
import { createHash } from 'node:crypto';

export const CASES_CSS = `
.case-form { max-width: 40rem; }
.case-form fieldset { margin: 0 0 1.25rem; padding: 0.75rem 1rem; border: 1px solid #d8dadf; }
.case-form fieldset.choices { padding: 0; border: 0; }
.case-form legend { font-weight: 700; padding: 0 0.25rem; }
.case-form input[type="text"], .case-form input[type="tel"], .case-form input[type="email"],
.case-form input[type="date"], .case-form input[type="number"], .case-form select, .case-form textarea {
  width: 100%;
  max-width: 32rem;
  padding: 0.5rem;
  font: inherit;
  border: 2px solid #4b4b4b;
  border-radius: 0;
  background: #ffffff;
}
.case-form input[type="file"] { display: block; margin: 0.25rem 0; font: inherit; }
.case-form [aria-invalid="true"] { border-color: #b10e1e; border-width: 3px; }
.case-form button, .inline-form button {
  padding: 0.625rem 1.5rem;
  font: inherit;
  font-weight: 600;
  color: #ffffff;
  background: #0b4f9c;
  border: 2px solid #0b4f9c;
  cursor: pointer;
}
.case-form button.secondary { color: #0b4f9c; background: #ffffff; }
textarea:focus-visible, select:focus-visible, input:focus-visible, button:focus-visible, .table-scroll:focus-visible {
  outline: 3px solid #ffdd00;
  outline-offset: 0;
  box-shadow: inset 0 0 0 2px #0b0c0c;
}
.required-mark { font-weight: 400; }
.notice { padding: 0.75rem 1rem; border-left: 4px solid #0b4f9c; background: #f4f5f7; }
.case-number { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-weight: 700; }
.case-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.375rem 1.5rem; margin: 0 0 1.5rem; }
.case-facts dt { font-weight: 600; }
.case-facts dd { margin: 0; }
.case-section { margin: 2rem 0 0; }
.table-scroll { overflow-x: auto; }
.case-table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
.case-table caption { text-align: left; font-weight: 600; padding: 0 0 0.5rem; }
.case-table th, .case-table td { text-align: left; vertical-align: top; padding: 0.5rem; border: 1px solid #d8dadf; }
.case-table thead th { background: #f4f5f7; }
.light { display: inline-block; padding: 0 0.5rem; font-weight: 600; border-radius: 2px; }
.light-green { color: #ffffff; background: #0b6b3a; }
.light-yellow { color: #1f1f1f; background: #ffdd00; }
.light-red { color: #ffffff; background: #b10e1e; }
.case-steps { margin: 0; padding-left: 1.5rem; }
.case-steps li { margin: 0 0 0.5rem; }
.step-what { font-weight: 600; }
.step-reason { color: #1f1f1f; }
.new-mark { display: inline-block; padding: 0 0.375rem; color: #ffffff; background: #0b4f9c; font-size: 0.875rem; }
.notification-list { margin: 0 0 1rem; padding: 0; list-style: none; }
.notification-list li { padding: 0.5rem 0; border-bottom: 1px solid #d8dadf; }
.pager ul { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0 0; padding: 0; list-style: none; }
`;

/** Changes whenever the stylesheet does: pages link `?v=` it, so a browser may keep each version. */
export const CASES_CSS_VERSION = createHash('sha256').update(CASES_CSS).digest('hex').slice(0, 12);

/** The case pages' stylesheet as the pages link it, by version. */
export const CASES_STYLESHEET = `/assets/cases.css?v=${CASES_CSS_VERSION}`;
