package io.streamrelay.usage.control;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * A connection per use from a JDBC URL ({@code RELAY_LEDGER_JDBC_URL}), for the ledger's writer, which opens one per
 * batch: no pool to hold connections a restarted database has broken. The driver is found among those the
 * application's class loader sees (the bundled PostgreSQL driver, or one the server adds), not through
 * {@code DriverManager}, which hides drivers of other class loaders from the caller.
 */
final class DriverDataSource implements DataSource {

    private final String url;
    private final String user;
    private final String password;
    private final Driver driver;
    private int loginTimeoutSeconds = 10;

    DriverDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.driver = find(url);
    }

    private static Driver find(String url) {
        for (Driver candidate : ServiceLoader.load(Driver.class, DriverDataSource.class.getClassLoader())) {
            try {
                if (candidate.acceptsURL(url)) {
                    return candidate;
                }
            } catch (SQLException ignored) {
                // Not this one.
            }
        }
        throw new IllegalStateException("no JDBC driver for relay.ledger.jdbc-url (" + LedgerStore.withoutSecrets(url)
                + "); see docs/usage.md");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String secret) throws SQLException {
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (secret != null) {
            properties.setProperty("password", secret);
        }
        properties.setProperty("loginTimeout", String.valueOf(loginTimeoutSeconds)); // PostgreSQL's name
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("the driver refused relay.ledger.jdbc-url");
        }
        return connection;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
