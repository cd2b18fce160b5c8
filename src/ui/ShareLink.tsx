import { useState } from 'react';
import { useApp } from '../state/app';

type CopyState = 'idle' | 'copied' | 'manual';

/** "Copy link": the URL always encodes the current scenario, so the link is simply location.href. */
export function ShareLink() {
  const shareHash = useApp((s) => s.shareHash);
  const valid = useApp((s) => s.valid);
  const currentShareHash = useApp((s) => s.currentShareHash);
  const [state, setState] = useState<CopyState>('idle');
  const href = `${window.location.href.split('#')[0]}${shareHash}`;

  const copy = async () => {
    // The address bar follows typing a moment later: take the link as it is now.
    const url = `${window.location.href.split('#')[0]}${currentShareHash()}`;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setState('copied');
    } catch {
      setState('manual');
    }
  };

  return (
    <div className="share">
      <button
        type="button"
        className="btn"
        data-testid="copy-link"
        onClick={() => void copy()}
        title={valid ? 'Copy a link that opens these exact settings' : 'Copies the link of the last valid settings'}
      >
        Copy link
      </button>
      {state !== 'idle' && (
        <div className="share-out">
          <input
            readOnly
            data-testid="share-url"
            aria-label="Link to these settings"
            value={href}
            onFocus={(e) => e.currentTarget.select()}
          />
          <span className="muted small" data-testid="copy-status" aria-live="polite">
            {state === 'copied' ? 'Copied to the clipboard' : 'Select the link and copy it'}
          </span>
        </div>
      )}
    </div>
  );
}
