import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from './html.js';

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const name = `<script>alert("1")</script> & 'x'`;
    expect(html`<p title="${name}">${name}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;">&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;x&#39;</p>',
    );
  });

  it('keeps markup built by html, once, and escapes what is inside it', () => {
    const item = (text: string) => html`<li>${text}</li>`;
    expect(html`<ul>${['a<b', 'c&d'].map(item)}</ul>`.markup).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
  });

  it('renders nothing for null, undefined and false, and numbers as text', () => {
    expect(html`[${null}${undefined}${false}${0}${42}]`.markup).toBe('[042]');
  });

  it('passes hand-marked markup through as the explicit exception', () => {
    expect(html`${new SafeHtml('<br>')}${'<br>'}`.markup).toBe('<br>&lt;br&gt;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
