package me.gocertify.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

/** The loggers that print secrets stay quiet whatever level they are set to; every other logger keeps its level. */
class LeakyLoggerFilterTest {

    private final LoggerContext logging = new LoggerContext();

    @BeforeEach
    void installTheFilter() {
        LeakyLoggerFilter filter = new LeakyLoggerFilter();
        filter.setContext(logging);
        filter.start();
        logging.addTurboFilter(filter);
        logging.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
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
}
