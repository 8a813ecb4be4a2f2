// Runs in the hidden devtools page: adds the Okto panel to DevTools.
chrome.devtools.panels.create('Okto', '/icons/icon-32.png', 'panel.html');
