package me.gocertify.bridge.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The bridge's logging, set up in code (found by logback as a service) instead of from a
 * logback.xml: reading XML took a tenth of the bridge's start (an XML parser and logback's
 * configuration model, some 600 classes). One line per event on the console at INFO, and the
 * LeakyLoggerFilter always on. An operator's own file ({@code -Dlogback.configurationFile=...})
 * still wins, with the filter installed before it is read, so no file can bring the silenced
 * loggers back.
 */
public final class BridgeLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext logging) {
        LeakyLoggerFilter leaky = new LeakyLoggerFilter();
        leaky.setContext(logging);
        leaky.start();
        logging.addTurboFilter(leaky);
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logging);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(logging);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();

        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        logging.getLogger("org.apache.camel").setLevel(Level.INFO);
        logging.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        logging.getLogger("org.flywaydb").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
