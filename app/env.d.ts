/// <reference types="@remix-run/node" />

// The Remix classic compiler turns a CSS import into the URL of the emitted stylesheet.
declare module "*.css" {
  const href: string;
  export default href;
}
