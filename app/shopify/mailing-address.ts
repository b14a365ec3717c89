/** Shopify's MailingAddressInput: the fields the app sets on customers and orders. */
export interface MailingAddressInput {
  firstName?: string;
  lastName?: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  provinceCode?: string;
  zip?: string;
  countryCode?: string;
  phone?: string;
}
