/**
 * Builds the staff workbench into dist/web/workbench, where the server's workbench routes serve it
 * under /workbench/. Run by `npm run build` (scripts/build.js).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Libraries that change together are cached together: a new page of ours leaves these hashes alone.
const VENDOR_CHUNKS: Array<[chunk: string, packages: RegExp]> = [
  ['react', /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/],
  ['antd', /[\\/]node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/],
  // Charts load with the pages that draw them (supervision, statistics), not on every first paint.
  ['echarts', /[\\/]node_modules[\\/](echarts|zrender)[\\/]/],
];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/workbench/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../../dist/web/workbench', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          return VENDOR_CHUNKS.find(([, packages]) => packages.test(id))?.[0] ?? 'vendor';
        },
      },
    },
  },
});
