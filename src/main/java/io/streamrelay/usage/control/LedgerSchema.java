package io.streamrelay.usage.control;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/**
 * The ledger's schema, created and migrated by Flyway from {@code db/ledger} ({@code V1__usage_record.sql}, then
 * each later version in order), its history in {@code ledger_schema_history}.
 */
public final class LedgerSchema {

    private LedgerSchema() {
    }

    /** Migrates to {@code target} ({@code latest}, or a version such as {@code 1}). */
    public static MigrateResult migrate(DataSource dataSource, String target) {
        return Flyway.configure(LedgerSchema.class.getClassLoader()).dataSource(dataSource)
                .locations("classpath:db/ledger").table("ledger_schema_history")
                // The server's default database may hold its own tables: the ledger's history starts at 0.
                .baselineOnMigrate(true).baselineVersion("0")
                .target(target)
                .load().migrate();
    }
}
