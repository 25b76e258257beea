import type { ThemeConfig } from 'antd';

/**
 * Ant Design's look with colours that meet WCAG 2.1 AA contrast for text (4.5:1, 1.4.3). antd's
 * defaults fall short on white: the blue #1677ff (4.1:1), the status colours that status tags write
 * their text in (green 2.2:1, red 3.0:1) and the grey of descriptions and empty states (3.4:1).
 */
export const workbenchTheme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    // Darker status colours keep antd's own light backgrounds: derived from a dark seed they turn grey.
    colorSuccess: '#237804',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorError: '#cf1322',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
  },
  components: {
    Layout: {
      headerBg: '#002c8c',
      headerColor: '#ffffff',
      headerPadding: '0 24px',
    },
  },
};
