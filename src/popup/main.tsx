import { render } from 'preact';

// Placeholder entry; the popup's real UI replaces this.
function Popup() {
  return (
    <main id="app">
      <h1>Okto</h1>
      <p>Loading…</p>
    </main>
  );
}

const root = document.getElementById('root');
if (root) render(<Popup />, root);
