import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks/intake.server";

/** Every subscribed topic is delivered here (see shopify.app.toml). */
export const action = async ({ request }: ActionFunctionArgs) => receiveWebhook(request);
