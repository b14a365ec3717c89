import { z } from "zod";

/** What a merchant enters to connect JOOR: both API generations' credentials (see joor-api.md). */
export const joorCredentialsSchema = z.object({
  v2Token: z.string().trim().min(1, "Enter the v2 API token").max(500),
  v4: z.object({
    clientId: z.string().trim().min(1, "Enter the v4 client id").max(200),
    clientSecret: z.string().trim().min(1, "Enter the v4 client secret").max(500),
    username: z.string().trim().min(1, "Enter the v4 username").max(200),
    password: z.string().min(1, "Enter the v4 password").max(500),
  }),
});

export type JoorCredentials = z.infer<typeof joorCredentialsSchema>;

export const joorEnvironmentSchema = z.enum(["sandbox", "production"]);
export type JoorEnvironment = z.infer<typeof joorEnvironmentSchema>;
