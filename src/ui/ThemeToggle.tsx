import { useTheme } from '../state/app';

/**
 * The dark theme, on or off (a toggle button: its name is its visible text, its state
 * aria-pressed); the choice is remembered (localStorage), else the system setting is followed.
 */
export function ThemeToggle() {
  const theme = useTheme((s) => s.theme);
  const toggle = useTheme((s) => s.toggle);
  const dark = theme === 'dark';
  return (
    <button
      type="button"
      className="btn theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={dark}
      title={dark ? 'The dark theme is on: press for the light theme' : 'The light theme is on: press for the dark theme'}
      onClick={toggle}
    >
      <span aria-hidden="true">{dark ? '☾' : '☀'}</span> Dark theme
    </button>
  );
}
