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
 * The loggers that print secrets stay quiet whatever level they are set to; every other logger keeps its level.
 * And Hikari's line for a connection dropped because H2 closed the store is filtered out (store.Database says it
 * once a minute), while its line for any other broken connection stays: FullDiskTest shows it on a full disk.
 */
class LeakyLoggerFilterTest {

    private final LoggerContext logging = new LoggerContext();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void installTheFilter() {
        LeakyLoggerFilter filter = new LeakyLoggerFilter();
        filter.setContext(logging);
        filter.start();
        logging.addTurboFilter(filter);
        logging.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        logged.setContext(logging);
        logged.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logged);
    }

    @Test
    void rawHttpTrafficIsSilentAtEveryLevelEvenWhenTurnedUp() {
        Logger wire = logging.getLogger("org.apache.hc.client5.http.wire");
        wire.setLevel(Level.TRACE);

        assertThat(wire.isTraceEnabled()).isFalse();
        assertThat(wire.isDebugEnabled()).isFalse();
        assertThat(wire.isInfoEnabled()).isFalse();
        assertThat(wire.isErrorEnabled()).isFalse();
    }

    @Test
    void beanArgumentsAndHawtiosServerAreSilentBelowInfoEvenWhenTurnedUp() {
        Logger bean = logging.getLogger("org.apache.camel.component.bean.MethodInfo");
        Logger jetty = logging.getLogger("org.eclipse.jetty.server.Request");
        bean.setLevel(Level.TRACE);
        logging.getLogger("org.eclipse.jetty").setLevel(Level.DEBUG);

        assertThat(bean.isTraceEnabled()).isFalse();
        assertThat(bean.isDebugEnabled()).isFalse();
        assertThat(bean.isInfoEnabled()).isTrue();
        assertThat(jetty.isDebugEnabled()).isFalse();
        assertThat(jetty.isWarnEnabled()).isTrue();
    }

    @Test
    void otherLoggersKeepTheirLevels() {
        Logger route = logging.getLogger("org.apache.camel.processor.Pipeline");
        assertThat(route.isDebugEnabled()).isFalse();
        assertThat(route.isInfoEnabled()).isTrue();

        route.setLevel(Level.TRACE);
        assertThat(route.isTraceEnabled()).isTrue();
    }

    @Test
    void aConnectionDroppedBecauseH2ClosedTheStoreIsNotLogged() {
        hikariSaysBrokenBecauseOf(new SQLNonTransientConnectionException("The database has been closed [90098-232]", "90098", 90098));
        assertThat(logged.list).isEmpty();
    }

    @Test
    void anyOtherBrokenConnectionIsLogged() {
        // PostgreSQL: the server ended the connection (SQL state class 08), vendor code 0
        hikariSaysBrokenBecauseOf(new SQLNonTransientConnectionException("An I/O error occurred while sending to the backend.", "08006"));
        logging.getLogger("com.zaxxer.hikari.pool.HikariPool").warn("bridge-db - Thread starvation or clock leap detected");
        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
    }

    /** As Hikari's ProxyConnection says it. */
    private void hikariSaysBrokenBecauseOf(SQLException e) {
        logging.getLogger(LeakyLoggerFilter.HIKARI_CONNECTION).warn(
                "{} - Connection {} marked as broken because of SQLSTATE({}), ErrorCode({})", "bridge-db", "conn1",
                e.getSQLState(), e.getErrorCode(), e);
    }
}
