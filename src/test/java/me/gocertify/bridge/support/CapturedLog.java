package me.gocertify.bridge.support;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** What the bridge logs, to one logger and those below it, from when this opens until it closes. */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything the bridge logs. */
    public static CapturedLog all() {
        return new CapturedLog(Logger.ROOT_LOGGER_NAME);
    }

    /** What one class logs. */
    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(source.getName());
    }

    /** The events so far; safe to read while the bridge's threads still log. */
    public List<ILoggingEvent> events() {
        // the appender adds under its own lock (AppenderBase.doAppend)
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The events' messages so far, formatted. */
    public List<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
