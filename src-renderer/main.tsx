/** Renderer entry: connect to the host, start syncing the store, render the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getClient } from './api/client';
import { startSync } from './api/sync';
import { App } from './App';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
startSync(getClient());
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
