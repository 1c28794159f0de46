package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.LedgerEntry;
import io.streamrelay.usage.entity.UsageGroup;
import io.streamrelay.usage.entity.UsageRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import jakarta.persistence.TypedQuery;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The ledger's database: migrated by Flyway ({@code db/ledger}) and written and read through standard JPA
 * (persistence unit {@code ledger}, resource-local, given its datasource at run time). It opens on first use and
 * again after a failure, so a database that is down at start or goes away later costs retries, never the relay.
 */
@ApplicationScoped
public class LedgerStore {

    private static final Logger LOG = Logger.getLogger(LedgerStore.class.getName());

    @Inject
    LedgerSettings settings;

    /** How long a budget's read of the ledger may hold an admission, in milliseconds. */
    static final int SPENT_TIMEOUT_MS = 3_000;

    private DataSource dataSource;
    private volatile EntityManagerFactory factory;

    /** Where the ledger is, for the log: a JNDI name or the JDBC URL without its parameters and credentials. */
    public String describe() {
        return settings.jdbcUrl().map(LedgerStore::withoutSecrets).orElse(settings.datasource());
    }

    /**
     * A JDBC URL fit for a log: no parameters (after {@code ?} or {@code ;}, where passwords go) and no user info
     * ({@code //user:pass@host}, Oracle's {@code thin:user/pass@host}): what precedes the last {@code @} goes.
     */
    static String withoutSecrets(String url) {
        String base = url.split("[?;]")[0];
        int at = base.lastIndexOf('@');
        if (at < 0) {
            return base;
        }
        int slashes = base.indexOf("//");
        int from;
        if (slashes >= 0 && slashes < at) {
            from = slashes + 2;
        } else {
            from = 0;
            for (int colons = 0; colons < 3 && from >= 0; colons++) {
                from = base.indexOf(':', from) + 1;
            }
            from = Math.max(0, Math.min(from, at));
        }
        return base.substring(0, from) + base.substring(at + 1);
    }

    /** For a caller that brings its own datasource (the schema and benchmark tests). */
    synchronized void use(DataSource given) {
        dataSource = given;
    }

    /**
     * Looks the datasource up; call it on a container thread (a JNDI {@code java:comp} name needs the
     * application's naming context).
     */
    public synchronized void resolve() throws NamingException {
        if (dataSource == null) {
            dataSource = settings.jdbcUrl().isPresent()
                    ? new DriverDataSource(settings.jdbcUrl().get(), settings.jdbcUser(), settings.jdbcPassword())
                    : (DataSource) new InitialContext().lookup(settings.datasource());
        }
    }

    /** Migrates the schema and opens the persistence unit, unless open. */
    public synchronized EntityManagerFactory open() {
        if (factory == null) {
            if (dataSource == null) {
                throw new IllegalStateException("the ledger's datasource was not found: " + describe());
            }
            LedgerSchema.migrate(dataSource, "latest");
            factory = Persistence.createEntityManagerFactory("ledger",
                    Map.of("jakarta.persistence.nonJtaDataSource", dataSource));
            LOG.info(() -> "usage ledger open on " + describe());
        }
        return factory;
    }

    public boolean isOpen() {
        return factory != null;
    }

    /** Writes the entries in one transaction; {@code retry}: a write whose outcome is unknown, merged not inserted. */
    public void write(List<LedgerEntry> entries, boolean retry) {
        EntityManager manager = open().createEntityManager();
        try {
            EntityTransaction transaction = manager.getTransaction();
            transaction.begin();
            for (LedgerEntry entry : entries) {
                if (retry) {
                    manager.merge(UsageRecord.of(entry));
                } else {
                    manager.persist(UsageRecord.of(entry));
                }
            }
            transaction.commit();
        } catch (RuntimeException failure) {
            if (manager.getTransaction().isActive()) {
                manager.getTransaction().rollback();
            }
            throw failure;
        } finally {
            manager.close();
        }
    }

    /**
     * Totals by key, model and day over [from, to] (UTC days); {@code key} null for every key. Grouped by the
     * estimated flag too and folded here: no boolean is compared in SQL (EclipseLink writes it as 1, which H2 2
     * refuses to compare with a BOOLEAN column).
     */
    public List<UsageGroup> groups(LocalDate from, LocalDate to, String key) {
        EntityManager manager = open().createEntityManager();
        try {
            TypedQuery<Object[]> query = manager.createQuery("SELECT r.keyId, r.modelAnswered, r.day, r.estimated,"
                    + " COUNT(r), SUM(r.promptTokens), SUM(r.completionTokens), SUM(r.reasoningTokens), SUM(r.costUsd)"
                    + " FROM UsageRecord r WHERE r.day >= :from AND r.day <= :to"
                    + (key == null ? "" : " AND r.keyId = :key")
                    + " GROUP BY r.keyId, r.modelAnswered, r.day, r.estimated", Object[].class)
                    .setParameter("from", from).setParameter("to", to);
            if (key != null) {
                query.setParameter("key", key);
            }
            Map<List<Object>, UsageGroup> groups = new TreeMap<>(GROUP_ORDER);
            for (Object[] row : query.getResultList()) {
                boolean estimated = row[3] instanceof Boolean flag ? flag : number(row[3]) != 0;
                long prompt = number(row[5]);
                long completion = number(row[6]);
                UsageGroup part = new UsageGroup((String) row[0], (String) row[1], (LocalDate) row[2], number(row[4]),
                        prompt, completion, number(row[7]), row[8] == null ? 0 : ((Number) row[8]).doubleValue(),
                        estimated ? prompt + completion : 0);
                groups.merge(Arrays.asList(row[2], row[0], row[1]), part, LedgerStore::sum);
            }
            return new ArrayList<>(groups.values());
        } finally {
            manager.close();
        }
    }

    /** Day, key, model; a null model first. */
    private static final Comparator<List<Object>> GROUP_ORDER = Comparator
            .comparing((List<Object> g) -> (LocalDate) g.get(0))
            .thenComparing(g -> (String) g.get(1), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(g -> (String) g.get(2), Comparator.nullsFirst(Comparator.naturalOrder()));

    private static UsageGroup sum(UsageGroup a, UsageGroup b) {
        return new UsageGroup(a.key(), a.model(), a.day(), a.requests() + b.requests(),
                a.promptTokens() + b.promptTokens(), a.completionTokens() + b.completionTokens(),
                a.reasoningTokens() + b.reasoningTokens(), a.costUsd() + b.costUsd(),
                a.estimatedTokens() + b.estimatedTokens());
    }

    /**
     * A key's tokens (prompt plus completion) and cost in USD since {@code from} (a UTC day), from the records.
     *
     * @throws RuntimeException when the database does not answer within {@link #SPENT_TIMEOUT_MS}, or fails
     */
    public double[] spent(String key, LocalDate from) {
        EntityManager manager = open().createEntityManager();
        try {
            Object[] row = manager.createQuery("SELECT SUM(r.promptTokens + r.completionTokens), SUM(r.costUsd)"
                    + " FROM UsageRecord r WHERE r.keyId = :key AND r.day >= :from", Object[].class)
                    .setHint("jakarta.persistence.query.timeout", SPENT_TIMEOUT_MS)
                    .setParameter("key", key).setParameter("from", from).getSingleResult();
            return new double[] {row[0] == null ? 0 : ((Number) row[0]).doubleValue(),
                    row[1] == null ? 0 : ((Number) row[1]).doubleValue()};
        } finally {
            manager.close();
        }
    }

    /** Whether the database answers a trivial query now (a refused row is then the row's fault, not the database's). */
    public boolean answers() {
        try {
            EntityManager manager = open().createEntityManager();
            try {
                manager.createQuery("SELECT COUNT(r) FROM UsageRecord r WHERE r.generationId = :none", Long.class)
                        .setParameter("none", "").setHint("jakarta.persistence.query.timeout", SPENT_TIMEOUT_MS)
                        .getSingleResult();
                return true;
            } finally {
                manager.close();
            }
        } catch (RuntimeException | LinkageError failure) {
            reset();
            return false;
        }
    }

    /** After a failure: the next use opens anew (a fresh factory, fresh connections). */
    public synchronized void reset() {
        EntityManagerFactory open = factory;
        factory = null;
        if (open != null) {
            try {
                open.close();
            } catch (RuntimeException ignored) {
                // Already broken: nothing to release.
            }
        }
    }

    public synchronized void close() {
        reset();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
