import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from './app/router.js';
import { SessionProvider } from './app/session.js';
import { Shell } from './app/Shell.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <RouterProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </RouterProvider>
  </StrictMode>,
);
