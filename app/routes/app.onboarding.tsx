import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  EmptyState,
  FormLayout,
  InlineError,
  InlineStack,
  List,
  Page,
  ProgressBar,
  Select,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState, type ReactNode } from "react";
import { RouteErrorPage } from "~/components/route-error-page";
import { usePollWhile } from "~/components/use-poll-while";
import { loadOverview } from "~/dashboard/overview.server";
import { prisma } from "~/db.server";
import {
  anyFlowOn,
  firstSyncPhase,
  firstSyncUnderWay,
  LAST_STEP,
  ONBOARDING_STEPS,
  otherErrors,
  stepOfFirstError,
  switchFlow,
  type FirstSyncPhase,
  type FlowField,
  type FlowProgress,
} from "~/onboarding/steps";
import { runSettingsAction } from "~/settings/actions.server";
import { settingsShouldRevalidate } from "~/settings/revalidate";
import { toFormEntries, type FieldErrors, type SettingsField, type SettingsFormValues } from "~/settings/form-fields";
import { readStoredSettings, settingsPageView } from "~/settings/form.server";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [stored, overview] = await Promise.all([readStoredSettings(prisma, session.shop), loadOverview(session.shop)]);
  const flows: FlowProgress[] = overview.flows.map(({ key, title, enabled, counts, tasks }) => ({
    key,
    title,
    enabled,
    counts,
    tasks: tasks.map(({ kind, title, status, running, progress, lastError }) => ({ kind, title, status, running, progress, lastError })),
  }));
  return json({ values: settingsPageView(stored).values, connected: overview.joorConnected, flows });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { reply, status } = await runSettingsAction(session.shop, await request.formData());
  return json(reply, { status });
};

export const shouldRevalidate = settingsShouldRevalidate;

const FLOW_CHOICES: Array<{ field: FlowField; label: string; help: string }> = [
  { field: "customersEnabled", label: "Customers → JOOR connections", help: "Tagged Shopify customers become retailers in JOOR." },
  {
    field: "catalogEnabled",
    label: "Products → JOOR styles (catalog)",
    help: "Tagged products become styles with their SKUs, prices, images and linesheets. Inventory and orders need it.",
  },
  { field: "inventoryEnabled", label: "Inventory → JOOR", help: "Needs the catalog sync: turning this on turns the catalog on too." },
  {
    field: "ordersEnabled",
    label: "Approved JOOR orders → Shopify orders",
    help: "Needs the catalog sync: turning this on turns the catalog on too.",
  },
];

/** On a phone, cards reach the screen's edges; text between them keeps the cards' inner margin. */
function Edge({ children }: { children: ReactNode }) {
  return <Box paddingInline={{ xs: "400", sm: "0" }}>{children}</Box>;
}

function postData(values: SettingsFormValues, intent: "save" | "test"): FormData {
  const data = new FormData();
  for (const [name, value] of toFormEntries(values)) data.append(name, value);
  data.append("intent", intent);
  return data;
}

export default function Onboarding() {
  const data = useLoaderData<typeof loader>();
  return data.connected ? <FirstSync flows={data.flows} /> : <Steps stored={data.values} />;
}

function Steps({ stored }: { stored: SettingsFormValues }) {
  const [values, setValues] = useState<SettingsFormValues>(stored);
  const [step, setStep] = useState(0);
  const [continueAfterTest, setContinueAfterTest] = useState(false);
  const [flowsMissing, setFlowsMissing] = useState(false);
  const tester = useFetcher<typeof action>();
  const saver = useFetcher<typeof action>();

  const test = tester.data?.intent === "test" ? tester.data : null;
  const save = saver.data?.intent === "save" ? saver.data : null;
  const errors: FieldErrors = { ...(save?.errors ?? {}), ...(test?.errors ?? {}) };
  const result = test?.result ?? null;
  const connectionWorks = result !== null && result.v2.ok && result.v4.ok;

  // "Continue" on the first step tests the connection and moves on only when JOOR accepted both generations.
  useEffect(() => {
    if (!continueAfterTest || tester.state !== "idle" || !test) return;
    setContinueAfterTest(false);
    if (connectionWorks) setStep(1);
  }, [continueAfterTest, tester.state, test, connectionWorks]);

  // A refused save returns to the first step with a field in error.
  useEffect(() => {
    if (saver.state !== "idle" || !save) return;
    const back = stepOfFirstError(save.errors);
    if (back !== null) setStep(back);
  }, [saver.state, save]);

  const text = (field: SettingsField) => ({
    value: values[field] as string,
    onChange: (value: string) => setValues((current) => ({ ...current, [field]: value })),
    error: errors[field],
    autoComplete: "off",
  });
  const runTest = (thenContinue: boolean) => {
    setContinueAfterTest(thenContinue);
    tester.submit(postData(values, "test"), { method: "post" });
  };
  const next = () => {
    if (step === 0) return runTest(true);
    if (step === 1 && !anyFlowOn(values)) return setFlowsMissing(true);
    setStep((current) => Math.min(LAST_STEP, current + 1));
  };

  const current = ONBOARDING_STEPS[step];
  const busy = tester.state !== "idle" || saver.state !== "idle";
  const unshownErrors = otherErrors(save?.errors ?? {});

  return (
    <Page title="Set up JOOR sync" narrowWidth>
      <BlockStack gap="400">
        <Edge>
          <BlockStack gap="200">
            <Text as="p" tone="subdued">{`Step ${step + 1} of ${ONBOARDING_STEPS.length}`}</Text>
            <ProgressBar progress={(100 * (step + 1)) / ONBOARDING_STEPS.length} size="small" tone="primary" />
          </BlockStack>
        </Edge>
        {save && Object.keys(save.errors).length > 0 && (
          <Banner tone="critical" title="Some fields need attention">
            <p>Nothing was saved. Each problem is shown on its field.</p>
          </Banner>
        )}
        <Card>
          <BlockStack gap="400">
            <Text as="h2" variant="headingMd">
              {current.title}
            </Text>
            {current.key === "connect" && (
              <FormLayout>
                <Text as="p" tone="subdued">
                  JOOR gives you an account id and credentials for both of its API generations. The app checks them with
                  JOOR before going on.
                </Text>
                <Select
                  label="Environment"
                  options={[
                    { label: "Sandbox", value: "sandbox" },
                    { label: "Production", value: "production" },
                  ]}
                  value={values.joorEnvironment}
                  onChange={(value) => setValues((state) => ({ ...state, joorEnvironment: value }))}
                  error={errors.joorEnvironment}
                />
                <TextField label="Account id" {...text("joorAccountId")} />
                <TextField label="v2 API token" type="password" {...text("v2Token")} autoComplete="new-password" />
                <TextField label="v4 client id" {...text("v4ClientId")} />
                <TextField label="v4 client secret" type="password" {...text("v4ClientSecret")} autoComplete="new-password" />
                <TextField label="v4 username" {...text("v4Username")} />
                <TextField label="v4 password" type="password" {...text("v4Password")} autoComplete="new-password" />
                <InlineStack gap="300" blockAlign="center">
                  <Button onClick={() => runTest(false)} loading={tester.state !== "idle" && !continueAfterTest}>
                    Test connection
                  </Button>
                </InlineStack>
                {result && <ConnectionAnswer result={result} />}
              </FormLayout>
            )}
            {current.key === "flows" && (
              <BlockStack gap="300">
                <Text as="p" tone="subdued">
                  Choose at least one. The catalog sync is required by inventory and orders: they find their SKUs through
                  it.
                </Text>
                {FLOW_CHOICES.map(({ field, label, help }) => (
                  <Checkbox
                    key={field}
                    label={label}
                    helpText={help}
                    checked={values[field]}
                    error={errors[field]}
                    onChange={(checked) => {
                      setFlowsMissing(false);
                      setValues((state) => switchFlow(state, field, checked));
                    }}
                  />
                ))}
                {flowsMissing && <InlineError message="Choose at least one sync to continue" fieldID="flows" />}
              </BlockStack>
            )}
            {current.key === "tags" && (
              <FormLayout>
                <Text as="p" tone="subdued">
                  Only tagged records are synced, so you decide what JOOR sees. Tag a customer or product in Shopify and it
                  follows within seconds.
                </Text>
                {values.customersEnabled && (
                  <TextField
                    label="Customer tags"
                    helpText="Comma-separated. A customer with any of these tags becomes a JOOR connection."
                    {...text("customerTags")}
                  />
                )}
                {values.catalogEnabled && (
                  <>
                    <TextField label="Product tag" helpText="A product with this tag becomes a JOOR style." {...text("productTag")} />
                    <TextField
                      label="Linesheet tag prefix"
                      helpText='e.g. "Collection_": the tag Collection_Fall26 puts a style on linesheet Fall26.'
                      {...text("collectionTagPrefix")}
                    />
                  </>
                )}
                {!values.customersEnabled && !values.catalogEnabled && (
                  <Text as="p">Orders and inventory need no tags of their own.</Text>
                )}
              </FormLayout>
            )}
            {current.key === "start" && <Review values={values} unshownErrors={unshownErrors} />}
            <InlineStack align="space-between" blockAlign="center" gap="200">
              {step > 0 ? (
                <Button variant="plain" onClick={() => setStep(step - 1)} disabled={busy}>
                  Back
                </Button>
              ) : (
                <span />
              )}
              {step < LAST_STEP ? (
                <Button variant="primary" onClick={next} loading={continueAfterTest && tester.state !== "idle"}>
                  Continue
                </Button>
              ) : (
                <Button variant="primary" loading={saver.state !== "idle"} onClick={() => saver.submit(postData(values, "save"), { method: "post" })}>
                  Start the first sync
                </Button>
              )}
            </InlineStack>
          </BlockStack>
        </Card>
        <Edge>
          <Text as="p" tone="subdued">
            Every option can be changed later in Settings, where the remaining ones (prices, locations, order options) live.
          </Text>
        </Edge>
      </BlockStack>
    </Page>
  );
}

function ConnectionAnswer({ result }: { result: { v2: { ok: boolean; message?: string }; v4: { ok: boolean; message?: string } } }) {
  const works = result.v2.ok && result.v4.ok;
  return (
    <Banner tone={works ? "success" : "critical"} title={works ? "JOOR accepted the connection" : "JOOR refused the connection"}>
      <BlockStack gap="100">
        {(["v2", "v4"] as const).map((generation) => {
          const check = result[generation];
          return (
            <Text key={generation} as="p" breakWord>
              <Badge tone={check.ok ? "success" : "critical"}>{`${generation} API`}</Badge>{" "}
              {check.ok ? "Connected" : `JOOR answered: ${check.message ?? "no reason given"}`}
            </Text>
          );
        })}
      </BlockStack>
    </Banner>
  );
}

function Review({ values, unshownErrors }: { values: SettingsFormValues; unshownErrors: Array<[SettingsField, string]> }) {
  const flows = FLOW_CHOICES.filter(({ field }) => values[field]).map(({ label }) => label);
  return (
    <BlockStack gap="300">
      <Text as="p">
        {`JOOR ${values.joorEnvironment} account ${values.joorAccountId}. The first full sync of every chosen flow starts now and runs in the background; you can leave this page.`}
      </Text>
      <List>
        {flows.map((label) => (
          <List.Item key={label}>{label}</List.Item>
        ))}
      </List>
      {values.customersEnabled && <Text as="p">{`Customer tags: ${values.customerTags}`}</Text>}
      {values.catalogEnabled && <Text as="p">{`Product tag: ${values.productTag}, linesheet prefix: ${values.collectionTagPrefix}`}</Text>}
      {unshownErrors.length > 0 && (
        <Banner tone="critical" title="Stored settings to fix first">
          <List>
            {unshownErrors.map(([field, message]) => (
              <List.Item key={field}>{message}</List.Item>
            ))}
          </List>
          <p>Open Settings to change them.</p>
        </Banner>
      )}
    </BlockStack>
  );
}

const PHASE_BANNERS: Record<Exclude<FirstSyncPhase, "running">, { tone: "success" | "critical" | "info" | "warning"; title: string; body: string }> = {
  synced: { tone: "success", title: "Your first records are in JOOR", body: "The sync keeps going in the background. The dashboard shows its progress and any errors." },
  failed: { tone: "critical", title: "The first sync ran into a problem", body: "The reasons are below and in Activity; fix them and use “Sync now” on the dashboard." },
  pending: {
    tone: "info",
    title: "Your records are on their way to JOOR",
    body: "New customers wait for JOOR's data team to validate them (1–2 business days); the rest follows shortly.",
  },
  "nothing-tagged": {
    tone: "warning",
    title: "Nothing carries your tags yet",
    body: "Tag customers or products in Shopify and they are sent to JOOR within seconds.",
  },
  off: { tone: "info", title: "No sync is on", body: "JOOR is connected. Choose what to sync in Settings." },
};

function FirstSync({ flows }: { flows: FlowProgress[] }) {
  const phase = firstSyncPhase(flows);
  usePollWhile(firstSyncUnderWay(phase), 2_000);

  const enabled = flows.filter((flow) => flow.enabled);
  const banner = phase === "running" ? null : PHASE_BANNERS[phase];
  return (
    <Page title="First sync" narrowWidth primaryAction={{ content: "Open the dashboard", url: "/app" }}>
      <BlockStack gap="400">
        {banner && (
          <Banner tone={banner.tone} title={banner.title}>
            <p>{banner.body}</p>
          </Banner>
        )}
        {phase === "off" ? (
          <Card>
            <EmptyState heading="Choose what to sync" action={{ content: "Open settings", url: "/app/settings" }} image="">
              <p>Switch on customers, catalog, inventory or orders and the first sync starts by itself.</p>
            </EmptyState>
          </Card>
        ) : (
          enabled.map((flow) => <FlowProgressCard key={flow.key} flow={flow} />)
        )}
      </BlockStack>
    </Page>
  );
}

function Count({ value, label, tone }: { value: number; label: string; tone?: "critical" | "success" }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="headingLg" tone={value > 0 ? tone : undefined}>
        {String(value)}
      </Text>
      <Text as="span" tone="subdued">
        {label}
      </Text>
    </BlockStack>
  );
}

function FlowProgressCard({ flow }: { flow: FlowProgress }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {flow.title}
        </Text>
        {flow.tasks.map((task) => (
          <TaskProgressLine key={task.kind} task={task} />
        ))}
        <InlineStack gap="600" wrap>
          <Count value={flow.counts.synced} label="synced" tone="success" />
          <Count value={flow.counts.pending} label="on the way" />
          <Count value={flow.counts.failed} label="failed" tone="critical" />
        </InlineStack>
        {flow.key === "customers" && flow.counts.pending > 0 && (
          <Text as="p" tone="subdued">
            New JOOR connections wait for JOOR&apos;s data team to validate them (1–2 business days).
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

function TaskProgressLine({ task }: { task: FlowProgress["tasks"][number] }): ReactNode {
  const { progress } = task;
  const done = task.status === "done";
  const share = progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : done ? 100 : 0;
  const counted = progress ? `${progress.done}${progress.total ? ` of ${progress.total}` : ""} read` : null;
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        {!done && task.status !== "failed" && <Spinner size="small" accessibilityLabel={task.title} />}
        <Text as="p">{[task.title, done ? "done" : task.status === "failed" ? "failed" : "under way", counted].filter(Boolean).join(" · ")}</Text>
      </InlineStack>
      <ProgressBar progress={share} size="small" tone={task.status === "failed" ? "critical" : "primary"} />
      {task.lastError && (
        <Box>
          <Text as="p" tone="critical" breakWord>
            {task.lastError}
          </Text>
        </Box>
      )}
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <RouteErrorPage title="Set up JOOR sync" heading="The setup could not be loaded" />;
}
