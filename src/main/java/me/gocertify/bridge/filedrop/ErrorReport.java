package me.gocertify.bridge.filedrop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

/**
 * {@code .failed/{file name}.errors.json}: {@code [{"line":n,"verification_id":...,"error":...}]},
 * one entry a line. Written as the errors come (a file may have a million of them) under a dot-name,
 * and renamed into place whole.
 */
final class ErrorReport {

    private static final JsonFactory JSON = new JsonFactory();

    private final Path target;
    private final Path partial;
    private JsonGenerator json;
    private long entries;

    ErrorReport(Path failedFolder, String fileName) {
        this.target = failedFolder.resolve(fileName + ".errors.json");
        this.partial = failedFolder.resolve("." + fileName + ".errors.json.part");
    }

    void add(long line, String verificationId, String error) {
        try {
            if (json == null) {
                Files.createDirectories(partial.getParent());
                json = JSON.createGenerator(Files.newBufferedWriter(partial, StandardCharsets.UTF_8));
                json.setPrettyPrinter(new DefaultPrettyPrinter()
                        .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                        .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
                        .withoutSpacesInObjectEntries());
                json.writeStartArray();
            }
            json.writeStartObject();
            json.writeNumberField("line", line);
            json.writeStringField("verification_id", verificationId);
            json.writeStringField("error", error);
            json.writeEndObject();
            entries++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the error report " + target, e);
        }
    }

    long entries() {
        return entries;
    }

    Path target() {
        return target;
    }

    /** Drops the report under way: the file will be read again. */
    void discard() {
        if (json == null) {
            return;
        }
        try {
            json.close();
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // a dot-file left behind is overwritten the next time
        } finally {
            json = null;
        }
    }

    /** Puts the finished report in place; nothing when there were no errors. */
    void publish() {
        if (json == null) {
            return;
        }
        try {
            json.writeEndArray();
            json.writeRaw('\n');
            json.close();
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the error report " + target, e);
        } finally {
            json = null;
        }
    }
}
