/**
 * antd 5 draws its click wave (buttons, radios) into a detached container with react-dom's legacy
 * `render`, which React 19 removed; without this the effect silently does nothing. This is the
 * adapter antd documents for React 19 (https://ant.design/docs/react/v5-for-19), written out
 * instead of adding the `@ant-design/v5-patch-for-react-19` package for a dozen lines.
 */
import { unstableSetRender } from 'antd';
import { createRoot, type Root } from 'react-dom/client';

const roots = new WeakMap<Element | DocumentFragment, Root>();

export function installAntdReact19Render(): void {
  unstableSetRender((node, container) => {
    const root = roots.get(container) ?? createRoot(container);
    roots.set(container, root);
    root.render(node);
    return async () => {
      // Unmounting while React is rendering warns; let the current render finish first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      root.unmount();
      roots.delete(container);
    };
  });
}
