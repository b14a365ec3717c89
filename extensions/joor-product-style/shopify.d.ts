import "@shopify/ui-extensions";

// The `shopify` global each module of this extension sees (the form Shopify's CLI generates).
declare module "./src/ProductStyleBlock.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.product-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
