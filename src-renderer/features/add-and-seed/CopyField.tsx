import { useEffect, useState } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { copyText, legacyCopy } from './clipboard';

/** How long the button says "Copied". */
const copiedFeedbackMs = 1500;

export function copyToClipboard(text: string) {
  const client = getClient();
  return copyText(text, {
    transport: client.transport,
    api: client,
    clipboard: window.isSecureContext ? navigator.clipboard : undefined,
    legacyCopy,
  });
}

/** A read-only value (a magnet link, an announce URL) with a Copy button beside it. */
export function CopyField({
  label,
  value,
  testId,
}: {
  label: string;
  value: string;
  testId?: string;
}) {
  const [copied, setCopied] = useState(false);
  const pushToast = useStore((s) => s.pushToast);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), copiedFeedbackMs);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div className="copy-field">
      <input
        className="input mono"
        readOnly
        value={value}
        aria-label={label}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        className="button"
        onClick={() => {
          void copyToClipboard(value).then((outcome) => {
            if (outcome === 'copied') setCopied(true);
            else {
              pushToast({
                level: 'warn',
                title: 'Could not copy',
                message: 'Select the text and copy it with the keyboard.',
              });
            }
          });
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
