package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Hikari's line for a connection dropped because H2 closed the store is filtered out by the bridge's turbo filter
 * (store.Database says it once a minute); its line for any other broken connection, PostgreSQL's among them, and
 * everything else it says stay. FullDiskTest shows it on a full disk.
 */
class ClosedStoreEvictionsTest {

    private final LoggerContext logging = new LoggerContext();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger hikari;

    @BeforeEach
    void installTheFilter() {
        LeakyLoggerFilter filter = new LeakyLoggerFilter();
        filter.setContext(logging);
        filter.start();
        logging.addTurboFilter(filter);
        logged.setContext(logging);
        logged.start();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(logged);
        hikari = logging.getLogger(ClosedStoreEvictions.HIKARI_CONNECTION);
    }

    @Test
    void aConnectionDroppedBecauseH2ClosedTheStoreIsNotLogged() {
        brokenBecauseOf(new SQLNonTransientConnectionException("The database has been closed [90098-232]", "90098", 90098));
        assertThat(logged.list).isEmpty();
    }

    @Test
    void anyOtherBrokenConnectionIsLogged() {
        // PostgreSQL: the server ended the connection (SQL state class 08), vendor code 0
        brokenBecauseOf(new SQLNonTransientConnectionException("An I/O error occurred while sending to the backend.", "08006"));
        logging.getLogger("com.zaxxer.hikari.pool.HikariPool").warn("bridge-db - Thread starvation or clock leap detected");
        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
    }

    /** As Hikari's ProxyConnection says it. */
    private void brokenBecauseOf(SQLException e) {
        hikari.warn("{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})", "bridge-db", "conn1",
                e.getSQLState(), e.getErrorCode(), e);
    }
}
