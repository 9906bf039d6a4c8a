// mini-star bundler config (found by cosmiconfig from the cwd, so build.mjs runs `ministar` here).
// CommonJS on purpose: this package.json has no "type", while the repo root is "type": "module".
const path = require('path');

const repoRoot = path.resolve(__dirname, '../..');

/**
 * Rollup plugin: minify every output chunk and inline process.env.NODE_ENV.
 * Why: mini-star's esbuild step only transforms (and minifies) our own files; node_modules code
 * (zod, marked, refractor, diff) would otherwise ship unminified, and a stray `process.env`
 * would throw in the browser. Runs in renderChunk, i.e. before mini-star's own generateBundle
 * step that rewrites the `definePlugin('<id>', …)` ids (its regex accepts either quote).
 */
function minifyChunks() {
  // The repo's esbuild (not mini-star's 0.12) so modern syntax in dependencies is understood.
  const esbuild = require(require.resolve('esbuild', { paths: [repoRoot] }));
  return {
    name: 'tcai-minify',
    async renderChunk(code) {
      const out = await esbuild.transform(code, {
        minify: process.env.TCAI_NO_MINIFY !== '1',
        target: 'es2022',
        define: { 'process.env.NODE_ENV': '"production"' },
        legalComments: 'none',
        sourcemap: false,
      });
      return { code: out.code, map: null };
    },
  };
}

/**
 * mini-star adds rollup-plugin-styles with its defaults (CSS injected unminified); swap in the
 * same plugin with `minimize` so the stylesheet in the start-up chunk is compact.
 */
function minifyStyles(plugins) {
  const styles = require(require.resolve('rollup-plugin-styles', { paths: [require.resolve('mini-star/package.json', { paths: [repoRoot] })] }));
  return plugins.map((plugin) => (plugin && plugin.name === 'styles' ? styles({ minimize: true }) : plugin));
}

module.exports = {
  scope: 'plugins',
  // mini-star expects <pluginRoot>/plugins/<id>/package.json: that is the repo's plugins/ dir.
  pluginRoot: repoRoot,
  outDir: path.resolve(repoRoot, 'dist'),
  // Exactly what Tailchat's web client registers with regDependency (client/web/src/plugin/loader.ts).
  // react-dom is NOT shared by the host: never import it from the plugin.
  externalDeps: ['react', 'react-router', 'axios', 'styled-components', 'zustand', 'zustand/middleware/immer'],
  // Source maps would be built from the pre-minify code and be misleading; keep them off.
  sourceMap: false,
  rollupPlugins: [minifyChunks()],
  buildRollupPlugins: minifyStyles,
};
