/**
 * Makes Vite (the demo) and Vitest (every test project) resolve workspace packages to their
 * TypeScript sources through the `source` export condition, so nothing inside the repository needs
 * a build to run. The other conditions are Vite's defaults, which a `conditions` list replaces.
 */
export const sourceConditions = {
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
}
