/**
 * The sign-in page's own styles, served at /assets/signin.css after the portal's. Contrast (WCAG 2.1
 * AA): error text #a4160e on #fdf2f1 6.9:1; field borders #4b4b4b on #fff 8.7:1 (non-text ≥ 3:1);
 * the button #fff on #0b4f9c 8.0:1.
 */
import { createHash } from 'node:crypto';

export const SIGNIN_CSS = `
.signin { max-width: 28rem; margin: 2rem 0; }
.signin label { display: block; font-weight: 600; margin-top: 1rem; }
.signin .hint { display: block; color: #4b4b4b; font-size: 0.9rem; }
.signin input[type="text"], .signin input[type="password"] {
  display: block; width: 100%; margin-top: 0.25rem; padding: 0.5rem;
  font: inherit; border: 2px solid #4b4b4b; border-radius: 0;
}
.signin input[aria-invalid="true"] { border-color: #a4160e; }
.signin button {
  margin-top: 1.5rem; padding: 0.5rem 1.5rem; font: inherit; font-weight: 600;
  color: #ffffff; background: #0b4f9c; border: 2px solid #0b4f9c; cursor: pointer;
}
.signin input:focus-visible, .signin button:focus-visible {
  outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c;
}
.signin-error { border-left: 5px solid #a4160e; background: #fdf2f1; color: #a4160e; padding: 0.75rem 1rem; }
.signin-error h2 { margin: 0 0 0.25rem; font-size: 1.1rem; }
.signin-error p { margin: 0; }
`;

/** Changes whenever the stylesheet does, so pages may link it with a long cache lifetime. */
export const SIGNIN_CSS_VERSION = createHash('sha256').update(SIGNIN_CSS).digest('hex').slice(0, 12);
