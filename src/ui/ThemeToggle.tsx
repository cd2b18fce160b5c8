import { useTheme } from '../state/app';

/** Light / dark switch; the choice is remembered (localStorage), else the system setting is followed. */
export function ThemeToggle() {
  const theme = useTheme((s) => s.theme);
  const toggle = useTheme((s) => s.toggle);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="btn theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={theme === 'dark'}
      aria-label="Dark theme"
      title={`Switch to the ${next} theme`}
      onClick={toggle}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> {theme === 'dark' ? 'Dark' : 'Light'}
    </button>
  );
}
