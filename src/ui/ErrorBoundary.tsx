import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** Last line of defence: a render error shows a plain message and a way back, never a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('ringlab: the page hit an error', error, info.componentStack);
  }

  private restart = () => {
    window.location.hash = '';
    window.location.reload();
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert" data-testid="app-crash">
        <h2>Something went wrong on this page.</h2>
        <p>Your settings could not be shown. Starting again with the default settings usually helps.</p>
        <button type="button" className="btn primary" onClick={this.restart}>
          Start again with defaults
        </button>
        <details>
          <summary>Technical details</summary>
          <pre>{error.message}</pre>
        </details>
      </div>
    );
  }
}
