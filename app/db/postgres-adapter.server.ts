import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";

/** PostgreSQL type ids: `name` and `"char"` (catalog columns) come back labelled as `text`. */
const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/** The private step every query of @prisma/adapter-pg goes through (not in its public types). */
interface PerformsIO {
  performIO(query: unknown): Promise<{ fields: Array<{ dataTypeID: number }> }>;
}

function reportCatalogTypesAsText<T extends object>(queryable: T): T {
  const io = queryable as unknown as PerformsIO;
  const performIO = io.performIO.bind(io);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  return queryable;
}

function patched(adapter: PgAdapter): PgAdapter {
  reportCatalogTypesAsText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => reportCatalogTypesAsText(await startTransaction(isolationLevel));
  return adapter;
}

/**
 * @prisma/adapter-pg 6.19 cannot read columns of the `name` and `"char"` types (Prisma issue 27403), which
 * `prisma migrate deploy` selects from the catalog and which `current_database()` and the like return. They are
 * plain strings, so every query — migrations and the app alike — gets them reported as text.
 */
class PostgresAdapterFactory extends PrismaPg {
  override async connect(): Promise<PgAdapter> {
    return patched(await super.connect());
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    return patched(await super.connectToShadowDb());
  }
}

/** The driver adapter for a `postgresql://` URL; `pool` tunes the pg connection pool. */
export function postgresAdapter(url: string, pool: Omit<PoolConfig, "connectionString"> = {}): PrismaPg {
  return new PostgresAdapterFactory({ connectionString: url, ...pool });
}
