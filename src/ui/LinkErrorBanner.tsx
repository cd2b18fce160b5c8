import { useApp } from '../state/app';

/** Shown when the page was opened with a link it cannot use; the form falls back to defaults. */
export function LinkErrorBanner() {
  const linkError = useApp((s) => s.linkError);
  const dismiss = useApp((s) => s.dismissLinkError);
  if (!linkError) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="link-error">
      <div className="banner-body">
        <strong className="banner-title" data-testid="link-error-message">
          {linkError.message}
        </strong>
        <p>The form below shows the default settings instead.</p>
        {linkError.details.length > 0 && (
          <details data-testid="link-error-details">
            <summary>Details</summary>
            <ul>
              {linkError.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          </details>
        )}
      </div>
      <button type="button" className="btn ghost" onClick={dismiss} aria-label="Dismiss this message">
        ✕
      </button>
    </div>
  );
}
