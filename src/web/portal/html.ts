/**
 * HTML built from templates that escape every interpolated value. Only the template's own literal
 * text and values already built by `html` (marked `SafeHtml`) pass unescaped, so data never becomes
 * markup: a unit named `<script>` stays text.
 */

/**
 * Markup that is safe to put in a page as is. `html` makes these; constructing one by hand is the
 * explicit mark for markup the code itself wrote, never for data.
 */
export class SafeHtml {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: text (escaped), markup, a list of either, or nothing. */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an element's content or a quoted attribute value.
 * @example escapeHtml('<b>"A&B"</b>') // '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/**
 * A template whose interpolations are escaped unless they are `SafeHtml`; lists are joined, and
 * `null`, `undefined` and `false` render as nothing (so `${cond && html`…`}` works).
 * @example html`<li>${unit.nameZh}</li>` // a unit named <script> renders as &lt;script&gt;
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}
