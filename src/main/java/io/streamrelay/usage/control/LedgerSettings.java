package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.Budget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The ledger's and the budgets' settings; defaults in META-INF/microprofile-config.properties (issue 14, point 5). */
@ApplicationScoped
public class LedgerSettings {

    @Inject
    @ConfigProperty(name = "relay.ledger.datasource")
    Optional<String> datasource;

    @Inject
    @ConfigProperty(name = "relay.ledger.jdbc-url")
    Optional<String> jdbcUrl;

    @Inject
    @ConfigProperty(name = "relay.ledger.jdbc-user")
    Optional<String> jdbcUser;

    @Inject
    @ConfigProperty(name = "relay.ledger.jdbc-password")
    Optional<String> jdbcPassword;

    @Inject
    @ConfigProperty(name = "relay.ledger.queue-records")
    int queueRecords;

    @Inject
    @ConfigProperty(name = "relay.ledger.batch-records")
    int batchRecords;

    @Inject
    @ConfigProperty(name = "relay.ledger.flush-ms")
    long flushMs;

    @Inject
    @ConfigProperty(name = "relay.prices")
    Optional<String> prices;

    @Inject
    @ConfigProperty(name = "relay.budgets")
    Optional<String> budgets;

    @Inject
    @ConfigProperty(name = "relay.admin-keys")
    Optional<String> adminKeys;

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
        return adminKeys.map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }
}
