import { render } from 'preact';
import { App } from './App.tsx';
import './popup.css';

const root = document.getElementById('root');
if (root) render(<App />, root);
