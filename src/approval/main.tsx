import { render } from 'preact';
import '../popup/popup.css';
import './approval.css';
import { Approval } from './Approval.tsx';

const root = document.getElementById('root');
const id = new URLSearchParams(location.search).get('id') ?? '';
if (root)
  render(
    <div class="popup">
      <header class="header">
        <span class="brand">
          <img src="/icons/icon-32.png" alt="" width={20} height={20} /> Okto
        </span>
      </header>
      <main>
        <Approval id={id} />
      </main>
    </div>,
    root,
  );
