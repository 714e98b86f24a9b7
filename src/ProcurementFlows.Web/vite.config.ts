import { defineConfig } from 'vite';

// The workbench is served by ProcurementFlows.Server from its wwwroot; during `npm run dev`
// API calls are proxied to a locally running server (override with PF_SERVER_URL).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // bpmn-js and form-js are large by nature; they are split into lazily loaded chunks per page.
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: { main: 'index.html', viewer: 'viewer.html' },
    },
  },
  server: {
    proxy: {
      '/api': process.env.PF_SERVER_URL ?? 'http://localhost:5000',
    },
  },
});
