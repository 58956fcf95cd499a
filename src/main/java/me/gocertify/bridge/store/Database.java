package me.gocertify.bridge.store;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The pooled connection to the store, its schema brought up to date by Flyway at start. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withDurableH2Settings(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("bridge-db");
        config.setAutoCommit(true);
        HikariDataSource dataSource = new HikariDataSource(config);
        migrate(dataSource);
        return dataSource;
    }

    /**
     * An H2 URL with the two settings the bridge's promises rest on, added where missing:
     * WRITE_DELAY=0 (a commit is on disk before the 202, so it survives kill -9) and
     * DB_CLOSE_ON_EXIT=FALSE (H2's own shutdown hook must not close the store while in-flight
     * deliveries are still writing their outcomes back during a graceful shutdown). And, for speed,
     * QUERY_CACHE_SIZE=64: H2 keeps each connection's last 8 parsed statements by default, fewer than
     * the delivery path uses, so most statements were parsed again each time.
     */
    static String withDurableH2Settings(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String durable = url;
        if (!upper.contains(";WRITE_DELAY=")) {
            durable += ";WRITE_DELAY=0";
        }
        if (!upper.contains(";DB_CLOSE_ON_EXIT=")) {
            durable += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (!upper.contains(";QUERY_CACHE_SIZE=")) {
            durable += ";QUERY_CACHE_SIZE=64";
        }
        return durable;
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
}
