import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiProvider.tsx';
import { connectToCore } from './api/connect.ts';
import { bridgeCoreEvents, createQueryClient } from './api/query.ts';
import { App } from './app/App.tsx';
import './styles.css';

const client = connectToCore();
const queryClient = createQueryClient();
bridgeCoreEvents(client, queryClient);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider client={client} queryClient={queryClient}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
