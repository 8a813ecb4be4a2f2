import { render } from 'preact';

// Placeholder entry; the session-debugging panel replaces this.
function Panel() {
  return (
    <main>
      <h1>Okto</h1>
    </main>
  );
}

const root = document.getElementById('root');
if (root) render(<Panel />, root);
