import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToCore } from './api/connect.ts';
import { ApiContext } from './api/hooks.ts';
import { App } from './app/App.tsx';
import './styles.css';

const client = connectToCore();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={client}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
