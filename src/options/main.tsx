import { render } from 'preact';

// Placeholder entry; the settings page replaces this.
function OptionsPage() {
  return (
    <main>
      <h1>Okto settings</h1>
    </main>
  );
}

const root = document.getElementById('root');
if (root) render(<OptionsPage />, root);
