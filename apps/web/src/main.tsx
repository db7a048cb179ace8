import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { lang } from './i18n.js';
import './styles.css';

document.documentElement.lang = lang;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  // A minimal service worker: it makes the app installable and shows an offline page; it caches no API data.
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}
