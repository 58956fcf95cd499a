package me.gocertify.bridge.store;

import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pooled connection to the store, its schema brought up to date by Flyway at start. */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database() {
    }

    /** The pool, connected and its schema migrated before it is returned. */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariDataSource dataSource = new HikariDataSource(config(url, user, password, poolSize));
        migrate(dataSource);
        return dataSource;
    }

    /**
     * The pool, not yet connected: it connects on its first use (the bridge's start migrates the
     * schema on a thread of its own, see SchemaMigration).
     */
    public static HikariDataSource pool(String url, String user, String password, int poolSize) {
        HikariDataSource dataSource = new HikariDataSource();
        config(url, user, password, poolSize).copyStateTo(dataSource);
        return dataSource;
    }

    private static HikariConfig config(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withBridgeH2Settings(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("bridge-db");
        config.setAutoCommit(true);
        if (url.startsWith("jdbc:h2:")) {
            config.setExceptionOverride(new ReopenClosedH2());
        }
        return config;
    }

    /**
     * Drops a connection whose database H2 has closed, so that the pool's next one opens it again. H2 closes an
     * embedded database for good once a write to its file fails (a full disk: {@code No space left on device}),
     * and every connection to it then fails with error 90098, which Hikari does not take for a broken connection
     * (it looks for SQL state class 08). Without this the bridge answered 503 to everything until restarted,
     * long after the disk had room again. While the disk stays full H2 closes the database again at each write,
     * so this is said at most once a minute; Hikari's own line for each such connection, with its stack trace,
     * is dropped ({@code ops.LeakyLoggerFilter}).
     */
    private static final class ReopenClosedH2 implements SQLExceptionOverride {

        private final RepeatedFailure closed = new RepeatedFailure(LOG,
                "H2 closed the store after a write to its file failed (is the disk full?); each connection to it is dropped,"
                        + " and the next one opens it again");

        @java.lang.Override
        public Override adjudicate(SQLException e) {
            if (!closedByH2(e)) {
                return Override.CONTINUE_EVICT;
            }
            closed.happened(e);
            return Override.MUST_EVICT;
        }
    }

    /** Whether this failure is H2's "the database has been closed" (error 90098), as after a write it could not make. */
    public static boolean closedByH2(SQLException e) {
        return e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED;
    }

    /** What {@link #withBridgeH2Settings} adds to an H2 URL, each unless the URL names it. */
    private static final List<String> H2_SETTINGS = List.of("WRITE_DELAY=0", "DB_CLOSE_ON_EXIT=FALSE", "QUERY_CACHE_SIZE=128",
            "CACHE_SIZE=2048");

    /**
     * An H2 URL with the bridge's settings added where it names none. Two the bridge's promises rest on:
     * WRITE_DELAY=0 (a commit is on disk before the 202, so it survives kill -9) and
     * DB_CLOSE_ON_EXIT=FALSE (H2's own shutdown hook must not close the store while in-flight
     * deliveries are still writing their outcomes back during a graceful shutdown).
     * Also QUERY_CACHE_SIZE=128, not for a promise but for speed: H2 keeps 8 parsed statements per
     * connection by default, fewer than the bridge's ~40 distinct ones, so most statements were parsed
     * again on every use (Hikari does not cache statements; PostgreSQL's driver caches its own).
     * And CACHE_SIZE=2048 (KB; H2's default is 16 MB), for the collector: every page a commit writes
     * enters H2's page cache, so with the default one a young collection under load found several MB of
     * fresh cached pages alive and copied them (pauses of 17.6 to 25.2 ms on average, the webhooks' p99);
     * with 2 MB, 8.4 to 10.2 ms, and no slower, as the pages the bridge reads are the newest
     * (BENCHMARKS.md, session 8).
     * H2's RETENTION_TIME stays at its default (45 s; a dead chunk is written over only that long after
     * it was written): at 0 the space of chunks still being read was reused, and a concurrent statement
     * failed with "Chunk n not found" (CrashAndShutdownTest, about one run in five; H2's issues #2118
     * and #4383; nitrite-java's PR 1303 saw files that no longer opened). So the compaction the group
     * commit's writer runs ({@link H2Compaction}) frees chunks once they are 45 s old.
     */
    static String withBridgeH2Settings(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        StringBuilder withSettings = new StringBuilder(url);
        for (String setting : H2_SETTINGS) {
            if (!upper.contains(";" + setting.substring(0, setting.indexOf('=') + 1))) {
                withSettings.append(';').append(setting);
            }
        }
        return withSettings.toString();
    }

    /**
     * Whether the URL opens an H2 database inside this process that no other process can open at the
     * same time (a file or in-memory database; not H2's TCP server, nor a file shared by AUTO_SERVER).
     */
    public static boolean isEmbeddedH2(String url) {
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("JDBC:H2:") && !upper.startsWith("JDBC:H2:TCP:") && !upper.startsWith("JDBC:H2:SSL:")
                && !upper.replace(" ", "").contains(";AUTO_SERVER=TRUE");
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }
}
