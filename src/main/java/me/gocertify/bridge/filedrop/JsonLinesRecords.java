package me.gocertify.bridge.filedrop;

import java.io.BufferedReader;
import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import me.gocertify.bridge.web.Json;

/** A .ndjson or .jsonl file: one JSON object a line; blank lines are skipped. */
final class JsonLinesRecords extends RecordStream {

    private final BufferedReader lines;
    private long lineNumber;
    private boolean sawText;

    JsonLinesRecords(TextGuard text) {
        super(text);
        this.lines = new BufferedReader(text, 1 << 16);
    }

    @Override
    protected FileRecord read() throws IOException {
        while (true) {
            text.recordStarted();
            String line = lines.readLine();
            if (line == null) {
                return sawText ? null : last(1, "the file is empty");
            }
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            sawText = true;
            JsonNode object;
            try {
                // each line is held to the webhook's limits, 64 KiB included
                object = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                return FileRecord.unreadable(lineNumber, "the line is not valid JSON");
            }
            if (object == null || !object.isObject()) {
                return FileRecord.unreadable(lineNumber, "each line must be a JSON object");
            }
            return FileRecord.of(lineNumber, object);
        }
    }

    @Override
    protected long currentLine() {
        return lineNumber + 1;
    }
}
