package me.gocertify.bridge.filedrop;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import me.gocertify.bridge.web.Json;

/** A .json file: one array of objects, read element by element with Jackson's streaming parser. */
final class JsonArrayRecords extends RecordStream {

    private static final ObjectMapper MAPPER = Json.RECORD_STREAM_MAPPER;

    private final JsonParser parser;
    private boolean started;

    JsonArrayRecords(TextGuard text) throws IOException {
        super(text);
        this.parser = MAPPER.createParser(text);
    }

    @Override
    protected FileRecord read() throws IOException {
        if (!started) {
            started = true;
            JsonToken first = parser.nextToken();
            if (first == null) {
                return last(1, "the file is empty");
            }
            if (first != JsonToken.START_ARRAY) {
                return last(currentLine(), "a .json file must hold one array of objects");
            }
        }
        text.recordStarted();
        JsonToken token = parser.nextToken();
        long line = currentLine();
        if (token == JsonToken.END_ARRAY) {
            return parser.nextToken() == null ? null : last(currentLine(), "there is more after the array");
        }
        if (token == null) {
            return last(line, "the array is not closed");
        }
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return FileRecord.unreadable(line, "each element of the array must be an object");
        }
        JsonNode object = MAPPER.readTree(parser);
        return FileRecord.of(line, object);
    }

    @Override
    protected long currentLine() {
        return parser.currentTokenLocation().getLineNr();
    }

    @Override
    public void close() throws IOException {
        super.close();
        parser.close();
    }
}
