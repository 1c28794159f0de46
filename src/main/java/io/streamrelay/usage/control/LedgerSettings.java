package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.Budget;
import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The ledger's and the budgets' settings; defaults in META-INF/microprofile-config.properties (issue 14, point 5). */
@ApplicationScoped
public class LedgerSettings {

    Optional<String> datasource;
    Optional<String> jdbcUrl;
    Optional<String> jdbcUser;
    Optional<String> jdbcPassword;
    int queueRecords;
    int batchRecords;
    long flushMs;
    Optional<String> prices;
    Optional<String> budgets;
    Set<String> adminKeys;

    /** Reads every setting once, at startup (MicroProfile Config or its fallback: see Settings). */
    @PostConstruct
    void read() {
        Settings settings = Settings.current();
        datasource = settings.optional("relay.ledger.datasource");
        jdbcUrl = settings.optional("relay.ledger.jdbc-url");
        jdbcUser = settings.optional("relay.ledger.jdbc-user");
        jdbcPassword = settings.optional("relay.ledger.jdbc-password");
        queueRecords = settings.integer("relay.ledger.queue-records");
        batchRecords = settings.integer("relay.ledger.batch-records");
        flushMs = settings.number("relay.ledger.flush-ms");
        prices = settings.optional("relay.prices");
        budgets = settings.optional("relay.budgets");
        adminKeys = settings.names("relay.admin-keys");
    }

    /** The JNDI name of the ledger's datasource; the server's default one unless set. */
    public String datasource() {
        return datasource.filter(name -> !name.isBlank()).orElse("java:comp/DefaultDataSource");
    }

    /** A JDBC URL that, when set, replaces the datasource (with {@link #jdbcUser()} and its password). */
    public Optional<String> jdbcUrl() {
        return jdbcUrl.filter(url -> !url.isBlank());
    }

    public String jdbcUser() {
        return jdbcUser.orElse(null);
    }

    public String jdbcPassword() {
        return jdbcPassword.orElse(null);
    }

    /** Records waiting for the database at most; past it new ones are dropped, logged and counted. */
    public int queueRecords() {
        return Math.max(1, queueRecords);
    }

    /** Records written in one transaction at most. */
    public int batchRecords() {
        return Math.max(1, batchRecords);
    }

    /** How long the stop waits for the last records to be written, in milliseconds. */
    public long flushMs() {
        return flushMs;
    }

    public Prices prices() {
        return Prices.parse(prices.orElse(""));
    }

    public Map<String, Budget> budgets() {
        return BudgetList.parse(budgets.orElse(""));
    }

    /** Key ids that may read everyone's usage ({@code RELAY_ADMIN_KEYS}, shared with the status page). */
    public Set<String> adminKeys() {
        return adminKeys;
    }
}
