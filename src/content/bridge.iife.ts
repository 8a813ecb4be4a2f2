// Will become the isolated-world bridge that relays messages between the page's provider and the service worker.
export {};
