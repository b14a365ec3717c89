import { gid } from "./ids";
import { int } from "./json";
import type {
  AddressRecord,
  BulkOperationRecord,
  CustomerRecord,
  InventoryItemRecord,
  LevelRecord,
  ProductRecord,
} from "./model";
import { countryName } from "./schema";
import type { FakeShop } from "./shop";

/**
 * Webhook payloads in Shopify's REST shape (2026-07 reference samples): numeric ids as JSON numbers (written
 * bare even above 2^53, see json.ts), `admin_graphql_api_id` beside them, product tags as one comma-separated
 * string, customer payloads without tags.
 */

export function inventoryLevelGid(itemId: string, locationId: string): string {
  return `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}`;
}

function addressPayload(customer: CustomerRecord, address: AddressRecord) {
  return {
    id: int(address.id),
    customer_id: int(customer.id),
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    country: countryName(address.countryCode),
    zip: address.zip,
    phone: address.phone,
    name: [address.firstName, address.lastName].filter(Boolean).join(" "),
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: countryName(address.countryCode),
    default: customer.defaultAddressId === address.id,
  };
}

export function customerPayload(shop: FakeShop, customer: CustomerRecord) {
  const addresses = customer.addresses.map((address) => addressPayload(customer, address));
  return {
    id: int(customer.id),
    email: customer.email,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: customer.taxExempt,
    phone: customer.phone,
    currency: shop.currencyCode,
    addresses,
    tax_exemptions: [],
    email_marketing_consent: customer.email
      ? { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null }
      : null,
    sms_marketing_consent: null,
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: addresses.find((address) => address.default) ?? null,
  };
}

export function customerDeletePayload(customer: CustomerRecord) {
  return {
    id: int(customer.id),
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: null,
    sms_marketing_consent: null,
    admin_graphql_api_id: gid("Customer", customer.id),
  };
}

export function productPayload(shop: FakeShop, product: ProductRecord) {
  const variants = product.variantIds.map((id) => shop.variant(id));
  const images = product.media.map((media, index) => ({
    id: int(media.id),
    alt: media.altText,
    position: index + 1,
    product_id: int(product.id),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    admin_graphql_api_id: gid("ProductImage", media.id),
    width: 1000,
    height: 1000,
    src: media.url,
    variant_ids: variants.filter((variant) => variant.mediaId === media.id).map((variant) => int(variant.id)),
  }));
  return {
    admin_graphql_api_id: gid("Product", product.id),
    body_html: product.descriptionHtml,
    created_at: product.createdAt,
    handle: product.handle,
    id: int(product.id),
    product_type: product.productType,
    published_at: product.publishedAt,
    template_suffix: null,
    title: product.title,
    updated_at: product.updatedAt,
    vendor: product.vendor,
    status: product.status.toLowerCase(),
    published_scope: "global",
    tags: product.tags.join(", "),
    variants: variants.map((variant, index) => {
      const options = variant.selectedOptions.map((option) => option.value);
      const quantity = shop.availableTotal(variant.inventoryItemId);
      return {
        admin_graphql_api_id: gid("ProductVariant", variant.id),
        barcode: variant.barcode,
        compare_at_price: variant.compareAtPrice,
        created_at: variant.createdAt,
        id: int(variant.id),
        inventory_policy: variant.inventoryPolicy.toLowerCase(),
        position: index + 1,
        price: variant.price,
        product_id: int(product.id),
        sku: variant.sku,
        taxable: variant.taxable,
        title: shop.variantTitle(variant),
        updated_at: variant.updatedAt,
        option1: options[0] ?? null,
        option2: options[1] ?? null,
        option3: options[2] ?? null,
        image_id: int(variant.mediaId),
        inventory_item_id: int(variant.inventoryItemId),
        inventory_quantity: quantity,
        old_inventory_quantity: quantity,
      };
    }),
    options: product.options.map((option) => ({
      name: option.name,
      id: int(option.id),
      product_id: int(product.id),
      position: option.position,
      values: option.values,
    })),
    images,
    image: images[0] ?? null,
    media: product.media.map((media, index) => ({
      id: int(media.id),
      product_id: int(product.id),
      position: index + 1,
      created_at: product.createdAt,
      updated_at: product.updatedAt,
      alt: media.altText,
      status: "READY",
      media_content_type: "IMAGE",
      preview_image: { width: 1000, height: 1000, src: media.url, status: "READY" },
      variant_ids: images[index].variant_ids,
      admin_graphql_api_id: gid("MediaImage", media.id),
    })),
    variant_gids: variants.map((variant) => ({
      admin_graphql_api_id: gid("ProductVariant", variant.id),
      updated_at: variant.updatedAt,
    })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

export function productDeletePayload(product: ProductRecord) {
  return { id: int(product.id) };
}

export function inventoryLevelPayload(item: InventoryItemRecord, level: LevelRecord) {
  return {
    inventory_item_id: int(item.id),
    location_id: int(level.locationId),
    available: level.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: inventoryLevelGid(item.id, level.locationId),
  };
}

export function inventoryItemPayload(item: InventoryItemRecord, sku: string | null) {
  return {
    id: int(item.id),
    sku,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    requires_shipping: item.requiresShipping,
    cost: null,
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    tracked: item.tracked,
    country_harmonized_system_codes: [],
    admin_graphql_api_id: gid("InventoryItem", item.id),
  };
}

export function inventoryItemDeletePayload(item: InventoryItemRecord) {
  return {
    id: int(item.id),
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    country_harmonized_system_codes: [],
    admin_graphql_api_id: gid("InventoryItem", item.id),
  };
}

export function bulkFinishPayload(operation: BulkOperationRecord) {
  return {
    admin_graphql_api_id: gid("BulkOperation", operation.id),
    completed_at: operation.completedAt,
    created_at: operation.createdAt,
    error_code: operation.errorCode?.toLowerCase() ?? null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}
