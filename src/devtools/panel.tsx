import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  evalInspectedOrigin,
  type InspectedTab,
  inspectedTabFromQuery,
  isInDevtools,
} from './inspectedTab.ts';
import { OktoPanel } from './OktoPanel.tsx';
import '../popup/popup.css';
import './panel.css';

/** Resolves the inspected tab, and follows the inspected page's origin across navigations. */
function App() {
  const [tab, setTab] = useState<InspectedTab | undefined>(() =>
    isInDevtools() ? undefined : inspectedTabFromQuery(location.search),
  );
  useEffect(() => {
    if (!isInDevtools()) return;
    const tabId = chrome.devtools.inspectedWindow.tabId;
    const update = () => void evalInspectedOrigin().then((origin) => setTab({ tabId, origin }));
    update();
    chrome.devtools.network.onNavigated.addListener(update);
    return () => chrome.devtools.network.onNavigated.removeListener(update);
  }, []);
  return tab ? <OktoPanel tab={tab} /> : null;
}

// Follow DevTools' theme; `?theme=dark` does the same for panel.html opened on its own.
const dark = isInDevtools()
  ? chrome.devtools.panels.themeName === 'dark'
  : new URLSearchParams(location.search).get('theme') === 'dark';
document.documentElement.classList.toggle('theme-dark', dark);

const root = document.getElementById('root');
if (root) render(<App />, root);
