import type { LoaderFunctionArgs } from "@remix-run/node";
import { customerListCsv, customerSyncFile, exportFileName } from "~/customers/export";
import { allCustomerListRows, isCustomerList, syncedConnections } from "~/customers/lists.server";
import { authenticate } from "~/shopify.server";

/**
 * Downloads of the Customers screen: /app/customers/export/upload and /update (the lists as CSV) and
 * /joor (the customers in JOOR as a pipe-delimited Customer Sync file).
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const list = params.list;
  const now = new Date();
  const headers = (type: string, name: string) => ({
    "Content-Type": `${type}; charset=utf-8`,
    "Content-Disposition": `attachment; filename="${name}"`,
    "Cache-Control": "no-store",
  });
  if (list === "joor") {
    const body = customerSyncFile((await syncedConnections(session.shop)).map((customer) => customer.connection));
    return new Response(body, { headers: headers("text/plain", exportFileName("joor", now)) });
  }
  if (isCustomerList(list)) {
    const body = customerListCsv(await allCustomerListRows(session.shop, list));
    return new Response(body, { headers: headers("text/csv", exportFileName(list, now)) });
  }
  return new Response("Not found", { status: 404 });
};
