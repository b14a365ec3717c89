import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { RouteErrorPage } from "~/components/route-error-page";
import { prisma } from "~/db.server";
import { TaskKind } from "~/flows/task-kinds";
import { toFormEntries, type FieldErrors, type SecretField, type SettingsFormValues } from "~/settings/form-fields";
import { runSettingsAction } from "~/settings/actions.server";
import { settingsShouldRevalidate } from "~/settings/revalidate";
import { readStoredSettings, settingsPageView } from "~/settings/form.server";
import { listJoorPriceTypes, listShopLocations, type Lookup, type PriceTypeChoice } from "~/settings/lookups.server";
import type { FlowOptions } from "~/settings/options";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const stored = await readStoredSettings(prisma, session.shop);
  const connected = stored.credentials !== null && stored.accountId !== "";
  const notConnected: Lookup<PriceTypeChoice[]> = { ok: false, message: "Connect JOOR and save to choose from its price types." };
  const [locations, priceTypes] = await Promise.all([
    listShopLocations(admin.graphql),
    connected ? listJoorPriceTypes(session.shop) : Promise.resolve(notConnected),
  ]);
  return json({ ...settingsPageView(stored), locations, priceTypes });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { reply, status } = await runSettingsAction(session.shop, await request.formData());
  return json(reply, { status });
};

export const shouldRevalidate = settingsShouldRevalidate;

const SECRET_LABELS: Record<SecretField, string> = {
  v2Token: "v2 API token",
  v4ClientSecret: "v4 client secret",
  v4Password: "v4 password",
};

const STARTED: Record<string, string> = {
  [TaskKind.customersBackfill]: "The first customer sync has started.",
  [TaskKind.catalogBackfill]: "The first catalog sync has started.",
};

const ORDER_INVENTORY: Record<FlowOptions["orderInventory"], string> = {
  claimIfAvailable: "Claim stock only when it is available",
  alwaysClaim: "Always claim stock, even below zero",
  leaveStock: "Leave stock alone",
};

const BARCODE_RULES: Record<FlowOptions["missingBarcode"], string> = {
  sku: "Send the SKU as the UPC",
  variantId: "Send the variant's numeric id as the UPC",
  skip: "Leave the variant out and show a warning",
};

function formData(values: SettingsFormValues, intent: "save" | "test"): FormData {
  const data = new FormData();
  for (const [name, value] of toFormEntries(values)) data.append(name, value);
  data.append("intent", intent);
  return data;
}

/** One group of settings: a card beside its title and description. */
function SettingsSection({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>{children}</Card>
    </Layout.AnnotatedSection>
  );
}

function Warning({ children }: { children: ReactNode }) {
  return (
    <Banner tone="warning">
      <p>{children}</p>
    </Banner>
  );
}

export default function Settings() {
  const { values: stored, savedSecrets, credentialsUnreadable, locations, priceTypes } = useLoaderData<typeof loader>();
  const saveResult = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const tester = useFetcher<typeof action>();
  const [values, setValues] = useState<SettingsFormValues>(stored);

  // After a save the page shows what was stored: lists tidied, typed secrets gone into "saved".
  useEffect(() => setValues(stored), [stored]);

  const saveErrors: FieldErrors = saveResult?.errors ?? {};
  const saved = saveResult?.intent === "save" && Object.keys(saveErrors).length === 0 ? saveResult : null;
  const testErrors = tester.data?.intent === "test" ? tester.data.errors : {};
  const errors: FieldErrors = { ...saveErrors, ...testErrors };
  const testResult = tester.data?.intent === "test" ? tester.data.result : null;
  const saving = navigation.state === "submitting";

  const choice = (field: keyof SettingsFormValues) => ({
    value: values[field] as string,
    onChange: (value: string) => setValues((current) => ({ ...current, [field]: value })),
    error: errors[field],
  });
  const text = (field: keyof SettingsFormValues) => ({ ...choice(field), autoComplete: "off" });
  const toggle = (field: keyof SettingsFormValues) => ({
    checked: values[field] as boolean,
    onChange: (checked: boolean) => setValues((current) => ({ ...current, [field]: checked })),
    error: errors[field],
  });
  const secret = (field: SecretField) => (
    <TextField
      key={field}
      label={savedSecrets[field] ? `Replace ${SECRET_LABELS[field]}` : SECRET_LABELS[field]}
      type="password"
      {...text(field)}
      autoComplete="new-password"
      helpText={savedSecrets[field] ? "Saved ••••. Leave empty to keep it." : undefined}
    />
  );

  const locationChoices = [
    ...(locations.ok ? locations.value : []),
    ...values.inventoryLocationIds
      .filter((id) => !locations.ok || !locations.value.some((location) => location.id === id))
      .map((id) => ({ id, name: locations.ok ? `${id} (no longer in the shop)` : id })),
  ].map((location) => ({ label: location.name, value: location.id }));
  const priceTypeOptions = [
    { label: "Do not send prices", value: "" },
    ...(priceTypes.ok ? priceTypes.value.map((type) => ({ label: type.label, value: type.id })) : []),
    ...(values.priceTypeId && !(priceTypes.ok && priceTypes.value.some((type) => type.id === values.priceTypeId))
      ? [{ label: `Saved price type ${values.priceTypeId}`, value: values.priceTypeId }]
      : []),
  ];

  return (
    <Page
      title="Settings"
      primaryAction={{ content: "Save", loading: saving, onAction: () => submit(formData(values, "save"), { method: "post" }) }}
    >
      <Layout>
        {saved && (
          <Layout.Section>
            <Banner tone="success" title="Settings saved">
              {saved.startedTasks.map((kind) => (
                <p key={kind}>{STARTED[kind]}</p>
              ))}
            </Banner>
          </Layout.Section>
        )}
        {Object.keys(saveErrors).length > 0 && (
          <Layout.Section>
            <Banner tone="critical" title="Some fields need attention">
              <p>Nothing was saved. Each problem is shown on its field.</p>
            </Banner>
          </Layout.Section>
        )}

        <SettingsSection title="JOOR connection" description="The JOOR account the app writes to, with both API generations' credentials.">
          <FormLayout>
            {credentialsUnreadable && <Warning>The saved credentials can no longer be read. Enter them again.</Warning>}
            <Select
              label="Environment"
              options={[
                { label: "Sandbox", value: "sandbox" },
                { label: "Production", value: "production" },
              ]}
              {...choice("joorEnvironment")}
            />
            <TextField label="Account id" {...text("joorAccountId")} />
            {secret("v2Token")}
            <TextField label="v4 client id" {...text("v4ClientId")} />
            {secret("v4ClientSecret")}
            <TextField label="v4 username" {...text("v4Username")} />
            {secret("v4Password")}
            <InlineStack gap="300" blockAlign="center">
              <Button loading={tester.state !== "idle"} onClick={() => tester.submit(formData(values, "test"), { method: "post" })}>
                Test connection
              </Button>
              {testResult &&
                (["v2", "v4"] as const).map((generation) => {
                  const check = testResult[generation];
                  return (
                    <InlineStack key={generation} gap="100" blockAlign="center">
                      <Badge tone={check.ok ? "success" : "critical"}>{`${generation} API`}</Badge>
                      <Text as="span">{check.ok ? "Connected" : check.message}</Text>
                    </InlineStack>
                  );
                })}
            </InlineStack>
          </FormLayout>
        </SettingsSection>

        <SettingsSection title="Syncs" description="Switch each sync on or off. Turning one on starts its first full sync.">
          <BlockStack gap="200">
            <Checkbox label="Customers → JOOR connections" {...toggle("customersEnabled")} />
            <Checkbox label="Products → JOOR styles (catalog)" {...toggle("catalogEnabled")} />
            <Checkbox label="Inventory → JOOR" helpText="Needs the catalog sync." {...toggle("inventoryEnabled")} />
            <Checkbox label="Approved JOOR orders → Shopify orders" helpText="Needs the catalog sync." {...toggle("ordersEnabled")} />
          </BlockStack>
        </SettingsSection>

        <SettingsSection title="Customers" description="Which customers become JOOR connections, and what they carry.">
          <FormLayout>
            <TextField label="Customer tags" helpText="Comma-separated. A customer with any of these tags is synced." {...text("customerTags")} />
            <Checkbox label="Remove the JOOR connection when the tag is removed" {...toggle("removeConnectionOnUntag")} />
            <FormLayout.Group>
              <TextField label="Customer group name" {...text("customerGroupName")} />
              <TextField label="Customer group code" {...text("customerGroupCode")} />
            </FormLayout.Group>
            <TextField label="Sales rep code" {...text("salesRepCode")} />
          </FormLayout>
        </SettingsSection>

        <SettingsSection title="Catalog" description="Which products become JOOR styles, and how.">
          <FormLayout>
            <FormLayout.Group>
              <TextField label="Product tag" {...text("productTag")} />
              <TextField label="Linesheet tag prefix" helpText='e.g. "Collection_": the tag Collection_Fall26 puts a style on linesheet Fall26.' {...text("collectionTagPrefix")} />
            </FormLayout.Group>
            <TextField label="Made-to-order linesheets" helpText="Comma-separated linesheet names, without the prefix." {...text("madeToOrderLinesheets")} />
            <FormLayout.Group>
              <TextField label="Color option names" helpText="Comma-separated." {...text("colorOptionNames")} />
              <TextField label="Size option names" helpText="Comma-separated." {...text("sizeOptionNames")} />
            </FormLayout.Group>
            <Select
              label="Variant without a barcode"
              options={Object.entries(BARCODE_RULES).map(([value, label]) => ({ label, value }))}
              {...choice("missingBarcode")}
            />
            <Select label="JOOR price type" options={priceTypeOptions} {...choice("priceTypeId")} />
            {!priceTypes.ok && <Warning>{priceTypes.message}</Warning>}
            <FormLayout.Group>
              <TextField label="Wholesale price metafield" helpText='"namespace.key" on the variant; empty = not used.' {...text("wholesaleMetafield")} />
              <TextField
                label="Wholesale as % of retail"
                type="number"
                helpText="Used when the metafield is empty; leave empty for no fallback."
                {...text("wholesalePercentOfRetail")}
              />
            </FormLayout.Group>
            <Checkbox label="Sync descriptions" {...toggle("syncDescription")} />
            <Checkbox label="Sync prices" {...toggle("syncPrices")} />
            <Checkbox label="Sync images" {...toggle("syncImages")} />
          </FormLayout>
        </SettingsSection>

        <SettingsSection title="Inventory" description="Available stock, summed over the locations chosen.">
          <FormLayout>
            {!locations.ok && <Warning>{locations.message}</Warning>}
            <ChoiceList
              title="Locations"
              allowMultiple
              choices={locationChoices}
              selected={values.inventoryLocationIds}
              onChange={(selected) => setValues((current) => ({ ...current, inventoryLocationIds: selected }))}
              error={errors.inventoryLocationIds}
            />
            <Text as="p" tone="subdued">
              None checked: every active location counts.
            </Text>
            <TextField label="JOOR warehouse" {...text("joorWarehouse")} />
          </FormLayout>
        </SettingsSection>

        <SettingsSection title="Orders" description="How approved JOOR orders become Shopify orders.">
          <BlockStack gap="300">
            <TextField label="Check every (minutes)" type="number" min={1} max={60} {...text("ordersPollMinutes")} />
            <TextField label="Order tags" helpText='Comma-separated, added besides "JOOR".' {...text("orderTags")} />
            <Select
              label="Stock"
              helpText="Made-to-order lines never claim stock."
              options={Object.entries(ORDER_INVENTORY).map(([value, label]) => ({ value, label }))}
              {...choice("orderInventory")}
            />
            <Checkbox label="Create a Shopify customer for a retailer that has none" {...toggle("createOrderCustomers")} />
            <Checkbox
              label="Write the new customer's Shopify id back to JOOR as its Customer Code"
              {...toggle("writeBackCustomerCode")}
            />
          </BlockStack>
        </SettingsSection>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="Settings" heading="The settings could not be loaded" />;
}
