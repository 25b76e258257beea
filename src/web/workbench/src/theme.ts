import type { ThemeConfig } from 'antd';

/**
 * Ant Design's look with colours that meet WCAG 2.1 AA contrast for text (4.5:1, 1.4.3). antd's
 * defaults fall short on white: the blue #1677ff (4.1:1), the status colours that status tags write
 * their text in (green 2.2:1, red 3.0:1, gold 1.9:1) and the grey of descriptions and empty states (3.4:1).
 */
export const workbenchTheme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    // Outlined buttons write their text in the hover colour under the pointer: derived, it is 3.9:1.
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    // Links and link buttons take their own token, derived from the info blue (#1677ff, 4.1:1), not the primary.
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    // Darker status colours keep antd's own light backgrounds: derived from a dark seed they turn grey.
    colorSuccess: '#237804',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorError: '#cf1322',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    // Warning tags and alerts write their text in this colour: antd's gold is 1.9:1 on white.
    colorWarning: '#ad4e00',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
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
