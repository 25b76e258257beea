/**
 * Code to read (a JSON Schema, a mapped result) in a box that scrolls rather than stretching the
 * page. The box is a named region that takes focus, so a keyboard can scroll it (WCAG 2.1.1).
 */
export function CodeBlock({ label, children }: { label: string; children: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be focusable to be scrolled without a mouse.
    <section className="exchange-code" tabIndex={0} aria-label={label}>
      <pre>{children}</pre>
    </section>
  );
}
