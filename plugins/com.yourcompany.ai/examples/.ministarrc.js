// mini-star config for the example third-party plugin(s) in ./plugins (built by ../build.mjs --example).
const path = require('path');

const repoRoot = path.resolve(__dirname, '../../..');

module.exports = {
  scope: 'plugins',
  pluginRoot: __dirname,
  outDir: path.resolve(repoRoot, 'dist'),
  sourceMap: false,
  // The host's shared modules, plus the AI plugin itself: at runtime mini-star resolves
  // `@plugins/com.yourcompany.ai` to the loaded plugin's exports (loading it first if needed).
  externalDeps: ['react', 'react-router', 'axios', 'styled-components', 'zustand', 'zustand/middleware/immer', '@plugins/com.yourcompany.ai'],
};
