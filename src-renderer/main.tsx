/** Renderer entry: connect to the host, route its events into the store, render the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getClient } from './api/client';
import { startEventRouter } from './api/event-router';
import { App } from './App';
import { runMenuCommand } from './features/add-and-seed/AppCommands';
import { browserEnv, notifyAlert } from './features/notifications/system-notifications';
import './styles/app.css';
import './styles/theme.css';
import './styles/responsive.css';
import { startThemeSync } from './theme/theme-sync';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
startThemeSync(getClient());
startEventRouter(getClient(), {
  notify: (alert) => notifyAlert(browserEnv(), alert),
  runUiCommand: runMenuCommand,
});
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
