import { Button } from 'antd';
import { useState } from 'react';
import { useLocale } from '../locale-context';

/**
 * Copies `text` to the clipboard and says so in a live region; where the clipboard is refused (an
 * insecure origin, a policy), it says that instead, and the text stays on screen to select by hand.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useLocale();
  const [result, setResult] = useState<'copied' | 'failed' | undefined>();
  const copy = () => {
    navigator.clipboard
      ?.writeText(text)
      .then(() => setResult('copied'))
      .catch(() => setResult('failed')) ?? setResult('failed');
  };
  return (
    <span className="copy-button">
      <Button onClick={copy}>{label}</Button>
      <span role="status" className="copy-result">
        {result === 'copied' ? t('copy.done') : result === 'failed' ? t('copy.failed') : ''}
      </span>
    </span>
  );
}
