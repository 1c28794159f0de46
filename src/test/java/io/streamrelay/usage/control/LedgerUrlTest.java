package io.streamrelay.usage.control;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ledger's JDBC URL goes to the log without anything a password can hide in: parameters and user info. */
class LedgerUrlTest {

    @Test
    void theLoggedUrlHasNoCredentials() {
        assertEquals("jdbc:postgresql://db:5432/ledger", describe("jdbc:postgresql://db:5432/ledger?password=s3cret"));
        assertEquals("jdbc:postgresql://db:5432/ledger", describe("jdbc:postgresql://relay:s3cret@db:5432/ledger"));
        assertEquals("jdbc:postgresql://db/ledger", describe("jdbc:postgresql://relay:p@ss@db/ledger?ssl=true"));
        assertEquals("jdbc:oracle:thin:db:1521:ORCL", describe("jdbc:oracle:thin:relay/s3cret@db:1521:ORCL"));
        assertEquals("jdbc:oracle:thin://db:1521/svc", describe("jdbc:oracle:thin:relay/s3cret@//db:1521/svc"));
        assertEquals("jdbc:sqlserver://db:1433", describe("jdbc:sqlserver://db:1433;user=relay;password=s3cret"));
        assertEquals("jdbc:h2:mem:ledger", describe("jdbc:h2:mem:ledger"));
    }

    private static String describe(String url) {
        LedgerSettings settings = new LedgerSettings();
        settings.jdbcUrl = Optional.of(url);
        settings.datasource = Optional.empty();
        LedgerStore store = new LedgerStore();
        store.settings = settings;
        return store.describe();
    }
}
