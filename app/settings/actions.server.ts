import { prisma } from "~/db.server";
import type { TaskKind } from "~/flows/task-kinds";
import type { FieldErrors } from "./form-fields";
import { connectionToTest } from "./form.server";
import { testJoorConnection, type ConnectionTestResult } from "./lookups.server";
import { saveSettingsForm } from "./save.server";

export type SettingsActionReply =
  | { intent: "test"; errors: FieldErrors; result: ConnectionTestResult | null }
  | { intent: "save"; errors: FieldErrors; startedTasks: TaskKind[] };

/**
 * The two posts of the settings form, shared by the settings page and onboarding: `intent=test` tries the
 * posted connection against JOOR (changing nothing), anything else validates and saves the whole form.
 * `status` is 400 when a field is invalid.
 */
export async function runSettingsAction(shop: string, form: FormData): Promise<{ reply: SettingsActionReply; status: number }> {
  if (form.get("intent") === "test") {
    const parsed = await connectionToTest(prisma, shop, form);
    if (!parsed.ok) return { reply: { intent: "test", errors: parsed.errors, result: null }, status: 400 };
    return { reply: { intent: "test", errors: {}, result: await testJoorConnection(parsed.connection) }, status: 200 };
  }
  const saved = await saveSettingsForm(shop, form);
  if (!saved.ok) return { reply: { intent: "save", errors: saved.errors, startedTasks: [] }, status: 400 };
  return { reply: { intent: "save", errors: {}, startedTasks: saved.startedTasks }, status: 200 };
}
