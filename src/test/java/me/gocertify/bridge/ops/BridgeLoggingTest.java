package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;

/** Logging set up in code: console at INFO, and the leaky-logger filter on before any operator's file is read. */
class BridgeLoggingTest {

    @Test
    void theBridgesLoggingIsInForceWithTheLeakyLoggerFilter() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(logging.getTurboFilterList()).anyMatch(LeakyLoggerFilter.class::isInstance);
        assertThat(logging.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
    }

    @Test
    void anOperatorsOwnFileIsReadAfterTheFilterIsInstalled() {
        LoggerContext fresh = new LoggerContext();
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "operator-logback.xml");
        try {
            assertThat(configure(fresh)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
        assertThat(fresh.getTurboFilterList()).anyMatch(LeakyLoggerFilter.class::isInstance);
        assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    }

    @Test
    void withoutAFileTheConsoleTakesInfoAndTheConnectionPoolOnlyWarnings() {
        LoggerContext fresh = new LoggerContext();
        assertThat(configure(fresh)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(fresh.getLogger("com.zaxxer.hikari").getLevel()).isEqualTo(Level.WARN);
        assertThat(fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNotNull();
    }

    /** The bridge's logging set up on a logger context of the test's own, as logback does at start. */
    private static Configurator.ExecutionStatus configure(LoggerContext logging) {
        BridgeLogging configurator = new BridgeLogging();
        configurator.setContext(logging);
        return configurator.configure(logging);
    }
}
