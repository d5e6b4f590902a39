/**
 * The composition root's parts that domain tests need (every domain's row bindings, the service
 * wiring): tests reach `src/server/` through here, so domain folders never import it.
 */
export { ROW_BINDINGS } from '../../src/server/row-bindings.js';
export { createServices, type AppServices } from '../../src/server/context.js';
