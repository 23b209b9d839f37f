package dev.echoid.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the JVM's loggers publish (java.util.logging, which Tomcat's and the WARs' loggers write to when they run in
 * the test's JVM) while it is open, at the levels the logging configuration lets through: for a test that asserts
 * what an operator's log shows, such as no stack trace for a failure that is expected.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(String loggerName) {
        logger = Logger.getLogger(loggerName);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Every logger's records. */
    public static CapturedLog open() {
        return new CapturedLog("");
    }

    /** The records of {@code loggerName} and the loggers below it. */
    public static CapturedLog open(String loggerName) {
        return new CapturedLog(loggerName);
    }

    /** The records so far, as published. */
    public List<LogRecord> records() {
        return records;
    }

    /** Each SEVERE record that carries a stack trace, as its logger, its message and the trace's first line. */
    public List<String> severeTraces() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()
                && r.getThrown() != null).map(r -> r.getLoggerName() + ": " + formatter.formatMessage(r) + " ("
                + r.getThrown() + ")").toList();
    }

    /** The formatted messages of the records of loggers whose name starts with {@code prefix}. */
    public List<String> messages(String prefix, Level atLeast) {
        return records.stream().filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith(prefix)
                && r.getLevel().intValue() >= atLeast.intValue()).map(r -> formatter.formatMessage(r)
                + (r.getThrown() == null ? "" : " [with a stack trace]")).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
