import { render } from 'preact';
import '../popup/popup.css';
import './approval.css';
import { ApprovalWindow } from './ApprovalWindow.tsx';

const root = document.getElementById('root');
if (root)
  render(
    <div class="popup">
      <header class="header">
        <span class="brand">
          <img src="/icons/icon-32.png" alt="" width={20} height={20} /> Okto
        </span>
      </header>
      <main>
        <ApprovalWindow />
      </main>
    </div>,
    root,
  );
