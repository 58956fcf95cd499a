package me.gocertify.bridge.filedrop;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The records of a dropped file, read one at a time as the split asks for them, so a file of any
 * size takes the memory of one record. When the file itself cannot be read on (not text, broken
 * JSON, an unclosed quote), one last unreadable record says why and where, and the stream ends.
 */
abstract class RecordStream implements Iterator<FileRecord>, Closeable {

    protected final TextGuard text;
    private FileRecord next;
    private boolean ended;
    private boolean endRequested;
    private BooleanSupplier keepReading = () -> true;

    protected RecordStream(TextGuard text) {
        this.text = text;
    }

    /** The reader for the file's format, chosen by its extension. */
    static RecordStream open(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        TextGuard text = TextGuard.open(file);
        if (name.endsWith(".csv")) {
            return new CsvRecords(text);
        }
        if (name.endsWith(".json")) {
            return new JsonArrayRecords(text);
        }
        return new JsonLinesRecords(text);
    }

    /** The next record, or null at the end of the file. */
    protected abstract FileRecord read() throws IOException;

    /** The line the reader has reached, for a failure that is not tied to a record. */
    protected abstract long currentLine();

    /** Reading stops, between two records, once this says no (the bridge is stopping). */
    RecordStream stopWhenNot(BooleanSupplier condition) {
        keepReading = condition;
        return this;
    }

    @Override
    public final boolean hasNext() {
        if (next == null && !ended && !keepReading.getAsBoolean()) {
            ended = true;
        }
        if (next == null && !ended) {
            try {
                next = read();
            } catch (IOException | RuntimeException e) {
                next = last(currentLine(), whyUnreadable(e) + "; the rest of the file was not read");
            }
            ended = next == null || endRequested;
        }
        return next != null;
    }

    @Override
    public final FileRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        FileRecord record = next;
        next = null;
        return record;
    }

    /** An unreadable record after which the file is read no further. */
    protected final FileRecord last(long line, String reason) {
        endRequested = true;
        return FileRecord.unreadable(line, reason);
    }

    @Override
    public void close() throws IOException {
        ended = true;
        text.close();
    }

    private static String whyUnreadable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof CharacterCodingException) {
                return "the file is not UTF-8 text (is it binary?)";
            }
            if (e instanceof TextGuard.RecordTooLong) {
                return "a record is longer than 1 MiB (an unclosed quote?)";
            }
            if (e instanceof JsonProcessingException) {
                return "the JSON is malformed here";
            }
        }
        return failure instanceof UncheckedIOException || failure instanceof IOException
                ? "the file could not be read" : "the file is malformed here";
    }
}
