// Runs in the hidden devtools page: adds the Okto panel to DevTools. Root-absolute paths: Firefox resolves
// them against the calling page, Chrome against the extension's root; from '/' both agree.
chrome.devtools.panels.create('Okto', '/icons/icon-32.png', '/panel.html');
