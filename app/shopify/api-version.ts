/**
 * The Admin API version every job call uses. It must equal API_VERSION in app/shopify.server.ts (a test
 * holds them together); it lives here so the job client does not load the whole Remix app configuration.
 */
export const ADMIN_API_VERSION = "2026-10";
